package netdumplings.chefkit;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import netdumplings.api.SniffedPacket;
import netdumplings.kitchen.internal.packet.CapturedPacket;

/**
 * Builds a packet from layers, outermost first, for a chef's unit test; the result is the
 * kitchen's own packet, so its views and layer names are the kitchen's dissector's.
 * Lengths and type fields are filled in; checksums are left 0 (nobody checks them).
 *
 * <pre>{@code
 * SniffedPacket syn = TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2")
 *         .tcp(50000, 80, Tcp.SYN).build();
 * SniffedPacket query = TestPackets.ethernet().ipv4("10.0.0.1", "8.8.8.8")
 *         .udp(5000, 53).dns(0x1234, false, "example.com").build();
 * }</pre>
 */
public final class TestPackets {

    private TestPackets() {
    }

    /** @return a builder starting with an Ethernet header between two fixed MAC addresses */
    public static Builder ethernet() {
        return ethernet("02:00:00:00:00:01", "02:00:00:00:00:02");
    }

    /**
     * @param srcMac the source MAC address, {@code aa:bb:cc:dd:ee:ff}
     * @param dstMac the destination MAC address
     * @return a builder starting with an Ethernet header
     */
    public static Builder ethernet(String srcMac, String dstMac) {
        Builder b = new Builder();
        b.bytes(mac(dstMac)).bytes(mac(srcMac));
        b.typeAt = b.out.size();
        b.u16(0);
        return b;
    }

    /** Adds layers in order; {@link #build()} makes the packet. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        /** Where the next layer's EtherType goes, or -1. */
        private int typeAt = -1;
        /** Where the next layer's IP protocol number goes, or -1. */
        private int protocolAt = -1;
        private int ipv4At = -1;
        private int ipv6At = -1;
        private int udpAt = -1;
        private Instant time = Instant.ofEpochSecond(1_400_000_000L);

        private Builder() {
        }

        /**
         * @param id the VLAN id
         * @return this, with an 802.1Q tag
         */
        public Builder vlan(int id) {
            etherType(0x8100);
            u16(id & 0x0fff);
            typeAt = out.size();
            u16(0);
            return this;
        }

        /**
         * @param src source address, {@code 10.0.0.1}
         * @param dst destination address
         * @return this, with an IPv4 header (TTL 64)
         */
        public Builder ipv4(String src, String dst) {
            etherType(0x0800);
            ipv4At = out.size();
            bytes(new byte[] {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 0, 0, 0});
            protocolAt = ipv4At + 9;
            bytes(address(src, 4)).bytes(address(dst, 4));
            return this;
        }

        /**
         * @param src source address, {@code 2001:db8::1}
         * @param dst destination address
         * @return this, with an IPv6 header (hop limit 64)
         */
        public Builder ipv6(String src, String dst) {
            etherType(0x86dd);
            ipv6At = out.size();
            bytes(new byte[] {0x60, 0, 0, 0, 0, 0, 0, 64});
            protocolAt = ipv6At + 6;
            bytes(address(src, 16)).bytes(address(dst, 16));
            return this;
        }

