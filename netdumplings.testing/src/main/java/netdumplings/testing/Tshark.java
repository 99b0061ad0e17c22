package netdumplings.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Wireshark's tshark, run on a capture as the independent dissector that tests compare
 * with (it shares no code with libpcap's reader, the kitchen's dissector or pcap4j).
 */
public final class Tshark {

    /**
     * The display filter of the DNS messages DNSLookupChef makes a lookup of: a question on
     * the DNS or mDNS ports (DNSLookupChefTest says why these ports).
     */
    public static final String DNS_LOOKUPS = "(udp.port==53 || tcp.port==53 || udp.port==5353) && dns.count.queries > 0";

    private Tshark() {
    }

    /**
     * {@code tshark -r CAPTURE -Y FILTER -T fields -E occurrence=f -e FIELD...}: one row per
     * packet the display filter passes, each field's first occurrence ("" when absent).
     *
     * @param capture a capture file
     * @param filter  a display filter ("" for every packet)
     * @param fields  field names, such as {@code http.host}
     * @return the rows, in packet order
     */
    public static List<String[]> fields(Path capture, String filter, String... fields) {
        List<String> command = new ArrayList<>(List.of("-r", capture.toString(), "-T", "fields", "-E", "occurrence=f"));
        if (!filter.isEmpty()) {
            command.addAll(List.of("-Y", filter));
        }
        for (String field : fields) {
            command.addAll(List.of("-e", field));
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : run(command)) {
            String[] row = Arrays.copyOf(line.split("\t", -1), fields.length);
            Arrays.setAll(row, i -> row[i] == null ? "" : row[i]);
            rows.add(row);
        }
        return rows;
    }

    /**
     * @param arguments tshark's arguments, such as {@code -r F -q -z conv,tcp}
     * @return its standard output, by line
     * @throws IllegalStateException if tshark is missing, fails, or takes over 5 minutes
     */
    public static List<String> run(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("tshark");
        command.addAll(arguments);
        try {
            Process tshark = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = tshark.getInputStream().readAllBytes();
            if (!tshark.waitFor(5, TimeUnit.MINUTES) || tshark.exitValue() != 0) {
                throw new IllegalStateException("tshark failed: " + String.join(" ", command));
            }
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("tshark could not run (bin/setup installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while tshark ran", e);
        }
    }
}
