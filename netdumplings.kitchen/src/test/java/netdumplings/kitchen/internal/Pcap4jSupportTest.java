package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;

import netdumplings.testing.SampleCaptures;

class Pcap4jSupportTest {

    @Test
    void ethernetIpv4PacketParsesWithTheStaticFactory() throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        try (Kitchen kitchen = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).speed(0)
                .filter("").chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(30)));
        }
        Packet packet = chef.packets.get(0).packet();
        assertNotNull(packet);
        // With no packet factory bound every packet would be an UnknownPacket.
        assertTrue(packet instanceof EthernetPacket, packet.getClass().getName());
        assertNotNull(packet.get(IpV4Packet.class));
        assertEquals(1, chef.packets.get(0).dataLinkType());
    }
}
