package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;

import netdumplings.api.SniffedPacket;
import netdumplings.kitchen.internal.PacketDissector.Dissection;

/**
 * The kitchen's {@link SniffedPacket}: the captured bytes (shared, never copied) plus
 * capture metadata; the dissection and pcap4j's parse are made on first use, on a chef's
 * thread, and kept.
 * <p>
 * Thread-safe: the lazy fields use the racy single-check idiom, which is safe because
 * the values are immutable (a record of final fields, and pcap4j's immutable packets);
 * two threads may at worst compute the same value twice.
 */
public final class CapturedPacket implements SniffedPacket {

    private final long epochSecond;
    private final int nanos;
    private final int originalLength;
    private final byte[] data;
    private final int dlt;

    private Dissection dissection;
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
    long epochNanos() {
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

    /** @return the cheap dissection behind {@link #layers()}, made once */
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
        List<String> layers = d.layers();
        if (layers.isEmpty()) {
            s.append("DLT ").append(dlt).append(' ');
        }
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) {
                s.append(" / ");
            }
            s.append(layers.get(i));
        }
        if (d.ipVersion() != 0) {
            boolean ports = "TCP".equals(d.transport()) || "UDP".equals(d.transport());
            s.append(' ');
            appendEndpoint(s, d, true, ports);
            s.append(" > ");
            appendEndpoint(s, d, false, ports);
        } else if (layers.contains("ARP")) {
            int at = d.networkOffset();
            int hlen = data[at + 4] & 0xff;
            int plen = data[at + 5] & 0xff;
            if (plen == 4) {
                s.append(' ');
                appendIpv4(s, at + 8 + hlen);
                s.append(" > ");
                appendIpv4(s, at + 8 + 2 * hlen + plen);
            }
        }
        s.append(" (").append(originalLength).append(" bytes)");
        return s.toString();
    }

    private void appendEndpoint(StringBuilder s, Dissection d, boolean source, boolean ports) {
        int at = d.networkOffset();
        if (d.ipVersion() == 4) {
            appendIpv4(s, at + (source ? 12 : 16));
        } else {
            if (ports) {
                s.append('[');
            }
            int start = at + (source ? 8 : 24);
            for (int i = 0; i < 16; i += 2) {
                if (i > 0) {
                    s.append(':');
                }
                s.append(Integer.toHexString((data[start + i] & 0xff) << 8 | data[start + i + 1] & 0xff));
            }
            if (ports) {
                s.append(']');
            }
        }
        if (ports) {
            int p = d.transportOffset() + (source ? 0 : 2);
            s.append(':').append((data[p] & 0xff) << 8 | data[p + 1] & 0xff);
        }
    }

    private void appendIpv4(StringBuilder s, int at) {
        s.append(data[at] & 0xff).append('.').append(data[at + 1] & 0xff).append('.')
                .append(data[at + 2] & 0xff).append('.').append(data[at + 3] & 0xff);
    }

    @Override
    public String toString() {
        return summary();
    }
}
