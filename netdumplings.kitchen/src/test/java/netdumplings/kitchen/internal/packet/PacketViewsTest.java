package netdumplings.kitchen.internal.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.api.Arp;
import netdumplings.api.Dns;
import netdumplings.api.Ip;
import netdumplings.api.Protocol;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.api.Udp;
import netdumplings.testing.OriginalReference;

/**
 * The views on real packets of the shared captures. Expected values were read with tshark,
 * as each comment says ({@code tshark -r FILE -Y "frame.number==N" -T fields -e ...});
 * frame numbers count from 1, list indexes from 0.
 */
class PacketViewsTest {

    private static SniffedPacket packet(String file, int frameNumber) throws Exception {
        return Captures.read(file).get(frameNumber - 1);
    }

    private static int ipv4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    // dns.pcap frame 1: -e ip.src -e ip.dst -e ip.ttl -e ip.len -e udp.srcport -e udp.dstport
    // -e udp.length -e dns.id -e dns.flags.response -e dns.count.queries -e dns.qry.name -e dns.qry.type
    // 10.0.0.1 10.0.0.138 128 60 56520 53 40 0x8185 0 1 www.google.com 1
    @Test
    void ethernetIpv4UdpDns() throws Exception {
        SniffedPacket p = packet("dns.pcap", 1);
        assertTrue(p.has(Protocol.ETHERNET) && p.has(Protocol.IPV4) && p.has(Protocol.UDP) && p.has(Protocol.DNS));
        assertFalse(p.has(Protocol.TCP));
        assertNull(p.tcp());
        Ip ip = p.ip();
        assertEquals(4, ip.version());
        assertEquals(ipv4(10, 0, 0, 1), ip.srcIpv4());
        assertEquals(ipv4(10, 0, 0, 138), ip.dstIpv4());
        assertEquals("10.0.0.1", ip.srcText());
        assertEquals("10.0.0.138", ip.dstText());
        assertEquals(128, ip.ttl());
        assertEquals(60, ip.totalLength());
        assertEquals(17, ip.protocol());
        assertEquals(14, p.offset(Protocol.IPV4));
        Udp udp = p.udp();
        assertEquals(56520, udp.srcPort());
        assertEquals(53, udp.dstPort());
        assertEquals(40 - 8, udp.payloadLength());
        assertEquals(14 + 20 + 8, udp.payloadOffset());
        Dns dns = p.dns();
        assertEquals(0x8185, dns.id());
        assertFalse(dns.isResponse());
        assertEquals(1, dns.questionCount());
        assertEquals("www.google.com", dns.questionName());
        assertEquals(1, dns.questionType());
        assertEquals(List.of("Ethernet", "IP", "UDP", "DNS"), p.layers());
    }

    // many-protocols.pcap frame 55: -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.seq_raw
    // -e tcp.ack_raw -e tcp.flags -e tcp.hdr_len -e tcp.len
    // 10.0.0.1 173.194.78.104 55194 443 2155738277 0 0x0002 32 0
    @Test
    void tcpSyn() throws Exception {
        SniffedPacket p = packet("many-protocols.pcap", 55);
        Tcp tcp = p.tcp();
        assertEquals(55194, tcp.srcPort());
        assertEquals(443, tcp.dstPort());
        assertEquals(2155738277L, tcp.seq());
        assertEquals(0, tcp.ack());
        assertEquals(Tcp.SYN, tcp.flags());
        assertTrue(tcp.isSyn());
        assertEquals(32, tcp.tcpHeaderLength());
        assertEquals(0, tcp.payloadLength());
        assertEquals(ipv4(173, 194, 78, 104), p.ip().dstIpv4());
        assertNull(p.udp());
        assertNull(p.dns());
    }

    // many-protocols.pcap frame 54: -e dns.flags.response -e dns.qry.name -e dns.count.answers
    // 1 www.google.com 6 (the name is read through the answers' compression pointers' target)
    @Test
    void dnsResponse() throws Exception {
        Dns dns = packet("many-protocols.pcap", 54).dns();
        assertTrue(dns.isResponse());
        assertEquals("www.google.com", dns.questionName());
    }

