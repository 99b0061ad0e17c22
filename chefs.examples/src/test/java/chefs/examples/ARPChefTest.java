package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.SniffedPacket;

class ARPChefTest {

    private static Map<String, Object> payload(String op, String srcHw, String srcIp, String dstHw, String dstIp,
            double time, String notes) {
        Map<String, Object> p = new HashMap<>();
        p.put("operation", op);
        p.put("src_hw", srcHw);
        p.put("src_ip", srcIp);
        p.put("dst_hw", dstHw);
        p.put("dst_ip", dstIp);
        p.put("time", time);
        p.put("notes", notes);
        return p;
    }

    // tshark -r arp-request.pcap -T fields -e arp.opcode -e arp.src.hw_mac -e arp.src.proto_ipv4
    //   -e arp.dst.hw_mac -e arp.dst.proto_ipv4 -e frame.time_epoch
    // 1  6c:f0:49:b2:de:6e  10.0.0.1  00:00:00:00:00:00  10.0.0.138  1411297031.825552
    @Test
    void request() throws Exception {
        List<Dumpling> dumplings = ChefRun.run("arp-request.pcap", new ARPChef());
        assertEquals(1, dumplings.size()); // no interval dumplings
        assertEquals(DumplingDriver.PACKET, dumplings.get(0).driver());
        assertEquals("ARPChef", dumplings.get(0).chef());
        assertEquals(payload("request", "6c:f0:49:b2:de:6e", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.138",
                1411297031.825552, null), dumplings.get(0).payload());
    }

    // 2  30:46:9a:23:fb:fa  10.0.0.138  6c:f0:49:b2:de:6e  10.0.0.1  1411297031.826869
    @Test
    void replyFromANewDevice() throws Exception {
        List<Dumpling> dumplings = ChefRun.run("arp-response.pcap", new ARPChef());
        assertEquals(1, dumplings.size());
        assertEquals(payload("reply", "30:46:9a:23:fb:fa", "10.0.0.138", "6c:f0:49:b2:de:6e", "10.0.0.1",
                1411297031.826869, ARPChef.NEW_DEVICE), dumplings.get(0).payload());
    }

    @Test
    void replyNotesRememberWhichMacOwnedWhichIp() throws Exception {
        // The same chef instance sees the reply three times (loop 3 would reopen the file;
        // feeding it directly keeps the test about the chef's memory).
        ARPChef chef = new ARPChef();
        List<Dumpling> first = ChefRun.run("arp-response.pcap", chef);
        List<Dumpling> again = ChefRun.run("arp-response.pcap", chef);
        assertEquals(ARPChef.NEW_DEVICE, ((Map<?, ?>) first.get(0).payload()).get("notes"));
        assertEquals(null, ((Map<?, ?>) again.get(0).payload()).get("notes"));
    }

    /** An Ethernet frame holding an ARP reply from {@code mac} for {@code ip} (last octet). */
    private static SniffedPacket reply(int macLast, int ipLast) {
        byte[] f = new byte[42];
        f[12] = 0x08;
        f[13] = 0x06; // ARP
        byte[] arp = {0, 1, 8, 0, 6, 4, 0, 2, 0x30, 0x46, (byte) 0x9a, 0x23, (byte) 0xfb, (byte) macLast,
            10, 0, 0, (byte) ipLast, 0x6c, (byte) 0xf0, 0x49, (byte) 0xb2, (byte) 0xde, 0x6e, 10, 0, 0, 1};
        System.arraycopy(arp, 0, f, 14, arp.length);
        return new netdumplings.kitchen.internal.packet.CapturedPacket(1411297031L, 826869000, f.length, f, 1);
    }

    @Test
    void replyFromAKnownDeviceWithAnotherIp() {
        ARPChef chef = new ARPChef();
        assertEquals(ARPChef.NEW_DEVICE, ((Map<?, ?>) chef.packetHandler(reply(0xfa, 138))).get("notes"));
        assertEquals(null, ((Map<?, ?>) chef.packetHandler(reply(0xfa, 138))).get("notes"));
        Map<?, ?> moved = (Map<?, ?>) chef.packetHandler(reply(0xfa, 139));
        assertEquals(ARPChef.NEW_IP, moved.get("notes"));
        assertEquals("10.0.0.139", moved.get("src_ip"));
        assertEquals("30:46:9a:23:fb:fa", moved.get("src_hw"));
        assertEquals(ARPChef.NEW_DEVICE, ((Map<?, ?>) chef.packetHandler(reply(0xfb, 139))).get("notes"));
    }
}
