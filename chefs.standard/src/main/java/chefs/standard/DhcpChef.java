package chefs.standard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Udp;

/**
 * Devices announcing themselves by DHCP (BOOTP on UDP ports 67 and 68, RFC 2131/2132).
 * <p>
 * A packet dumpling for every DHCP message, with what it says about the device whose
 * hardware address it carries (fields absent from the message are left out):
 * <pre>{@code
 * {"dhcp": {"message_type": "REQUEST", "mac": "6c:f0:49:b2:de:6e", "requested_ip": "10.0.0.5",
 *           "hostname": "Bichman", "vendor_class": "MSFT 5.0", "when": 1340277470.94}}
 * }</pre>
 * ({@code message_type} is option 53's name, or {@code BOOTREQUEST}/{@code BOOTREPLY} for
 * plain BOOTP; also {@code client_ip} (ciaddr), {@code assigned_ip} (yiaddr, in offers and
 * acknowledgements) and {@code server_id} (option 54) when set.) Every interval, the
 * devices seen, by hardware address, with what is last known of each:
 * <pre>{@code
 * {"dhcp_devices": {"6c:f0:49:b2:de:6e": {"hostname": "Bichman", "vendor_class": "MSFT 5.0",
 *                   "ip": "10.0.0.5", "last_message": "REQUEST", "messages": 1, "last_seen": 1340277470.94}},
 *  "devices": 1, "devices_forgotten": 0}
 * }</pre>
 * At most {@link Config#max__devices()} devices are kept: the one seen least recently is
 * forgotten first, and counted.
 */
// PROTOTYPE: each kitchen gets an instance (and state) of its own; a kitchen calls it from
// one thread at a time.
@Component(service = DumplingChef.class, configurationPid = DhcpChef.PID, scope = ServiceScope.PROTOTYPE)
@Designate(ocd = DhcpChef.Config.class)
public class DhcpChef implements DumplingChef {

    /** The configuration PID: {@code deploy/chefs.standard.dhcp.cfg}. */
    public static final String PID = "chefs.standard.dhcp";

    /** The chef's configuration, with its defaults. */
    @ObjectClassDefinition(name = "DHCP chef", description = "Devices announcing themselves by DHCP.")
    public @interface Config {
        /** @return how many devices the interval dumplings list at most; default 1024 */
        @AttributeDefinition(name = "Devices kept", min = "1",
                description = "Devices remembered; past this, the one seen least recently is forgotten.")
        int max__devices() default 1024;
    }

    private static final int SERVER_PORT = 67;
    private static final int CLIENT_PORT = 68;
    /** op .. file: the fixed BOOTP header (RFC 2131 section 2), then the magic cookie. */
    private static final int FIXED_HEADER = 236;
    private static final int MAGIC_COOKIE = 0x63825363;
    private static final String[] MESSAGE_TYPES = {null, "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK",
        "RELEASE", "INFORM"};