    // vlan.pcap frame 1: -e vlan.id -e ip.src -e ip.dst -e icmp.type -e icmp.code
    // 118,10 10.118.10.1 10.118.10.2 8 0
    @Test
    void stackedVlanTagsIcmp() throws Exception {
        SniffedPacket p = packet("vlan.pcap", 1);
        assertEquals(List.of("Ethernet", "802.1Q", "802.1Q", "IP", "ICMP", "Raw"), p.layers());
        assertEquals(14, p.offset(Protocol.DOT1Q));
        assertEquals(14 + 8, p.offset(Protocol.IPV4));
        assertEquals(ipv4(10, 118, 10, 1), p.ip().srcIpv4());
        assertEquals(8, p.icmp().type());
        assertEquals(0, p.icmp().code());
        assertEquals(4, p.icmp().icmpVersion());
    }

    // arp-response.pcap frame 1: -e arp.opcode -e arp.src.hw_mac -e arp.src.proto_ipv4
    // -e arp.dst.hw_mac -e arp.dst.proto_ipv4: 2 30:46:9a:23:fb:fa 10.0.0.138 6c:f0:49:b2:de:6e 10.0.0.1
    @Test
    void arpReply() throws Exception {
        SniffedPacket p = packet("arp-response.pcap", 1);
        Arp arp = p.arp();
        assertEquals(2, arp.operation());
        assertFalse(arp.isRequest());
        assertEquals("30:46:9a:23:fb:fa", arp.senderMacText());
        assertEquals("10.0.0.138", arp.senderIpText());
        assertEquals(ipv4(10, 0, 0, 138), arp.senderIpv4());
        assertEquals("6c:f0:49:b2:de:6e", arp.targetMacText());
        assertEquals(ipv4(10, 0, 0, 1), arp.targetIpv4());
        assertNull(p.ip());
        // The frame is 60 bytes; ARP ends at 42: the original names the rest Padding.
        assertEquals(List.of("Ethernet", "ARP", "Padding"), p.layers());
    }

    // raw-ip.pcap frame 1: -e ipv6.src -e ipv6.dst -e ipv6.hlim -e ipv6.plen -e tcp.srcport
    // -e tcp.dstport -e tcp.len: 2001:618:400::5199:cc70 2001:618:1:8000::5 64 40 35995 80 0
    @Test
    void rawIpv6Tcp() throws Exception {
        SniffedPacket p = packet("raw-ip.pcap", 1);
        Ip ip = p.ip();
        assertEquals(6, ip.version());
        assertEquals("2001:618:400::5199:cc70", ip.srcText());
        assertEquals("2001:618:1:8000::5", ip.dstText());
        assertEquals(64, ip.ttl());
        assertEquals(80, ip.totalLength());
        assertEquals(0, ip.srcIpv4());
        assertEquals(16, ip.addressLength());
        assertEquals(8, ip.srcAddressOffset());
        assertEquals(35995, p.tcp().srcPort());
        assertEquals(80, p.tcp().dstPort());
        assertEquals(0, p.payloadLength());
    }

    // null-loopback.pcapng frame 2: -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e udp.length
    // 172.16.1.117 172.16.1.255 55369 8612 24
    @Test
    void bsdLoopback() throws Exception {
        SniffedPacket p = packet("null-loopback.pcapng", 2);
        assertEquals(List.of("Loopback", "IP", "UDP", "Raw"), p.layers());
        assertEquals(4, p.offset(Protocol.IPV4));
        assertEquals(55369, p.udp().srcPort());
        assertEquals(8612, p.udp().dstPort());
        assertEquals(16, p.payloadLength());
        // Frame 1's family is 30 (macOS's AF_INET6), which the original leaves Raw.
        assertEquals(List.of("Loopback", "Raw"), packet("null-loopback.pcapng", 1).layers());
    }

    // linux-cooked-sll.pcap frame 2: -e ip.src -e ip.dst -e udp.srcport -e udp.dstport
    // -e dns.qry.name -e dns.qry.type: 127.0.0.1 127.0.0.1 49725 53 daisy.ubuntu.com 1
    @Test
    void linuxCooked() throws Exception {
        SniffedPacket p = packet("linux-cooked-sll.pcap", 2);
        assertTrue(p.has(Protocol.SLL));
        assertEquals(16, p.offset(Protocol.IPV4));
        assertEquals(ipv4(127, 0, 0, 1), p.ip().srcIpv4());
        assertEquals(49725, p.udp().srcPort());
        assertEquals("daisy.ubuntu.com", p.dns().questionName());
    }

