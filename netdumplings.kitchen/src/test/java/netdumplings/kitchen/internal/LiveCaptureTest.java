package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Live capture on the loopback interface (needs root or CAP_NET_RAW; skipped otherwise). */
class LiveCaptureTest {

    @Test
    void capturesUdpOnLoopbackWithTheFilter() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket sender = new DatagramSocket()) {
            int port = receiver.getLocalPort();
            RecordingChef chef = new RecordingChef("rec");
            try (Kitchen kitchen = Kitchen.builder().name("live").liveInterface("lo")
                    .filter("udp and dst port " + port).pokeInterval(Duration.ofHours(1)).chef(chef).build()) {
                try {
                    kitchen.start();
                } catch (Kitchen.CaptureOpenException e) {
                    Assumptions.assumeFalse(e.permissionDenied(), "no permission to capture: " + e.getMessage());
                    throw e;
                }
                byte[] payload = "dumpling".getBytes();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                // Keep sending until the capture, which starts asynchronously, sees some.
                while (chef.packets.size() < 5 && System.nanoTime() < deadline) {
                    sender.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
                    Thread.sleep(20);
                }
                assertTrue(chef.packets.size() >= 5, "captured " + chef.packets.size());
                // "dumpling" is payload no dissector claims: Raw, as the original names it.
                assertEquals(List.of("Ethernet", "IP", "UDP", "Raw"), chef.packets.get(0).layers());
                assertEquals(port, chef.packets.get(0).udp().dstPort());
                assertTrue(chef.packets.get(0).summary().endsWith(":" + port + " (" + (14 + 20 + 8 + 8) + " bytes)"),
                        chef.packets.get(0).summary());
                assertEquals("lo", kitchen.hello().interfaceName());
            }
            // close() returned: the capture thread left libpcap's read loop.
        }
    }
}
