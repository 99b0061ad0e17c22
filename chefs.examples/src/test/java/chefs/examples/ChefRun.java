package chefs.examples;

import java.util.List;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.chefkit.ChefReplay;
import netdumplings.testing.SampleCaptures;

/** Replays a sample capture through chefs with the chef test kit. */
final class ChefRun {

    private ChefRun() {
    }

    static ChefReplay.Result replay(String file, DumplingChef... chefs) throws InterruptedException {
        return ChefReplay.replay(SampleCaptures.path(file), chefs);
    }

    static List<Dumpling> run(String file, DumplingChef chef) throws InterruptedException {
        return replay(file, chef).dumplings();
    }
}
