package netdumplings.bench.jmh;

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

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import netdumplings.api.DumplingChef;
import netdumplings.kitchen.internal.packet.CapturedPacket;
import netdumplings.kitchen.internal.packet.PacketDissector;

/**
 * Packet dispatch without capture: the kitchen's {@link CapturedPacket} for each packet
 * of many-protocols.pcap (read into memory once), its dissection, and the hand-off to
 * the three example chefs' packet handlers. Score: packets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatchBenchmark {

    static final int PACKETS = CapturedPackets.MANY_PROTOCOLS;

    private CapturedPackets packets;
    private DumplingChef[] chefs;

    @Setup
    public void load() throws Exception {
        packets = CapturedPackets.manyProtocols();
        chefs = new DumplingChef[] {new PacketCountChef(), new DNSLookupChef(), new ARPChef()};
    }

    /** Dissection alone (the cheap view of the common headers). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void dissect(Blackhole bh) {
        for (byte[] d : packets.data) {
            bh.consume(PacketDissector.dissect(d, packets.dlt));
        }
    }

    /** A packet object per packet, then every chef's packet handler (dissection included). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void dispatchToThreeChefs(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            CapturedPacket packet = packets.packet(i);
            for (DumplingChef chef : chefs) {
                bh.consume(chef.packetHandler(packet));
            }
        }
    }
}
