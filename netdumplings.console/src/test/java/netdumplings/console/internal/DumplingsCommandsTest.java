package netdumplings.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

class DumplingsCommandsTest {

    /** A kitchen with one chef whose enabled flag the commands switch. */
    static final class FakeKitchen implements KitchenManagement {
        final String name;
        boolean enabled = true;
        final List<String> calls = new ArrayList<>();

        FakeKitchen(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public KitchenInfo info() {
            // The hub went away at DOWN_SINCE after one connection: 250 dumplings buffered, 7 dropped.
            return new KitchenInfo(name, "dns.pcap", false, "udp", "localhost:11347", false, null, 464, 0, 3, 430,
                    7, List.of(new ChefInfo("PacketCountChef", "chefs.examples.PacketCountChef", "chefs.examples",
                            "0.1.0", enabled, 464, 2, 0, 0, 3, 1.5)), 17, false, 1, DOWN_SINCE, 250);
        }

        @Override
        public boolean disableChef(String chef) {
            calls.add("disable " + chef);
            boolean known = chef.equals("PacketCountChef");
            enabled &= !known;
            return known;
        }

        @Override
        public boolean enableChef(String chef) {
            calls.add("enable " + chef);
            boolean known = chef.equals("PacketCountChef");
            enabled |= known;
            return known;
        }
    }

    /** When the fake kitchens' hub went away: 2026-12-02T05:12:03Z, whole seconds. */
    private static final long DOWN_SINCE = 1796188323000L;

    private final ManagementRegistry registry = new ManagementRegistry();
    private final DumplingsCommands commands = new DumplingsCommands(registry);

    @Test
    void chefsAndKitchensShowTheFigures() {
        registry.addKitchen(new FakeKitchen("k1"));
        String chefs = commands.chefs();
        assertTrue(chefs.lines().anyMatch(l -> l.startsWith("k1") && l.contains("PacketCountChef")
                && l.contains("chefs.examples 0.1.0") && l.contains(" 464 ") && l.endsWith("1.50")), chefs);
        String kitchens = commands.kitchens();
        String since = java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(DOWN_SINCE),
                java.time.ZoneId.systemDefault()).toString(); // HH:mm:ss, the seconds being whole
        assertTrue(kitchens.lines().anyMatch(l -> l.startsWith("k1") && l.contains("file dns.pcap")
                && l.contains("\"udp\"") && l.contains(" 464 ")
                && l.matches(".* 17 +reconnecting since " + since + " +250 +7")), kitchens);
        assertTrue(kitchens.startsWith("KITCHEN") && kitchens.lines().findFirst().orElseThrow().endsWith("HUB DROPS"),
                kitchens);
    }

    @Test
    void disableAndEnableReachOnlyTheNamedKitchen() {
        FakeKitchen k1 = new FakeKitchen("k1");
        FakeKitchen k2 = new FakeKitchen("k2");
        registry.addKitchen(k1);
        registry.addKitchen(k2);
        assertEquals("chef PacketCountChef disabled in 1 kitchen", commands.disable("k2", "PacketCountChef"));
        assertTrue(k1.enabled);
        assertFalse(k2.enabled);
        assertTrue(commands.chefs().lines().anyMatch(l -> l.startsWith("k2") && l.contains(" NO ")));
        assertEquals("chef PacketCountChef enabled in 2 kitchens", commands.enable("PacketCountChef"));
        assertTrue(k2.enabled);
        assertEquals("no kitchen has a chef Nobody", commands.disable("Nobody"));
    }

    @Test
    void hubWithoutAHubSaysSo() {
        assertEquals("hub: not running" + System.lineSeparator(), commands.hub());
        registry.setHub(() -> new HubInfo(true, 12, 10, 42, 0, 1, List.of(new HubInfo.Kitchen("k1", "127.0.0.1",
                4000, 10, 0)), List.of(new HubInfo.Eater("e1", "127.0.0.1", 4001, 3, 42, 1))));
        String hub = commands.hub();
        assertTrue(hub.startsWith("hub: uptime 12 s, dumplings in 10, out 42"), hub);
        assertTrue(hub.lines().anyMatch(l -> l.matches(" +eater +e1 +127\\.0\\.0\\.1:4001 +3 +42 +1")), hub);
        assertTrue(hub.lines().anyMatch(l -> l.matches(" +kitchen +k1 +127\\.0\\.0\\.1:4000 +10 +0")), hub);
    }

