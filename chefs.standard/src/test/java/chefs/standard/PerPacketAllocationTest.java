package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;

/**
 * The per-packet path of TopTalkersChef and ConnectionsChef allocates nothing for packets of
 * addresses and connections already known (IPv4 and IPv6), measured with the JVM's count of
 * the bytes this thread allocated (com.sun.management.ThreadMXBean): 10,000 handler calls
 * making even one 16-byte object each would allocate 160,000 bytes.
 */
class PerPacketAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Packets among 20 IPv4 and 20 IPv6 hosts, TCP (ACK with data, both ways) and UDP, at one time. */
    private static List<SniffedPacket> packets() {
        List<SniffedPacket> packets = new ArrayList<>();
        Instant t = Instant.ofEpochSecond(1_400_000_000L);
        for (int n = 1; n <= 10; n++) {
            packets.add(TestPackets.ethernet().ipv4("10.0.0." + n, "10.0.1." + n).tcp(40000 + n, 443, Tcp.ACK)
                    .payload(new byte[100]).time(t).build());
            packets.add(TestPackets.ethernet().ipv4("10.0.1." + n, "10.0.0." + n).tcp(443, 40000 + n, Tcp.ACK)
                    .time(t).build());
            packets.add(TestPackets.ethernet().ipv6("2001:db8::" + n, "2001:db8::1:" + n).udp(5000 + n, 53)
                    .payload(new byte[40]).time(t).build());
            packets.add(TestPackets.ethernet().ipv6("2001:db8::1:" + n, "2001:db8::" + n).udp(53, 5000 + n)
                    .time(t).build());
        }
        return packets;
    }

    /**
     * @return the fewest bytes allocated by 10,000 handler calls, of ten measurements: what
     *         the handler allocates shows in each, while the JIT compiler now and then makes one
     *         allocate 1.6-2 KB (the connections chef failed about 1 run in 3 with one
     *         measurement, and never interpreted, -Xint, nor with C1 only)
     */
    private static long allocatedByHandling(DumplingChef chef, List<SniffedPacket> packets) {
        for (SniffedPacket p : packets) {
            chef.packetHandler(p); // the addresses and connections become known
        }
        long fewest = Long.MAX_VALUE;
        for (int measurement = 0; measurement < 10; measurement++) { // 100,000 calls: a few ms
            long before = THREADS.getCurrentThreadAllocatedBytes();
            before = THREADS.getCurrentThreadAllocatedBytes(); // the first call may allocate itself
            for (int round = 0; round < 10_000 / packets.size(); round++) {
                for (int i = 0; i < packets.size(); i++) {
                    chef.packetHandler(packets.get(i));
                }
            }
            fewest = Math.min(fewest, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return fewest;
    }

    @Test
    void topTalkersAllocatesNothingForKnownAddresses() {
        long bytes = allocatedByHandling(new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class)), packets());
        assertTrue(bytes < 1024, bytes + " bytes allocated for 10,000 packets");
    }

    @Test
    void connectionsAllocatesNothingForKnownConnections() {
        long bytes = allocatedByHandling(new ConnectionsChef(Configurations.of(ConnectionsChef.Config.class)),
                packets());
        assertTrue(bytes < 1024, bytes + " bytes allocated for 10,000 packets");
    }

    @Test
    void tlsServerNamesAllocatesNothingForOtherPayloads() {
        long bytes = allocatedByHandling(new TlsServerNameChef(Configurations.of(TlsServerNameChef.Config.class)),
                packets());
        assertTrue(bytes < 1024, bytes + " bytes allocated for 10,000 packets");
    }

    @Test
    void httpRequestsAllocatesNothingForOtherPayloads() {
        long bytes = allocatedByHandling(new HttpRequestChef(Configurations.of(HttpRequestChef.Config.class)),
                packets());
        assertTrue(bytes < 1024, bytes + " bytes allocated for 10,000 packets");
    }
}
