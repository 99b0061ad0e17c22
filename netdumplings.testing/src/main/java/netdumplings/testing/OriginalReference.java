package netdumplings.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the original netdumplings' three chefs (scapy 2.5) make from each sample capture:
 * {@code ../shared/reference/original-chefs/<capture>.json}, beside the captures (its
 * README says how it was obtained). The expected values of the example chefs' tests.
 */
public final class OriginalReference {

    /** Where the reference outputs are, relative to the repository root. */
    public static final String FOLDER = "../shared/reference/original-chefs";

    /**
     * The layer names of the reference that netdumplings does not give: the application
     * layers scapy dissects on their ports (BOOTP/DHCP, DHCPv6, RIP, NTP, NetBIOS name
     * service). Their payload is claimed all the same (no {@code Raw}), so every other count
     * is equal. The one known difference (README, "Write your own chef").
     */
    public static final Set<String> APPLICATION_LAYERS_NOT_NAMED = Set.of(
            "BOOTP", "DHCP options",
            "DHCPv6 Solicit Message", "DHCP6 Elapsed Time Option", "DHCP6 Client Identifier Option",
            "DHCP6 Identity Association for Non-temporary Addresses Option", "DHCP6 Option - Client FQDN",
            "DHCP6 Vendor Class Option", "DHCP6 Option Request Option",
            "RIP header", "RIP entry",
            "NTPHeader", "Authenticator",
            "NBNS Header", "NBNS query request");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String capture;
    private final JsonNode root;

    private OriginalReference(String capture, JsonNode root) {
        this.capture = capture;
        this.root = root;
    }

    /** @return the reference folder */
    public static Path folder() {
        return SampleCaptures.folder().resolve("..").resolve("reference/original-chefs").normalize();
    }

    /**
     * @return the captures with a reference, as {@link SampleCaptures#path(String)} names them
     *         ({@code dns.pcap}, {@code malformed/tcp-malformed.pcap}...), sorted
     */
    public static List<String> captures() {
        List<String> result = new ArrayList<>();
        for (String dir : List.of("", "malformed/")) {
            Path folder = SampleCaptures.folder().resolve(dir);
            try (Stream<Path> files = Files.list(folder)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                        .filter(n -> Files.isRegularFile(folder().resolve(n + ".json"))).sorted()
                        .forEach(n -> result.add(dir + n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    /**
     * @param capture a capture as {@link #captures()} names it
     * @return its reference
     */
    public static OriginalReference of(String capture) {
        Path file = folder().resolve(Path.of(capture).getFileName() + ".json");
        try {
            return new OriginalReference(capture, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** @return the capture's name */
    public String capture() {
        return capture;
    }

    /** @return scapy's error when it could not read the capture, or null */
    public String error() {
        return root.hasNonNull("error") ? root.get("error").asText() : null;
    }

    /** @return the packets the original read */
    public int packets() {
        return root.path("packets").asInt();
    }

    /** @return PacketCountChef's final counts, in the original's order */
    public Map<String, Long> packetCounts() {
        Map<String, Long> result = new LinkedHashMap<>();
        root.path("PacketCountChef.interval").path("packet_counts").properties()
                .forEach(e -> result.put(e.getKey(), e.getValue().asLong()));
        return result;
    }

    /**
     * @return PacketCountChef's final counts without {@link #APPLICATION_LAYERS_NOT_NAMED},
     *         in the original's order
     */
    public Map<String, Long> packetCountsWithoutApplicationLayers() {
        Map<String, Long> result = packetCounts();
        result.keySet().removeAll(APPLICATION_LAYERS_NOT_NAMED);
        return result;
    }

    /** @return every hostname DNSLookupChef reported, in order */
    public List<String> hostnames() {
        List<String> result = new ArrayList<>();
        root.path("DNSLookupChef.packet_hostnames_in_order").forEach(n -> result.add(n.asText()));
        return result;
    }

    /** @return DNSLookupChef's final count per host, in the original's order */
    public Map<String, Long> lookupCounts() {
        Map<String, Long> result = new LinkedHashMap<>();
        root.path("DNSLookupChef.interval_counts").properties()
                .forEach(e -> result.put(e.getKey(), e.getValue().asLong()));
        return result;
    }

    /** @return ARPChef's packet payloads without {@code time}, as JSON-like maps */
    public List<Map<String, Object>> arpPayloads() {
        List<Map<String, Object>> result = new ArrayList<>();
        root.path("ARPChef.packet_payloads_without_times").forEach(n -> {
            Map<String, Object> payload = new LinkedHashMap<>();
            n.properties().forEach(e -> payload.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            result.add(payload);
        });
        return result;
    }

    @Override
    public String toString() {
        return capture;
    }
}
