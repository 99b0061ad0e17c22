package com.example.chefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.SniffedPacket;

/** The chef's packet and interval handlers, on hand-made Ethernet / IPv4 / TCP packets. */
class TcpConnectionChefTest {

    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    @Test
    void aSynIsANewConnectionToItsServer() {
        TcpConnectionChef chef = new TcpConnectionChef();
        Object payload = chef.packetHandler(tcp(new byte[] { 10, 0, 0, 1 }, 50000, new byte[] { 10, 0, 0, 2 }, 80, SYN));
        assertEquals(Map.of("client", "10.0.0.1:50000", "server", "10.0.0.2:80"), payload);
    }

    @Test
    void otherSegmentsAreNotConnections() {
        TcpConnectionChef chef = new TcpConnectionChef();
        assertNull(chef.packetHandler(tcp(new byte[] { 10, 0, 0, 2 }, 80, new byte[] { 10, 0, 0, 1 }, 50000, SYN | ACK)));
        assertNull(chef.packetHandler(tcp(new byte[] { 10, 0, 0, 1 }, 50000, new byte[] { 10, 0, 0, 2 }, 80, ACK)));
        assertEquals(0L, summary(chef).get("connections"));
    }

    @Test
    void intervalDumplingListsTheBusiestServers() {
        TcpConnectionChef chef = new TcpConnectionChef();
        chef.configure(config(1, false));
        byte[] client = { 10, 0, 0, 1 };
        assertNull(chef.packetHandler(tcp(client, 1000, new byte[] { 10, 0, 0, 9 }, 443, SYN)));
        chef.packetHandler(tcp(client, 1001, new byte[] { 10, 0, 0, 2 }, 80, SYN));
        chef.packetHandler(tcp(client, 1002, new byte[] { 10, 0, 0, 2 }, 80, SYN));
        Map<String, Object> summary = summary(chef);
        assertEquals(3L, summary.get("connections"));
        assertEquals(2, summary.get("servers"));
        assertEquals(Map.of("10.0.0.2:80", 2L), summary.get("top_servers"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(TcpConnectionChef chef) {
        return (Map<String, Object>) chef.intervalHandler(null);
    }

    private static TcpConnectionChef.Config config(int top, boolean perConnection) {
        return new TcpConnectionChef.Config() {
            @Override
            public int top() {
                return top;
            }

            @Override
            public boolean per__connection() {
                return perConnection;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return TcpConnectionChef.Config.class;
            }
        };
    }

    /** An Ethernet frame with an IPv4 header and a TCP header with the given flags. */
    private static SniffedPacket tcp(byte[] src, int srcPort, byte[] dst, int dstPort, int flags) {
        byte[] b = new byte[14 + 20 + 20];
        b[12] = 0x08; // EtherType IPv4
        b[14] = 0x45; // version 4, header 20 bytes
        b[14 + 9] = 6; // TCP
        System.arraycopy(src, 0, b, 14 + 12, 4);
        System.arraycopy(dst, 0, b, 14 + 16, 4);
        int t = 34;
        b[t] = (byte) (srcPort >> 8);
        b[t + 1] = (byte) srcPort;
        b[t + 2] = (byte) (dstPort >> 8);
        b[t + 3] = (byte) dstPort;
        b[t + 12] = 0x50; // data offset 5 words
        b[t + 13] = (byte) flags;
        return new SniffedPacket() {
            @Override
            public Instant timestamp() {
                return Instant.EPOCH;
            }

            @Override
            public int originalLength() {
                return b.length;
            }

            @Override
            public byte[] rawData() {
                return b;
            }

            @Override
            public int dataLinkType() {
                return 1; // Ethernet
            }

            @Override
            public List<String> layers() {
                return List.of("Ethernet", "IP", "TCP");
            }

            @Override
            public org.pcap4j.packet.Packet packet() {
                throw new UnsupportedOperationException("not needed by this chef");
            }

            @Override
            public String summary() {
                return "Ethernet / IP / TCP";
            }
        };
    }
}
