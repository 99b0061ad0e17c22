package com.example.chefs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
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

/**
 * An example chef: counts the TCP connections opened (SYN without ACK) per server
 * {@code address:port}. A packet dumpling for every connection opened; every poke
 * interval a dumpling with the total and the busiest servers.
 * <p>
 * It reads the packet's raw bytes itself, which is much cheaper than pcap4j's full
 * dissection ({@link SniffedPacket#packet()}), and uses {@link SniffedPacket#layers()} to
 * skip everything that is not TCP. A kitchen calls it from one thread at a time, so its
 * state needs no locking.
 * <p>
 * Configured through Config Admin, e.g. a file {@code deploy/com.example.chefs.tcpconnections.cfg}
 * with {@code top=5}; changes apply while it runs ({@link Modified}).
 */
// PROTOTYPE: each kitchen of the runtime gets an instance (and state) of its own.
@Component(service = DumplingChef.class, configurationPid = TcpConnectionChef.PID,
        scope = ServiceScope.PROTOTYPE)
@Designate(ocd = TcpConnectionChef.Config.class)
public class TcpConnectionChef implements DumplingChef {

    /** The configuration PID: {@code deploy/com.example.chefs.tcpconnections.cfg}. */
    public static final String PID = "com.example.chefs.tcpconnections";

    /** This chef's configuration; every attribute has a default, so no file is needed. */
    @ObjectClassDefinition(name = "Example TCP connection chef",
            description = "Counts TCP connections opened per server address:port.")
    public @interface Config {
        /** @return how many of the busiest servers each interval dumpling lists; default 10 */
        @AttributeDefinition(name = "Top servers", description = "Servers listed in each interval dumpling.", min = "0")
        int top() default 10;

        /** @return whether to send a packet dumpling for every connection opened; default true */
        @AttributeDefinition(name = "Per-connection dumplings",
                description = "Send a dumpling for every connection opened, not just interval summaries.")
        boolean per__connection() default true;
    }

    private static final int DLT_EN10MB = 1;
    private static final int DLT_RAW = 101;
    private static final int DLT_RAW_OPENBSD = 12;
    private static final int DLT_LINUX_SLL = 113;

    private final Map<String, Long> connectionsPerServer = new HashMap<>();
    private long connections;
    // Set by Config Admin's thread, read by the kitchen's: volatile.
    private volatile int top = 10;
    private volatile boolean perConnection = true;

    @Activate
    @Modified
    void configure(Config config) {
        top = Math.max(0, config.top());
        perConnection = config.per__connection();
    }

    @Override
    public String name() {
        return "TcpConnectionChef";
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        if (!packet.layers().contains("TCP")) {
            return null;
        }
        byte[] b = packet.rawData();
        int ip = ipOffset(b, packet.dataLinkType());
        if (ip < 0 || ip >= b.length) {
            return null;
        }
        int version = (b[ip] & 0xff) >> 4;
        int tcp;
        String client;
        String server;
        if (version == 4 && b.length >= ip + 20 && b[ip + 9] == 6) {
            tcp = ip + (b[ip] & 0x0f) * 4;
            client = address(b, ip + 12, 4);
            server = address(b, ip + 16, 4);
        } else if (version == 6 && b.length >= ip + 40 && b[ip + 6] == 6) {
            tcp = ip + 40; // extension headers are rare before TCP; skipped here for brevity
            client = address(b, ip + 8, 16);
            server = address(b, ip + 24, 16);
        } else {
            return null;
        }
        if (b.length < tcp + 14) {
            return null;
        }
        int flags = b[tcp + 13] & 0xff;
        boolean syn = (flags & 0x02) != 0;
        boolean ack = (flags & 0x10) != 0;
        if (!syn || ack) {
            return null;
        }
        int clientPort = ((b[tcp] & 0xff) << 8) | (b[tcp + 1] & 0xff);
        int serverPort = ((b[tcp + 2] & 0xff) << 8) | (b[tcp + 3] & 0xff);
        String serverKey = server + ":" + serverPort;
        connections++;
        connectionsPerServer.merge(serverKey, 1L, Long::sum);
        if (!perConnection) {
            return null;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("client", client + ":" + clientPort);
        payload.put("server", serverKey);
        return payload; // any JSON-able value: Map, List, String, Number, record...
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Long> busiest = new LinkedHashMap<>();
        connectionsPerServer.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(e -> busiest.put(e.getKey(), e.getValue()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("connections", connections);
        payload.put("servers", connectionsPerServer.size());
        payload.put("top_servers", busiest);
        return payload;
    }

    /** @return where the IP header starts, or -1 for a link type or EtherType not handled */
    static int ipOffset(byte[] b, int dataLinkType) {
        switch (dataLinkType) {
        case DLT_RAW, DLT_RAW_OPENBSD:
            return 0;
        case DLT_LINUX_SLL:
            return b.length >= 16 && isIp(u16(b, 14)) ? 16 : -1;
        case DLT_EN10MB:
            int offset = 12;
            // Skip 802.1Q / 802.1ad VLAN tags.
            while (b.length >= offset + 2 && (u16(b, offset) == 0x8100 || u16(b, offset) == 0x88a8)) {
                offset += 4;
            }
            return b.length >= offset + 2 && isIp(u16(b, offset)) ? offset + 2 : -1;
        default:
            return -1;
        }
    }

    private static boolean isIp(int etherType) {
        return etherType == 0x0800 || etherType == 0x86dd;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static String address(byte[] b, int at, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + length)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the length is 4 or 16
        }
    }
}
