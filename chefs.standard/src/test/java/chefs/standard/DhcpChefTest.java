package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;
import netdumplings.testing.SampleCaptures;

/**
 * Expected values read once with
 * <pre>
 * tshark -r F -Y dhcp -T fields -E occurrence=f -e frame.number -e frame.time_epoch -e dhcp.option.dhcp \
 *   -e dhcp.hw.mac_addr -e dhcp.ip.client -e dhcp.ip.your -e dhcp.option.requested_ip_address \
 *   -e dhcp.option.dhcp_server_id -e dhcp.option.hostname -e dhcp.option.vendor_class_id
 * </pre>
 * for F = dhcp.pcap (1 message), linux-cooked-sll.pcap (1 of 518 packets), raw-ip.pcap (2 of 100);
 * option 53's values 1, 2 and 8 are DISCOVER, OFFER and INFORM (RFC 2132 section 9.6).
 */
class DhcpChefTest {

    private static DhcpChef chef() {
        return new DhcpChef(Configurations.of(DhcpChef.Config.class));
    }

    private static ChefReplay.Result replay(String file, DhcpChef chef) throws InterruptedException {
        return ChefReplay.replay(SampleCaptures.path(file), chef);
    }

    @Test
    void anOfferNamesTheAddressGivenAndTheServer() throws Exception {
        // dhcp.pcap frame 1: 2 (OFFER), 00:0e:86:11:c0:75, ciaddr 0.0.0.0, yiaddr 10.10.8.235,
        // server identifier 172.22.178.234, at 1154434637.000000000
        List<Object> messages = replay("dhcp.pcap", chef()).packetPayloads("DhcpChef");
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("message_type", "OFFER");
        offer.put("mac", "00:0e:86:11:c0:75");
        offer.put("assigned_ip", "10.10.8.235");
        offer.put("server_id", "172.22.178.234");
        offer.put("when", 1154434637.0);
        assertEquals(List.of(Map.of("dhcp", offer)), messages);
    }

    @Test
    void anInformOverLinuxCookedCaptureNamesTheDevice() throws Exception {
        // linux-cooked-sll.pcap frame 516: 8 (INFORM), 6c:f0:49:b2:de:6e, ciaddr 10.0.0.5,
        // hostname Bichman, vendor class "MSFT 5.0", at 1465939117.317403000
        ChefReplay.Result result = replay("linux-cooked-sll.pcap", chef());
        Map<?, ?> inform = (Map<?, ?>) ((Map<?, ?>) result.packetPayloads("DhcpChef").get(0)).get("dhcp");
        assertEquals(1, result.packetPayloads("DhcpChef").size());
        assertEquals("INFORM", inform.get("message_type"));
        assertEquals("6c:f0:49:b2:de:6e", inform.get("mac"));
        assertEquals("10.0.0.5", inform.get("client_ip"));
        assertEquals("Bichman", inform.get("hostname"));
        assertEquals("MSFT 5.0", inform.get("vendor_class"));
        assertEquals(1465939117.317403, (Double) inform.get("when"), 1e-6);

        Map<?, ?> device = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) result.lastInterval("DhcpChef")).get("dhcp_devices"))
                .get("6c:f0:49:b2:de:6e");
        assertEquals("10.0.0.5", device.get("ip"));
        assertEquals("Bichman", device.get("hostname"));
        assertEquals("INFORM", device.get("last_message"));
    }

    @Test
    void twoDiscoversOfOneDeviceOverRawIpAreOneDeviceSeenTwice() throws Exception {
        // raw-ip.pcap frames 67 and 68: 1 (DISCOVER) twice from 0a:00:27:00:00:0d, Bichman, MSFT 5.0
        ChefReplay.Result result = replay("raw-ip.pcap", chef());
        assertEquals(2, result.packetPayloads("DhcpChef").size());
        Map<?, ?> devices = (Map<?, ?>) result.lastInterval("DhcpChef");
        assertEquals(1, devices.get("devices"));
        Map<?, ?> device = (Map<?, ?>) ((Map<?, ?>) devices.get("dhcp_devices")).get("0a:00:27:00:00:0d");
        assertEquals(2L, ((Number) device.get("messages")).longValue());
        assertEquals("DISCOVER", device.get("last_message"));
        assertNull(device.get("ip"), "a discover without option 50 names no address");
    }

    @Test
    void otherUdpIsNotDhcp() throws Exception {
        // dns.pcap: no packet on UDP 67/68 (tshark -r dns.pcap -Y dhcp: nothing)
        assertEquals(List.of(), replay("dns.pcap", chef()).packetPayloads("DhcpChef"));
        assertNull(chef().packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(68, 67)
                .payload(new byte[100]).build()), "shorter than BOOTP's fixed header");
    }

    @Test
    void theDeviceSeenLeastRecentlyIsForgottenFirst() {
        DhcpChef chef = new DhcpChef(Configurations.of(DhcpChef.Config.class, "max_devices", 2));
        for (int device = 1; device <= 3; device++) {
            chef.packetHandler(discover(device));
        }
        chef.packetHandler(discover(2));
        chef.packetHandler(discover(4)); // forgets 3: 2 was seen again after it
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("02:00:00:00:00:02", "02:00:00:00:00:04"),
                List.copyOf(((Map<?, ?>) payload.get("dhcp_devices")).keySet()));
        assertEquals(2L, payload.get("devices_forgotten"));
    }

    @Test
    void aLowerBoundAppliesAtTheNextInterval() {
        DhcpChef chef = new DhcpChef(Configurations.of(DhcpChef.Config.class, "max_devices", 3));
        for (int device = 1; device <= 3; device++) {
            chef.packetHandler(discover(device));
        }
        chef.configure(Configurations.of(DhcpChef.Config.class, "max_devices", 1));
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("02:00:00:00:00:03"), List.copyOf(((Map<?, ?>) payload.get("dhcp_devices")).keySet()));
        assertEquals(2L, payload.get("devices_forgotten"));
    }

    /** A BOOTP request from 02:00:00:00:00:0n with the DHCP magic cookie and option 53 = 1. */
    private static netdumplings.api.SniffedPacket discover(int n) {
        byte[] bootp = new byte[244];
        bootp[0] = 1;
        bootp[1] = 1;
        bootp[2] = 6;
        bootp[28] = 2;
        bootp[33] = (byte) n;
        bootp[236] = 0x63;
        bootp[237] = (byte) 0x82;
        bootp[238] = 0x53;
        bootp[239] = 0x63;
        bootp[240] = 53;
        bootp[241] = 1;
        bootp[242] = 1;
        bootp[243] = (byte) 255;
        return TestPackets.ethernet().ipv4("0.0.0.0", "255.255.255.255").udp(68, 67).payload(bootp).build();
    }
}
