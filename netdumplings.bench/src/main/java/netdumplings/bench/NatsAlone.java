package netdumplings.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

/**
 * The broker alone, as a reference for the federation's paced latency: jnats publishes
 * paced messages of a dumpling's size to nats-server and reads them back in this JVM, with
 * no hub running, so the figures are nats-server's part on this machine. Four ways:
 * plain NATS (publish to subscriber); through a stream on file storage read by an ordered
 * push consumer (the way hubs read theirs); the same stream's republished copies (what a
 * hub reading "live" would get, without a consumer); a stream in memory read by an ordered
 * push consumer.
 */
final class NatsAlone {

    /** About the size of the bench's dumplings with their offset and epoch. */
    private static final int MESSAGE_BYTES = 280;

    private enum Way {
        PLAIN("plain NATS, publish -> subscriber", "ndbench.plain.x", "ndbench.plain.x", null),
        FILE_CONSUMER("stream on file -> ordered push consumer", "ndbench.file.x", "ndbench.file.x", "NDBENCH_FILE"),
        FILE_REPUBLISHED("stream on file -> republished -> subscriber", "ndbench.file.x", "ndbench.live.x", null),
        MEMORY_CONSUMER("stream in memory -> ordered push consumer", "ndbench.memory.x", "ndbench.memory.x",
                "NDBENCH_MEMORY");

        final String label;
        final String publishTo;
        final String readFrom;
        /** The stream a consumer reads, or null for a plain subscription. */
        final String stream;

        Way(String label, String publishTo, String readFrom, String stream) {
            this.label = label;
            this.publishTo = publishTo;
            this.readFrom = readFrom;
            this.stream = stream;
        }
    }

    private NatsAlone() {
    }

    static void run(Report report, String url, double rate, long millis) throws Exception {
        Options options = new Options.Builder().server(url).connectionName("nd-bench nats alone").build();
        try (Connection c = Nats.connect(options)) {
            JetStreamManagement jsm = c.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("NDBENCH_FILE").subjects("ndbench.file.>")
                    .storageType(StorageType.File)
                    .republish(Republish.builder().source("ndbench.file.>").destination("ndbench.live.>").build())
                    .build());
            jsm.addStream(StreamConfiguration.builder().name("NDBENCH_MEMORY").subjects("ndbench.memory.>")
                    .storageType(StorageType.Memory).build());
            long count = (long) (rate * millis / 1000);
            for (Way way : Way.values()) {
                // Warm-up (the JIT, the server), as the hubs' load is.
                paced(c, way, rate, HubBenchmark.warmUpCount(rate, millis));
                Latencies lat = paced(c, way, rate, count);
                report.figure(String.format("latency p99 at %,.0f/s, nats-server alone: %s", rate, way.label),
                        lat.percentileMillis(0.99), "ms", null);
                report.note(String.format("  p50 %.2f ms, p99.9 %.2f ms, max %.2f ms; %,d of %,d messages of %d bytes",
                        lat.percentileMillis(0.5), lat.percentileMillis(0.999), lat.percentileMillis(1.0), lat.count(),
                        count, MESSAGE_BYTES));
            }
            jsm.deleteStream("NDBENCH_FILE");
            jsm.deleteStream("NDBENCH_MEMORY");
        }
    }

    /** Publishes {@code count} messages at {@code rate} and records each one's latency as read back. */
    private static Latencies paced(Connection c, Way way, double rate, long count) throws Exception {
        Latencies lat = new Latencies((int) count);
        AtomicLong got = new AtomicLong();
        // On the dispatcher's one thread, as Latencies wants.
        MessageHandler onMessage = (Message m) -> {
            lat.record(System.nanoTime() - ByteBuffer.wrap(m.getData()).getLong());
            got.incrementAndGet();
        };
        Dispatcher d = c.createDispatcher();
        if (way.stream != null) {
            c.jetStream().subscribe(way.readFrom, d, onMessage, false,
                    PushSubscribeOptions.builder().stream(way.stream).ordered(true)
                            .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build())
                            .build());
        } else {
            d.subscribe(way.readFrom, onMessage);
        }
        c.flush(Duration.ofSeconds(5));
        byte[] body = new byte[MESSAGE_BYTES];
        ByteBuffer stamp = ByteBuffer.wrap(body);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1)));
            }
            stamp.putLong(0, System.nanoTime());
            c.publish(way.publishTo, body);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Closing the dispatcher ends its subscriptions, the ordered consumer's too.
        c.closeDispatcher(d);
        return lat;
    }
}
