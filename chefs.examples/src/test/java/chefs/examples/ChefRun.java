package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.api.json.DumplingJson;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.testing.SampleCaptures;

/** Runs chefs through the real kitchen engine on a sample capture; returns their dumplings. */
final class ChefRun {

    /** What a run made: every dumpling (as eaters decode it) and the packets read. */
    record Result(List<Dumpling> dumplings, long packets) {
        List<Dumpling> of(String chef) {
            return dumplings.stream().filter(d -> d.chef().equals(chef)).toList();
        }
    }

    private ChefRun() {
    }

    /**
     * Replays the file as fast as possible, unfiltered, with a poke interval so long that
     * the interval handler runs exactly twice: at start and at the end of the file.
     */
    static Result replay(String file, DumplingChef... chefs) throws InterruptedException {
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        Kitchen.Builder builder = Kitchen.builder().name("chefkit").pcapFile(SampleCaptures.path(file)).speed(0)
                .filter("").pokeInterval(Duration.ofHours(1)).sink(sent::add);
        for (DumplingChef chef : chefs) {
            builder.chef(chef);
        }
        long packets;
        try (Kitchen kitchen = builder.build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(60)), "capture did not end");
            packets = kitchen.packetsCaptured();
        }
        return new Result(sent.stream().map(DumplingJson::fromJson).toList(), packets);
    }

    static List<Dumpling> run(String file, DumplingChef chef) throws InterruptedException {
        return replay(file, chef).dumplings();
    }
}
