package netdumplings.chefkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;
import netdumplings.kitchen.internal.Kitchen;

/**
 * Replays a capture file (pcap or pcapng) through chefs with the kitchen's engine: its
 * capture, dissector, batching and chef workers, as fast as possible and unfiltered, with
 * no hub. Each chef's interval handler runs twice: when the kitchen starts feeding it and
 * at the end of the file. Every dumpling is encoded as the kitchen sends it and decoded as
 * an eater reads it.
 *
 * <pre>{@code
 * ChefReplay.Result result = ChefReplay.replay(Path.of("dns.pcap"), new MyChef());
 * List<Object> lookups = result.packetPayloads("MyChef");
 * }</pre>
 */
public final class ChefReplay {

    /** How long a replay may take before it is given up as stuck. */
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private ChefReplay() {
    }

    /**
     * What a replay made.
     *
     * @param dumplings every dumpling, in the order the kitchen sent them
     * @param packets   the packets read from the file
     * @param failure   why reading the file stopped before its end (a truncated file, say:
     *                  the packets before are replayed), or null
     * @param errors    per chef name, how many times its handlers threw (the kitchen catches,
     *                  counts and goes on); since 1.1
     */
    public record Result(List<Dumpling> dumplings, long packets, String failure, Map<String, Long> errors) {

        /** A result without error counts (chefkit 1.0's constructor). */
        public Result(List<Dumpling> dumplings, long packets, String failure) {
            this(dumplings, packets, failure, Map.of());
        }

        /**
         * @param chef a chef's name ({@link DumplingChef#name()})
         * @return its dumplings
         */
        public List<Dumpling> of(String chef) {
            return dumplings.stream().filter(d -> d.chef().equals(chef)).toList();
        }

        /**
         * @param chef a chef's name
         * @return the payloads of its packet dumplings (decoded JSON: maps, lists, strings,
         *         numbers), in order
         */
        public List<Object> packetPayloads(String chef) {
            return of(chef).stream().filter(d -> d.driver() == DumplingDriver.PACKET).map(Dumpling::payload).toList();
        }

        /**
         * @param chef a chef's name
         * @return the payload of its last interval dumpling (the one made at the end of the
         *         file), or null
         */
        public Object lastInterval(String chef) {
            List<Object> intervals = of(chef).stream().filter(d -> d.driver() == DumplingDriver.INTERVAL)
                    .map(Dumpling::payload).toList();
            return intervals.isEmpty() ? null : intervals.get(intervals.size() - 1);
        }
    }

    /**
     * @param capture a pcap or pcapng file
     * @param chefs   the chefs to feed (each fed every packet)
     * @return what they made
     * @throws IllegalStateException if the file cannot be opened, or the replay does not end
     * @throws InterruptedException  if interrupted while waiting for the replay
     */
    public static Result replay(Path capture, DumplingChef... chefs) throws InterruptedException {
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        Kitchen.Builder builder = Kitchen.builder().name("chefkit").pcapFile(capture).speed(0).filter("")
                .pokeInterval(Duration.ofDays(1)).sink(sent::add);
        for (DumplingChef chef : chefs) {
            builder.chef(chef);
        }
        long packets;
        String failure;
        Map<String, Long> errors = new LinkedHashMap<>();
        try (Kitchen kitchen = builder.build()) {
            kitchen.start();
            if (!kitchen.awaitCaptureEnd(LIMIT)) {
                throw new IllegalStateException("replay of " + capture + " did not end within " + LIMIT);
            }
            packets = kitchen.packetsCaptured();
            failure = kitchen.failure().orElse(null);
            kitchen.statistics().forEach(s -> errors.put(s.chef(), s.errors()));
        }
        return new Result(sent.stream().map(DumplingJson::fromJson).toList(), packets, failure, errors);
    }
}