    // icmp.pcapng frame 6: -e icmp.type -e icmp.code -e ip.src -e ip.proto
    // 3 3 10.0.2.2,10.0.1.2 1,17 (an unreachable quoting a UDP datagram)
    @Test
    void icmpErrorQuotesHeaders() throws Exception {
        SniffedPacket p = packet("icmp.pcapng", 6);
        assertEquals(3, p.icmp().type());
        assertEquals(3, p.icmp().code());
        assertEquals("10.0.2.2", p.ip().srcText()); // the outer header, not the quoted one
        assertTrue(p.has(Protocol.IP_IN_ICMP) && p.has(Protocol.UDP_IN_ICMP));
        assertNull(p.udp()); // a quoted header is no transport of this packet
        assertEquals(14 + 20 + 8, p.offset(Protocol.IP_IN_ICMP));
    }

    // dns.pcap frame 21: -e ipv6.src -e udp.srcport -e dns.id -e dns.flags.response -e dns.qry.name
    // fe80::4dc7:f593:1f7b:dc11 51837 0xa706 0 wpad (LLMNR, UDP 5355)
    @Test
    void llmnrHasTheDnsViewButIsNotDns() throws Exception {
        SniffedPacket p = packet("dns.pcap", 21);
        assertFalse(p.has(Protocol.DNS));
        assertTrue(p.has(Protocol.LLMNR_QUERY));
        assertEquals(0xa706, p.dns().id());
        assertEquals("wpad", p.dns().questionName());
        assertEquals("fe80::4dc7:f593:1f7b:dc11", p.ip().srcText());
    }

    // http-packets2.pcap frame 6: -e tcp.len -e http.host: 396 www.wix.com
    @Test
    void payloadOfAnHttpRequest() throws Exception {
        SniffedPacket p = packet("http-packets2.pcap", 6);
        assertEquals(396, p.payloadLength());
        String payload = new String(p.rawData(), p.payloadOffset(), p.payloadLength(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(payload.startsWith("GET ") && payload.contains("Host: www.wix.com"), payload);
    }

    @Test
    void layerAndProtocolsAgreeWithLayers() throws Exception {
        for (CapturedPacket p : Captures.read("many-protocols.pcap")) {
            long bits = 0;
            for (int i = 0; i < p.layerCount(); i++) {
                assertEquals(p.layers().get(i), p.layer(i).layerName());
                bits |= p.layer(i).bit();
            }
            assertEquals(bits, p.protocols());
        }
    }

    /**
     * Every prefix of every packet of every capture, dissected without the dissector's
     * defensive catch, and every view read: nothing throws (a read past the captured bytes
     * would throw ArrayIndexOutOfBoundsException here).
     */
    @Test
    void truncatedPacketsNeverThrowNorReadPastTheBytes() throws Exception {
        long checked = 0;
        for (String capture : OriginalReference.captures()) {
            for (CapturedPacket packet : Captures.read(capture)) {
                byte[] whole = packet.rawData();
                for (int length = 0; length <= whole.length; length++) {
                    Dissection d = PacketDissector.dissectStrict(Arrays.copyOf(whole, length), packet.dataLinkType());
                    readEveryView(d);
                    checked++;
                }
            }
        }
        assertTrue(checked > 100_000, "prefixes checked: " + checked);
    }

    private static void readEveryView(Dissection d) {
        d.layers();
        for (Protocol p : Protocol.values()) {
            d.offset(p);
        }
        if (d.ip() != null) {
            Ip ip = d.ip();
            ip.srcText();
            ip.dstText();
            ip.ttl();
            ip.totalLength();
            ip.srcIpv4();
            ip.ipHeaderLength();
        }
        if (d.tcp() != null) {
            d.tcp().flags();
            d.tcp().seq();
            d.tcp().ack();
            d.tcp().srcPort();
            d.tcp().tcpHeaderLength();
        }
        if (d.udp() != null) {
            d.udp().dstPort();
        }
        if (d.icmp() != null) {
            d.icmp().code();
        }
        if (d.arp() != null) {
            Arp a = d.arp();
            a.senderMacText();
            a.targetMacText();
            a.senderIpText();
            a.targetIpText();
            a.senderIpv4();
            a.targetIpv4();
            a.operation();
        }
        if (d.dns() != null) {
            Dns dns = d.dns();
            dns.id();
            dns.isResponse();
            dns.questionName();
            dns.questionType();
        }
        int payload = d.transportPayloadOffset();
        if (payload >= 0) {
            assertTrue(payload + d.transportPayloadLength() <= d.d.length);
        }
    }
}
