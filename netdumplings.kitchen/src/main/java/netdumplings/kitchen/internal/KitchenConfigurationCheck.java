package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import netdumplings.api.NetDumplingsException;
import netdumplings.kitchen.internal.uplink.HubSender;

/**
 * Checks a {@link KitchenConfiguration} before it is applied, so an invalid one is refused
 * with a message naming the field (by its configuration property name) and the running
 * kitchen keeps its last good configuration.
 */
final class KitchenConfigurationCheck {

    /** The longest {@code kitchen_name} accepted. */
    static final int MAX_NAME_LENGTH = 256;
    /** The shortest interval between interval handler calls, for {@code poke_interval} 0 and below it. */
    static final double MIN_POKE_SECONDS = 0.01;

    private KitchenConfigurationCheck() {
    }

    private static String oneLine(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.replaceAll("\\s+", " ").trim();
    }

    /**
     * Checks every field, then opens and closes the capture (file or interface, with the
     * filter) to check those against libpcap. A live capture refused for lack of
     * permission passes: that is decided when the kitchen starts (sample fallback).
     *
     * @param c the configuration; not null
     * @return the first problem, as {@code field: reason}, or empty when it is valid
     */
    static Optional<String> problem(KitchenConfiguration c) {
        requireNonNull(c, "configuration");
        // Config Admin hands over what a .cfg file says: SCR converts a value to its
        // field's type only when the field is read, and throws when it cannot.
        Map<String, Runnable> typed = new LinkedHashMap<>();
        typed.put("poke_interval", c::poke__interval);
        typed.put("speed", c::speed);
        typed.put("max_gap", c::max__gap);
        typed.put("loop", c::loop);
        typed.put("snaplen", c::snaplen);
        typed.put("promiscuous", c::promiscuous);
        for (Map.Entry<String, Runnable> field : typed.entrySet()) {
            try {
                field.getValue().run();
            } catch (RuntimeException e) {
                return Optional.of(field.getKey() + ": not a value of its type (" + oneLine(e) + ")");
            }
        }
        if (c.kitchen__name() == null || c.kitchen__name().isBlank()) {
            return Optional.of("kitchen_name: must not be blank");
        }
        if (c.kitchen__name().length() > MAX_NAME_LENGTH) {
            // It goes into every dumpling and log line; the original's names are short.
            return Optional.of("kitchen_name: must be at most " + MAX_NAME_LENGTH + " characters, not "
                    + c.kitchen__name().length());
        }
        double poke = c.poke__interval();
        if (!(poke >= 0) || poke > 366 * 24 * 3600.0) {
            return Optional.of("poke_interval: must be 0 or a positive number of seconds (at most a year), not " + poke);
        }
        try {
            for (java.net.URI hub : HubSender.toUris(c.hub())) {
                if (hub.getPort() < 1 || hub.getPort() > 65535) {
                    throw new IllegalArgumentException("port out of range");
                }
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.of("hub: must be host:port with a port in 1..65535, not \"" + c.hub() + "\"");
        }
        if (!(c.speed() >= 0) || Double.isInfinite(c.speed())) {
            return Optional.of("speed: must be 0 (as fast as possible) or positive, not " + c.speed());
        }
        if (!(c.max__gap() >= 0) || Double.isInfinite(c.max__gap())) {
            return Optional.of("max_gap: must be 0 (every gap as recorded) or positive seconds, not " + c.max__gap());
        }
        if (c.loop() < 0) {
            return Optional.of("loop: must be 0 (for ever) or positive, not " + c.loop());
        }
        if (c.snaplen() < 64) {
            return Optional.of("snaplen: must be at least 64, not " + c.snaplen());
        }
        boolean file = c.pcap() != null && !c.pcap().isBlank();
        if (!file && (c.interface$() == null || c.interface$().isBlank())) {
            return Optional.of("interface: must not be blank when no capture file is given");
        }
        Kitchen.Builder probe = Kitchen.builder().liveInterface(file ? "all" : c.interface$().trim())
                .filter(c.filter() == null ? "" : c.filter().trim()).snaplen(c.snaplen());
        if (file) {
            probe.pcapFile(Path.of(c.pcap().trim()));
        }
        try {
            probe.build().checkCapture();
        } catch (Kitchen.CaptureOpenException e) {
            if (!e.permissionDenied()) {
                return Optional.of(fieldOf(e.getMessage(), file) + ": " + e.getMessage());
            }
        } catch (NetDumplingsException | IllegalArgumentException e) {
            return Optional.of((file ? "pcap" : "interface") + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Which field a capture-open message is about (see {@code Kitchen.open()}). */
    private static String fieldOf(String message, boolean file) {
        String m = String.valueOf(message);
        if (m.startsWith("bad filter")) {
            return "filter";
        }
        return file ? "pcap" : "interface";
    }
}