    private volatile int maxDevices;
    private long forgotten;
    /** By hardware address, least recently seen first (access order). */
    private final Map<String, Map<String, Object>> devices = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            boolean full = size() > maxDevices;
            if (full) {
                forgotten++;
            }
            return full;
        }
    };

    /** @param config the configuration (Declarative Services passes it) */
    @Activate
    public DhcpChef(Config config) {
        configure(config);
    }

    @Modified
    void configure(Config config) {
        maxDevices = Math.max(1, config.max__devices());
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        Udp udp = packet.udp();
        if (udp == null || !isDhcpPorts(udp.srcPort(), udp.dstPort())) {
            return null;
        }
        byte[] b = packet.rawData();
        int at = udp.payloadOffset();
        int end = at + udp.payloadLength();
        if (end - at < FIXED_HEADER || (b[at + 1] & 0xff) != 1 || (b[at + 2] & 0xff) != 6) {
            return null; // not Ethernet hardware addresses, or cut short: not a device we can name
        }
        Map<String, Object> message = new LinkedHashMap<>();
        String type = (b[at] & 0xff) == 1 ? "BOOTREQUEST" : "BOOTREPLY";
        String mac = Bytes.mac(b, at + 28);
        message.put("mac", mac);
        putAddress(message, "client_ip", b, at + 12);
        putAddress(message, "assigned_ip", b, at + 16);
        if (end - at >= FIXED_HEADER + 4 && Bytes.int32(b, at + FIXED_HEADER) == MAGIC_COOKIE) {
            // Options: code, length, value; 0 is padding, 255 the end. A length past the
            // datagram ends the reading: what came before is kept.
            for (int o = at + FIXED_HEADER + 4; o < end && (b[o] & 0xff) != 255; ) {
                int code = b[o] & 0xff;
                if (code == 0) {
                    o++;
                    continue;
                }
                if (o + 2 > end || o + 2 + (b[o + 1] & 0xff) > end) {
                    break;
                }
                int length = b[o + 1] & 0xff;
                int value = o + 2;
                switch (code) {
                    case 53 -> {
                        if (length == 1) {
                            int t = b[value] & 0xff;
                            type = t < MESSAGE_TYPES.length && t > 0 ? MESSAGE_TYPES[t] : "TYPE_" + t;
                        }
                    }
                    case 50 -> {
                        if (length == 4) {
                            message.put("requested_ip", Bytes.ipv4(b, value));
                        }
                    }
                    case 54 -> {
                        if (length == 4) {
                            message.put("server_id", Bytes.ipv4(b, value));
                        }
                    }
                    case 12 -> message.put("hostname", new String(b, value, length, StandardCharsets.UTF_8));
                    case 60 -> message.put("vendor_class", new String(b, value, length, StandardCharsets.UTF_8));
                    default -> { }
                }
                o = value + length;
            }
        }
        Map<String, Object> dumpling = new LinkedHashMap<>();
        dumpling.put("message_type", type);
        dumpling.putAll(message);
        dumpling.put("when", packet.time());
        remember(mac, dumpling);
        return Map.of("dhcp", dumpling);
    }

    private static boolean isDhcpPorts(int src, int dst) {
        return (src == CLIENT_PORT && dst == SERVER_PORT) || (src == SERVER_PORT && dst == CLIENT_PORT)
                || (src == SERVER_PORT && dst == SERVER_PORT); // relay agent to server
    }

    private static void putAddress(Map<String, Object> message, String key, byte[] b, int at) {
        if (Bytes.int32(b, at) != 0) {
            message.put(key, Bytes.ipv4(b, at));
        }
    }

    private void remember(String mac, Map<String, Object> message) {
        Map<String, Object> device = devices.computeIfAbsent(mac, m -> new LinkedHashMap<>());
        for (String key : new String[] {"hostname", "vendor_class"}) {
            if (message.containsKey(key)) {
                device.put(key, message.get(key));
            }
        }
        // The address the device has or will have, as the message tells it best.
        for (String key : new String[] {"client_ip", "requested_ip", "assigned_ip"}) {
            if (message.containsKey(key)) {
                device.put("ip", message.get(key));
            }
        }
        device.put("last_message", message.get("message_type"));
        device.merge("messages", 1L, (a, b) -> (Long) a + (Long) b);
        device.put("last_seen", message.get("when"));
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        // A bound lowered by a changed configuration applies now, not at the next new device.
        for (var eldest = devices.keySet().iterator(); devices.size() > maxDevices; forgotten++) {
            eldest.next();
            eldest.remove();
        }
        Map<String, Object> listed = new LinkedHashMap<>();
        devices.forEach((mac, device) -> listed.put(mac, new LinkedHashMap<>(device)));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("dhcp_devices", listed);
        payload.put("devices", listed.size());
        payload.put("devices_forgotten", forgotten);
        return payload;
    }
}