    @Test
    void columnsStayAlignedWithLongNames() {
        registry.addKitchen(new FakeKitchen("k1"));
        registry.addKitchen(new FakeKitchen("a_kitchen_with_a_name_longer_than_any_column_was"));
        List<String> chefs = commands.chefs().lines().toList();
        assertEquals(3, chefs.size(), String.join("\n", chefs));
        // The last column is right-aligned: every line ends at the same place.
        assertTrue(chefs.stream().allMatch(l -> l.length() == chefs.get(0).length()), String.join("\n", chefs));
        // Each number ends under the end of its header, whatever the names before it.
        List<String> kitchens = commands.kitchens().lines().toList();
        int capturedEnd = kitchens.get(0).indexOf("CAPTURED") + "CAPTURED".length();
        for (String line : kitchens.subList(1, kitchens.size())) {
            assertEquals("464", line.substring(capturedEnd - 3, capturedEnd), String.join("\n", kitchens));
        }
    }

    @Test
    void hubConnectionInWords() {
        java.util.function.Function<KitchenInfo, String> words = k -> DumplingsCommands.hubConnection(k,
                java.time.ZoneOffset.UTC);
        // 1796188323000 ms: 2026-12-02T05:12:03Z (date -u -d @1796188323).
        KitchenInfo never = new KitchenInfo("k", "eth0", true, "", "h:1", true, null, 0, 0, 0, 0, 0, List.of(), 0,
                false, 0, 1796188323000L, 5);
        assertEquals("connecting since 05:12:03 (never connected)", words.apply(never));
        KitchenInfo again = new KitchenInfo("k", "eth0", true, "", "h:1", true, null, 0, 0, 0, 0, 0, List.of(), 0,
                false, 3, 1796188323000L, 5);
        assertEquals("reconnecting since 05:12:03", words.apply(again));
        KitchenInfo up = new KitchenInfo("k", "eth0", true, "", "h:1", true, null, 0, 0, 0, 0, 0, List.of(), 0,
                true, 3, 0, 0);
        assertEquals("connected", words.apply(up));
        KitchenInfo stopped = new KitchenInfo("k", "eth0", true, "", "h:1", false, "why", 0, 0, 0, 0, 0, List.of());
        assertEquals("-", words.apply(stopped));
    }

    @Test
    void anUnknownKitchenIsOneLine() {
        registry.addKitchen(new FakeKitchen("k1"));
        assertEquals("no kitchen nosuchkitchen (kitchens: k1)", commands.chefs("nosuchkitchen"));
        assertEquals("no kitchen nosuchkitchen (kitchens: k1)", commands.disable("nosuchkitchen", "PacketCountChef"));
        assertTrue(commands.chefs("k1").lines().anyMatch(l -> l.startsWith("k1 ") && l.contains("PacketCountChef")));
    }

    @Test
    void everyCommandAndArgumentIsDescribed() {
        for (java.lang.reflect.Method m : DumplingsCommands.class.getDeclaredMethods()) {
            if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            assertTrue(m.isAnnotationPresent(org.apache.felix.service.command.Descriptor.class), m.toString());
            for (java.lang.reflect.Parameter p : m.getParameters()) {
                assertTrue(p.isAnnotationPresent(org.apache.felix.service.command.Descriptor.class), m + " " + p);
            }
        }
    }

    @Test
    void aHubBoundBeforeTheOldOneIsUnboundStays() {
        HubManagement old = HubInfo::notRunning;
        HubManagement replacement = () -> new HubInfo(true, 7, 0, 0, 0, 0, List.of(), List.of());
        // A dynamic reference binds the replacement first, then unbinds the old service.
        registry.setHub(old);
        registry.setHub(replacement);
        registry.removeHub(old);
        assertTrue(commands.hub().startsWith("hub: uptime 7 s"), commands.hub());
        registry.removeHub(replacement);
        assertEquals("hub: not running" + System.lineSeparator(), commands.hub());
    }

    @Test
    void pageEscapesItsAttributes() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", DumplingsWebConsolePlugin.escapeAttribute("<a href=\"x\">&'"));
        String page = new DumplingsWebConsolePlugin(registry).page("/system/console/dumplings\"><script>");
        assertFalse(page.contains("\"><script>"), page);
    }
}
