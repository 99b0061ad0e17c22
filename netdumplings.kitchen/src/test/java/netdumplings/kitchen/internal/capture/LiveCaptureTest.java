package netdumplings.kitchen.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** libpcap through FFM on the loopback interface (needs root or CAP_NET_RAW; skipped otherwise). */
class LiveCaptureTest {

    private static LiveCapture.Settings lo(String filter) {
        return new LiveCapture.Settings("lo", filter, 65535, false, true, LiveCapture.Settings.DEFAULT_BUFFER_BYTES,
                10);
    }

    private static LiveCapture open(LiveCapture.Settings settings) {
        try {
            return LiveCapture.open(settings);
        } catch (CaptureException e) {
            Assumptions.assumeFalse(e.permissionDenied(), "no permission to capture: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void readsTheFilteredPacketsWithTheirBytesAndTimestamps() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket sender = new DatagramSocket();
                LiveCapture capture = open(lo("udp and dst port " + receiver.getLocalPort()))) {
            assertEquals(1, capture.dataLinkType(), "lo is Ethernet to libpcap (DLT_EN10MB)");
            byte[] payload = "dumpling".getBytes();
            long sentAt = System.currentTimeMillis() / 1000;
            List<byte[]> packets = new ArrayList<>();
            List<Long> seconds = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (packets.size() < 3 && System.nanoTime() < deadline) {
                sender.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(),
                        receiver.getLocalPort()));
                assertTrue(capture.read((s, n, len, data, dlt) -> {
                    assertEquals(data.length, len);
                    assertTrue(n >= 0 && n < 1_000_000_000, "nanoseconds " + n);
                    packets.add(data);
                    seconds.add(s);
                }));
            }
            assertTrue(packets.size() >= 3, "captured " + packets.size());
            // Ethernet 14 + IPv4 20 + UDP 8 + payload; the payload at the end, as sent.
            assertEquals(14 + 20 + 8 + payload.length, packets.get(0).length);
            assertEquals("dumpling", new String(packets.get(0), 42, payload.length));
            assertTrue(Math.abs(seconds.get(0) - sentAt) <= 60, "timestamp " + seconds.get(0) + " vs " + sentAt);
            assertEquals(0, capture.kernelDrops(), "pcap_stats: nothing dropped at this rate");
            capture.breakLoop();
            assertTrue(!capture.read((s, n, len, data, dlt) -> { }), "a read after breakLoop returns false");
        }
    }

    @Test
    void unknownInterfaceAndBadFilterAreOneLineErrors() {
        CaptureException none = assertThrows(CaptureException.class, () -> LiveCapture.open(
                new LiveCapture.Settings("nd-none0", "", 65535, false, true, 1 << 20, 10)));
        assertEquals("no network interface named nd-none0", none.getMessage());
        CaptureException bad = assertThrows(CaptureException.class, () -> open(lo("udp and and")));
        assertTrue(bad.getMessage().startsWith("bad filter \"udp and and\": "), bad.getMessage());
        assertTrue(!bad.getMessage().contains("\n"));
    }
}
