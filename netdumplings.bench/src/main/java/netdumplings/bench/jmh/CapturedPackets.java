package netdumplings.bench.jmh;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.Pcaps;

import netdumplings.bench.Bench;
import netdumplings.kitchen.internal.Pcap4jSupport;
import netdumplings.kitchen.internal.packet.CapturedPacket;

/** A sample capture read into memory once, to make the kitchen's packets from in a benchmark. */
final class CapturedPackets {

    static final int MANY_PROTOCOLS = 4709;

    final byte[][] data;
    final long[] seconds;
    final int[] nanos;
    final int dlt;

    private CapturedPackets(byte[][] data, long[] seconds, int[] nanos, int dlt) {
        this.data = data;
        this.seconds = seconds;
        this.nanos = nanos;
        this.dlt = dlt;
    }

    /** @return many-protocols.pcap's 4709 packets */
    static CapturedPackets manyProtocols() throws Exception {
        Pcap4jSupport.ensureReady();
        Path file = Bench.samplePcaps().resolve("many-protocols.pcap");
        PcapHandle h = Pcaps.openOffline(file.toString(), TimestampPrecision.NANO);
        List<byte[]> packets = new ArrayList<>();
        List<Timestamp> stamps = new ArrayList<>();
        int dlt;
        try {
            dlt = h.getDlt().value();
            byte[] p;
            while ((p = h.getNextRawPacket()) != null) {
                packets.add(p);
                stamps.add(h.getTimestamp());
            }
        } finally {
            h.close();
        }
        if (packets.size() != MANY_PROTOCOLS) {
            throw new IllegalStateException("expected " + MANY_PROTOCOLS + " packets in " + file + ", read " + packets.size());
        }
        long[] seconds = new long[packets.size()];
        int[] nanos = new int[packets.size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = Math.floorDiv(stamps.get(i).getTime(), 1000);
            nanos[i] = stamps.get(i).getNanos();
        }
        return new CapturedPackets(packets.toArray(new byte[0][]), seconds, nanos, dlt);
    }

    /** @return packet {@code i} as the capture hands it on: a new object, not yet dissected */
    CapturedPacket packet(int i) {
        return new CapturedPacket(seconds[i], nanos[i], data[i].length, data[i], dlt);
    }
}
