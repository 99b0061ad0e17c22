package netdumplings.bench.jmh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;

/**
 * The codec: encoding a dumpling once ({@link DumplingJson#toJsonBytes}) as a chef's
 * worker does, with payloads shaped like the example chefs'; and the hub's check
 * ({@link DumplingJson#chefOf}). Score: operations per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private Dumpling dns;
    private Dumpling arp;
    private String dnsJson;

    @Setup
    public void make() {
        Map<String, Object> lookup = new LinkedHashMap<>();
        lookup.put("hostname", "www.example.com");
        lookup.put("when", 1_795_313_383.8166428);
        dns = new Dumpling("DNSLookupChef", "bench_kitchen", 1_795_313_383.8166428, DumplingDriver.PACKET,
                Map.of("lookup", lookup));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("operation", "reply");
        a.put("src_hw", "00:11:22:33:44:55");
        a.put("src_ip", "192.168.1.1");
        a.put("dst_hw", "66:77:88:99:aa:bb");
        a.put("dst_ip", "192.168.1.2");
        a.put("time", 1_795_313_383.8166428);
        a.put("notes", null);
        arp = new Dumpling("ARPChef", "bench_kitchen", 1_795_313_383.8166428, DumplingDriver.PACKET, a);
        dnsJson = DumplingJson.toJson(dns);
    }

    @Benchmark
    public byte[] encodeDnsLookup() {
        return DumplingJson.toJsonBytes(dns);
    }

    @Benchmark
    public byte[] encodeArp() {
        return DumplingJson.toJsonBytes(arp);
    }

    @Benchmark
    public String hubCheckChefOf() {
        return DumplingJson.chefOf(dnsJson);
    }
}