        /**
         * @param srcPort source port
         * @param dstPort destination port
         * @param flags   TCP flags ({@code Tcp.SYN | Tcp.ACK}...)
         * @return this, with a 20-byte TCP header
         */
        public Builder tcp(int srcPort, int dstPort, int flags) {
            protocol(6);
            u16(srcPort).u16(dstPort);
            bytes(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0x50, (byte) flags, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
            return this;
        }

        /**
         * @param srcPort source port
         * @param dstPort destination port
         * @return this, with a UDP header
         */
        public Builder udp(int srcPort, int dstPort) {
            protocol(17);
            udpAt = out.size();
            u16(srcPort).u16(dstPort).u16(0).u16(0);
            return this;
        }

        /**
         * @param type ICMP type (8 echo request...)
         * @param code ICMP code
         * @return this, with an 8-byte ICMP header
         */
        public Builder icmp(int type, int code) {
            protocol(1);
            bytes(new byte[] {(byte) type, (byte) code, 0, 0, 0, 0, 0, 0});
            return this;
        }

        /**
         * @param operation 1 request, 2 reply
         * @param senderMac sender hardware address
         * @param senderIp  sender IPv4 address
         * @param targetMac target hardware address
         * @param targetIp  target IPv4 address
         * @return this, with an Ethernet/IPv4 ARP packet
         */
        public Builder arp(int operation, String senderMac, String senderIp, String targetMac, String targetIp) {
            etherType(0x0806);
            u16(1).u16(0x0800);
            bytes(new byte[] {6, 4});
            u16(operation);
            bytes(mac(senderMac)).bytes(address(senderIp, 4)).bytes(mac(targetMac)).bytes(address(targetIp, 4));
            return this;
        }

        /**
         * @param id       the message id
         * @param response whether it is a response (no answer records are written)
         * @param name     the question's name ({@code example.com}), type A, class IN
         * @return this, with a DNS message (after UDP; after TCP, with its length prefix)
         */
        public Builder dns(int id, boolean response, String name) {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            int flags = response ? 0x8180 : 0x0100;
            m.writeBytes(new byte[] {(byte) (id >>> 8), (byte) id, (byte) (flags >>> 8), (byte) flags, 0, 1, 0, 0, 0, 0, 0, 0});
            for (String label : name.split("\\.")) {
                byte[] l = label.getBytes(StandardCharsets.UTF_8);
                m.write(l.length);
                m.writeBytes(l);
            }
            m.writeBytes(new byte[] {0, 0, 1, 0, 1});
            if (udpAt < 0) {
                u16(m.size()); // DNS over TCP: the length first
            }
            out.writeBytes(m.toByteArray());
            return this;
        }

        /**
         * @param payload bytes after the last header
         * @return this
         */
        public Builder payload(byte[] payload) {
            return bytes(payload);
        }

        /**
         * @param text text after the last header (UTF-8), such as an HTTP request
         * @return this
         */
        public Builder payload(String text) {
            return bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @param captured the capture time (default 2014-05-13T16:53:20Z)
         * @return this
         */
        public Builder time(Instant captured) {
            this.time = captured;
            return this;
        }

        /** @return the packet, as a kitchen hands it to chefs (link type Ethernet) */
        public SniffedPacket build() {
            byte[] b = out.toByteArray();
            if (ipv4At >= 0) {
                put16(b, ipv4At + 2, b.length - ipv4At);
            }
            if (ipv6At >= 0) {
                put16(b, ipv6At + 4, b.length - ipv6At - 40);
            }
            if (udpAt >= 0) {
                put16(b, udpAt + 4, b.length - udpAt);
            }
            return new CapturedPacket(time.getEpochSecond(), time.getNano(), b.length, b, 1);
        }

        private void etherType(int type) {
            if (typeAt < 0) {
                throw new IllegalStateException("no link layer to carry EtherType 0x" + Integer.toHexString(type));
            }
            byte[] b = out.toByteArray();
            put16(b, typeAt, type);
            out.reset();
            out.writeBytes(b);
            typeAt = -1;
        }

        private void protocol(int protocol) {
            if (protocolAt < 0) {
                throw new IllegalStateException("no IP layer to carry protocol " + protocol);
            }
            byte[] b = out.toByteArray();
            b[protocolAt] = (byte) protocol;
            out.reset();
            out.writeBytes(b);
            protocolAt = -1;
        }

        private Builder u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        private Builder bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static byte[] mac(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    private static byte[] address(String literal, int length) {
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("not an address literal: " + literal); // never a name lookup
        }
        try {
            byte[] b = InetAddress.getByName(literal).getAddress();
            if (b.length != length) {
                throw new IllegalArgumentException("not an IPv" + (length == 4 ? 4 : 6) + " address: " + literal);
            }
            return b;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }
}
