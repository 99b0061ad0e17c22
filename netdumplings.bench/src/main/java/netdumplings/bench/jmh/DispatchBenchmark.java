package netdumplings.bench.jmh;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.Pcaps;

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import netdumplings.api.DumplingChef;
import netdumplings.bench.Bench;
import netdumplings.kitchen.internal.packet.CapturedPacket;
import netdumplings.kitchen.internal.packet.PacketDissector;
import netdumplings.kitchen.internal.Pcap4jSupport;

/**
 * Packet dispatch without capture: the kitchen's {@link CapturedPacket} for each packet
 * of many-protocols.pcap (read into memory once), its dissection, and the hand-off to
 * the three example chefs' packet handlers. Score: packets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatchBenchmark {

    static final int PACKETS = 4709;

    private byte[][] data;
    private long[] seconds;
    private int[] nanos;
    private int dlt;
    private DumplingChef[] chefs;

    @Setup
    public void load() throws Exception {
        Pcap4jSupport.ensureReady();
        Path file = Bench.samplePcaps().resolve("many-protocols.pcap");
        PcapHandle h = Pcaps.openOffline(file.toString(), TimestampPrecision.NANO);
        List<byte[]> packets = new ArrayList<>();
        List<Timestamp> stamps = new ArrayList<>();
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
        data = packets.toArray(new byte[0][]);
        seconds = new long[data.length];
        nanos = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            seconds[i] = Math.floorDiv(stamps.get(i).getTime(), 1000);
            nanos[i] = stamps.get(i).getNanos();
        }
        if (data.length != PACKETS) {
            throw new IllegalStateException("expected " + PACKETS + " packets in " + file + ", read " + data.length);
        }
        chefs = new DumplingChef[] {new PacketCountChef(), new DNSLookupChef(), new ARPChef()};
    }

    /** Dissection alone (the cheap view of the common headers). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void dissect(Blackhole bh) {
        for (byte[] d : data) {
            bh.consume(PacketDissector.dissect(d, dlt));
        }
    }

    /** A packet object per packet, then every chef's packet handler (dissection included). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void dispatchToThreeChefs(Blackhole bh) {
        for (int i = 0; i < data.length; i++) {
            CapturedPacket packet = new CapturedPacket(seconds[i], nanos[i], data[i].length, data[i], dlt);
            for (DumplingChef chef : chefs) {
                bh.consume(chef.packetHandler(packet));
            }
        }
    }
}
