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
import org.pcap4j.packet.TcpPacket;

import netdumplings.api.Dns;
import netdumplings.api.Ip;
import netdumplings.api.Protocol;
import netdumplings.api.Tcp;
import netdumplings.kitchen.internal.packet.CapturedPacket;

/**
 * The packet views as a chef uses them, on many-protocols.pcap (4709 packets, read into
 * memory once): each operation makes the packet as the capture does (a new, undissected
 * {@link CapturedPacket}), so the dissection is included, once per packet as in the
 * kitchen. Next to them, the same questions answered the 1.0 ways: by layer name, and
 * with pcap4j's full parse. Score: packets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ViewsBenchmark {

    static final int PACKETS = CapturedPackets.MANY_PROTOCOLS;

    private CapturedPackets packets;

    @Setup
    public void load() throws Exception {
        packets = CapturedPackets.manyProtocols();
    }

    /** Is it TCP? A bit test. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void isTcp(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            bh.consume(packets.packet(i).has(Protocol.TCP));
        }
    }

    /** Is it TCP? The 1.0 way: by layer name. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void isTcpByLayerName(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            bh.consume(packets.packet(i).layers().contains("TCP"));
        }
    }

    /** TCP ports from the view. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void tcpPorts(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            Tcp tcp = packets.packet(i).tcp();
            if (tcp != null) {
                bh.consume(tcp.srcPort() << 16 | tcp.dstPort());
            }
        }
    }

    /** TCP ports from pcap4j's full parse (what a 1.0 chef used short of raw offsets). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void tcpPortsWithPcap4j(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            org.pcap4j.packet.Packet parsed = packets.packet(i).packet();
            TcpPacket tcp = parsed == null ? null : parsed.get(TcpPacket.class);
            if (tcp != null) {
                bh.consume(tcp.getHeader().getSrcPort().valueAsInt() << 16 | tcp.getHeader().getDstPort().valueAsInt());
            }
        }
    }

    /** IPv4 addresses as ints. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void ipv4AddressesAsInts(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            Ip ip = packets.packet(i).ip();
            if (ip != null && ip.version() == 4) {
                bh.consume(ip.srcIpv4() ^ ip.dstIpv4());
            }
        }
    }

    /** The DNS question's name, decoded on demand (252 of the packets are DNS). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void dnsQuestionName(Blackhole bh) {
        for (int i = 0; i < PACKETS; i++) {
            CapturedPacket p = packets.packet(i);
            if (p.has(Protocol.DNS)) {
                Dns dns = p.dns();
                bh.consume(dns.questionName());
            }
        }
    }
}
