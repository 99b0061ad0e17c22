package netdumplings.kitchen.internal;

import java.util.function.Function;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;

/** Helpers the kitchen tests share: a chef made of a name and a handler, and a chef's figures. */
final class TestChefs {

    private TestChefs() {
    }

    /** @return a chef named {@code name} whose packet handler is {@code handler} */
    static DumplingChef named(String name, Function<SniffedPacket, Object> handler) {
        return new DumplingChef() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object packetHandler(SniffedPacket packet) {
                return handler.apply(packet);
            }
        };
    }

    /** @return the statistics of the kitchen's chef named {@code chef} */
    static ChefStatistics stats(Kitchen kitchen, String chef) {
        return kitchen.statistics().stream().filter(s -> s.chef().equals(chef)).findFirst().orElseThrow();
    }
}
