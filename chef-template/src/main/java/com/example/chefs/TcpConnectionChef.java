package com.example.chefs;

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
import netdumplings.api.Ip;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;

/**
 * An example chef: counts the TCP connections opened (SYN without ACK) per server
 * {@code address:port}. A packet dumpling for every connection opened; every poke
 * interval a dumpling with the total and the busiest servers.
 * <p>
 * It reads the kitchen's views of the headers ({@link SniffedPacket#tcp()},
 * {@link SniffedPacket#ip()}): made once per packet for every chef, and much cheaper than
 * pcap4j's full dissection ({@link SniffedPacket#packet()}). A kitchen calls it from one
 * thread at a time, so its state needs no locking.
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

    private final Map<String, Long> connectionsPerServer = new HashMap<>();
    private long connections;
    // Set by Config Admin's thread, read by the kitchen's: volatile. No default here: the
    // Config annotation above is the one place defaults live.
    private volatile int top;
    private volatile boolean perConnection;

    /**
     * @param config this chef's configuration: Declarative Services passes it (a test makes
     *               one with {@code Configurations.of(TcpConnectionChef.Config.class)})
     */
    @Activate
    public TcpConnectionChef(Config config) {
        configure(config);
    }

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
        Tcp tcp = packet.tcp(); // null unless the packet has TCP: a bit test, nothing parsed
        if (tcp == null || !tcp.isSyn()) {
            return null;            // only SYN without ACK: a connection being opened
        }
        Ip ip = packet.ip();
        String server = ip.dstText() + ":" + tcp.dstPort();
        connections++;
        connectionsPerServer.merge(server, 1L, Long::sum);
        if (!perConnection) {
            return null;
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("client", ip.srcText() + ":" + tcp.srcPort());
        payload.put("server", server);
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
}
