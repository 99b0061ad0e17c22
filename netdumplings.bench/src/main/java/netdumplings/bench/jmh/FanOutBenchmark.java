package netdumplings.bench.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import netdumplings.bench.FanOutRig;

/**
 * Fan-out through a real hub in this JVM: each invocation publishes
 * {@value #DUMPLINGS} dumplings over loopback and returns when all 10 eaters received
 * every one. Score: deliveries per second (dumplings x eaters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FanOutBenchmark {

    static final int EATERS = 10;
    static final int DUMPLINGS = 1_000;

    private FanOutRig rig;

    @Setup(Level.Trial)
    public void start() throws Exception {
        rig = new FanOutRig(EATERS);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        rig.close();
    }

    @Benchmark
    @OperationsPerInvocation(DUMPLINGS * EATERS)
    public long publishToTenEaters() throws Exception {
        return rig.publishAndAwait(DUMPLINGS, Duration.ofSeconds(30));
    }
}
