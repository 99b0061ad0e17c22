package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.SniffedPacket;
import netdumplings.chefkit.TestPackets;

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

    /** An Ethernet frame holding an ARP reply from {@code 30:46:9a:23:fb:<macLast>} for {@code 10.0.0.<ipLast>}. */
    private static SniffedPacket reply(int macLast, int ipLast) {
        return TestPackets.ethernet().arp(2, String.format("30:46:9a:23:fb:%02x", macLast), "10.0.0." + ipLast,
                "6c:f0:49:b2:de:6e", "10.0.0.1").build();
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
