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

/** Runs one chef through the real kitchen engine on a sample capture; returns its dumplings. */
final class ChefRun {

    private ChefRun() {
    }

    /**
     * Replays the file as fast as possible, unfiltered, with a poke interval so long that
     * the interval handler runs exactly twice: at start and at the end of the file.
     */
    static List<Dumpling> run(String file, DumplingChef chef) throws InterruptedException {
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        try (Kitchen kitchen = Kitchen.builder().name("test_kitchen").pcapFile(SampleCaptures.path(file)).speed(0).filter("")
                .pokeInterval(Duration.ofHours(1)).chef(chef).sink(sent::add).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(60)), "capture did not end");
        }
        return sent.stream().map(DumplingJson::fromJson).toList();
    }
}
