package chefs.examples;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import netdumplings.api.Arp;
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
        Arp arp = packet.arp();
        if (arp == null) {
            return null;
        }
        String srcHw = arp.senderMacText();
        String srcIp = arp.senderIpText();
        String notes = null;
        if (!arp.isRequest()) {
            String known = ipByMac.put(srcHw, srcIp);
            notes = known == null ? NEW_DEVICE : known.equals(srcIp) ? null : NEW_IP;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("operation", arp.isRequest() ? "request" : "reply");
        payload.put("src_hw", srcHw);
        payload.put("src_ip", srcIp);
        payload.put("dst_hw", arp.targetMacText());
        payload.put("dst_ip", arp.targetIpText());
        payload.put("time", packet.time());
        payload.put("notes", notes);
        return payload;
    }
}
