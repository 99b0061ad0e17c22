package netdumplings.kitchen.internal.packet;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;

import netdumplings.api.Arp;
import netdumplings.api.Dns;
import netdumplings.api.Icmp;
import netdumplings.api.Ip;
import netdumplings.api.Protocol;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.api.Udp;

/**
 * The kitchen's {@link SniffedPacket}, the one implementation of the views: the captured
 * bytes (shared, never copied) plus capture metadata; the {@link Dissection} and pcap4j's
 * parse are made on first use, on a chef's thread, once for every chef.
 * <p>
 * Thread-safe: the dissection is filled before it is published through a volatile field
 * (two threads may at worst dissect twice, each publishing a complete result); pcap4j's
 * packets are immutable, so the racy single-check idiom is enough for them.
 */
public final class CapturedPacket implements SniffedPacket {

    private final long epochSecond;
    private final int nanos;
    private final int originalLength;
    private final byte[] data;
    private final int dlt;

    private volatile Dissection dissection;
    private Packet packet;

    /**
     * @param epochSecond    capture time, whole seconds since the epoch
     * @param nanos          capture time, nanoseconds within the second (0..999,999,999)
     * @param originalLength length on the wire
     * @param data           the captured bytes, from the link-layer header; not copied
     * @param dlt            the link-layer type (pcap DLT value)
     */
    public CapturedPacket(long epochSecond, int nanos, int originalLength, byte[] data, int dlt) {
        this.epochSecond = epochSecond;
        this.nanos = nanos;
        this.originalLength = originalLength;
        this.data = requireNonNull(data, "data");
        this.dlt = dlt;
    }

    @Override
    public Instant timestamp() {
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    @Override
    public double time() {
        return epochSecond + nanos / 1e9;
    }

    /** @return capture time in nanoseconds since the epoch (replay pacing uses it) */
    public long epochNanos() {
        return epochSecond * 1_000_000_000L + nanos;
    }

    @Override
    public int originalLength() {
        return originalLength;
    }

    @Override
    public byte[] rawData() {
        return data;
    }

    @Override
    public int dataLinkType() {
        return dlt;
    }

    /** @return the dissection behind the views, made once */
    public Dissection dissection() {
        Dissection result = dissection;
        if (result == null) {
            result = PacketDissector.dissect(data, dlt);
            dissection = result;
        }
        return result;
    }

    @Override
    public List<String> layers() {
        return dissection().layers();
    }

    @Override
    public int layerCount() {
        return dissection().layerCount();
    }

    @Override
    public Protocol layer(int index) {
        return dissection().layer(index);
    }

    @Override
    public long protocols() {
        return dissection().protocols();
    }

    @Override
    public boolean has(Protocol protocol) {
        return (dissection().protocols() & protocol.bit()) != 0;
    }

    @Override
    public int offset(Protocol protocol) {
        return dissection().offset(protocol);
    }

    @Override
    public Ip ip() {
        return dissection().ip();
    }

    @Override
    public Tcp tcp() {
        return dissection().tcp();
    }

    @Override
    public Udp udp() {
        return dissection().udp();
    }

    @Override
    public Icmp icmp() {
        return dissection().icmp();
    }

    @Override
    public Arp arp() {
        return dissection().arp();
    }

    @Override
    public Dns dns() {
        return dissection().dns();
    }

    @Override
    public int payloadOffset() {
        return dissection().transportPayloadOffset();
    }

    @Override
    public int payloadLength() {
        return dissection().transportPayloadLength();
    }

    @Override
    public Packet packet() {
        Packet result = packet;
        if (result == null) {
            result = parse();
            packet = result;
        }
        return result;
    }

    private Packet parse() {
        try {
            // The static factory turns malformed parts into IllegalRawDataPackets itself.
            return PacketFactories.getFactory(Packet.class, DataLinkType.class)
                    .newInstance(data, 0, data.length, DataLinkType.getInstance(dlt));
        } catch (RuntimeException e) {
            try {
                return UnknownPacket.newPacket(data, 0, data.length);
            } catch (Exception unparsable) {
                return null;
            }
        }
    }

    @Override
    public String summary() {
        Dissection d = dissection();
        StringBuilder s = new StringBuilder(80);
        int count = d.layerCount();
        if (count == 0) {
            s.append("DLT ").append(dlt).append(' ');
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                s.append(" / ");
            }
            s.append(d.layer(i).layerName());
        }
        Ip ip = d.ip();
        Arp arp = d.arp();
        if (ip != null) {
            boolean ports = d.tcp() != null || d.udp() != null;
            boolean brackets = ports && ip.version() == 6;
            s.append(' ');
            endpoint(s, ip.srcText(), brackets, ports ? d.srcPort() : -1);
            s.append(" > ");
            endpoint(s, ip.dstText(), brackets, ports ? d.dstPort() : -1);
        } else if (arp != null) {
            s.append(' ').append(arp.senderIpText()).append(" > ").append(arp.targetIpText());
        }
        s.append(" (").append(originalLength).append(" bytes)");
        return s.toString();
    }

    private static void endpoint(StringBuilder s, String address, boolean brackets, int port) {
        if (brackets) {
            s.append('[').append(address).append(']');
        } else {
            s.append(address);
        }
        if (port >= 0) {
            s.append(':').append(port);
        }
    }

    @Override
    public String toString() {
        return summary();
    }
}
