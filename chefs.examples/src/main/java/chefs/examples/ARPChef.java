package chefs.examples;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.util.MacAddress;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;

/**
 * A packet dumpling per ARP packet: {@code {"operation": "request"|"reply", "src_hw",
 * "src_ip", "dst_hw", "dst_ip", "time", "notes"}}. On replies, {@code notes} says
 * {@code "source device is new"} the first time a MAC address is seen, and
 * {@code "source device has new IP address"} when a known MAC answers for another IP
 * address; otherwise it is null. MAC addresses are written {@code aa:bb:cc:dd:ee:ff}.
 */
@Component(service = DumplingChef.class, scope = ServiceScope.PROTOTYPE)
public class ARPChef implements DumplingChef {

    static final String NEW_DEVICE = "source device is new";
    static final String NEW_IP = "source device has new IP address";

    /** Which IP address each MAC address answered for last. */
    private final Map<String, String> ipByMac = new HashMap<>();

    @Override
    public Object packetHandler(SniffedPacket packet) {
        if (!packet.layers().contains("ARP")) {
            return null;
        }
        ArpPacket arp = packet.packet() == null ? null : packet.packet().get(ArpPacket.class);
        if (arp == null) {
            return null;
        }
        ArpPacket.ArpHeader header = arp.getHeader();
        boolean request = ArpOperation.REQUEST.equals(header.getOperation());
        String srcHw = mac(header.getSrcHardwareAddr());
        String srcIp = ip(header.getSrcProtocolAddr());
        String notes = null;
        if (!request) {
            String known = ipByMac.put(srcHw, srcIp);
            if (known == null) {
                notes = NEW_DEVICE;
            } else if (!known.equals(srcIp)) {
                notes = NEW_IP;
            }
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("operation", request ? "request" : "reply");
        payload.put("src_hw", srcHw);
        payload.put("src_ip", srcIp);
        payload.put("dst_hw", mac(header.getDstHardwareAddr()));
        payload.put("dst_ip", ip(header.getDstProtocolAddr()));
        payload.put("time", packet.time());
        payload.put("notes", notes);
        return payload;
    }

    private static String mac(MacAddress address) {
        return address == null ? null : address.toString().toLowerCase(Locale.ROOT);
    }

    private static String ip(InetAddress address) {
        return address == null ? null : address.getHostAddress();
    }
}
