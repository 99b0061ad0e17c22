package netdumplings.hub.internal.federation;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

/**
 * A hub's link to the other hubs, through NATS JetStream, the way Centrifugo scales over a
 * broker: every hub publishes its own kitchens' dumplings, byte for byte, to
 * {@code <prefix>.d.<hub>.<kitchen>.<chef>}; one stream keeps them (with age and size
 * limits); every hub, this one included, reads the stream from where it stands and hands
 * each dumpling, stamped with its offset (the stream sequence) and the stream's epoch
 * ({@link Offsets}), to its {@link Sink}. So each eater, whatever its hub, sees the same
 * dumplings in the same order with the same offsets; a hub never publishes what it read
 * (nothing loops) and hands each stream sequence on once (nothing twice).
 * <p>
 * While NATS cannot be reached (at start, or after losing it), {@link #publish} says so
 * and the hub serves its own eaters directly, unstamped; those dumplings are not
 * federated (counted). Publishing never buffers during a reconnect, so nothing reaches
 * the stream late and comes back a second time. Once reconnected, reading resumes after
 * the last sequence handed on.
 * <p>
 * Each hub also shares a summary of its kitchens and eaters on {@code <prefix>.status.<hub>}
 * every status interval (core NATS, not kept); {@link #remoteStatuses()} gives the other
 * hubs' latest ones for the status dumpling.
 */
public final class NatsFederation implements History, AutoCloseable {

    /** Where the dumplings read from the stream go: the hub's fan-out to its eaters. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param json   the dumpling with its offset and epoch, the same bytes for every eater
         * @param offset its offset
         */
        void deliver(ByteBuffer json, long offset);
    }

    private static final Logger LOG = LoggerFactory.getLogger(NatsFederation.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A status summary older than this many of its hub's intervals is forgotten. */
    private static final int STATUS_LIFETIMES = 3;

    private final FederationSettings settings;
    private final String hubName;
    private final Subjects subjects;
    private final Sink sink;
    /** Set-up and re-set-up after each (re)connection, one at a time, off NATS's threads. */
    private final ExecutorService setUp;
    /** kitchen -> chef -> subject: the hot path builds no subject string once warm. */
    private final Map<String, Map<String, String>> subjectCache = new ConcurrentHashMap<>();
    private final Map<String, RemoteStatus> remote = new ConcurrentHashMap<>();
    private final LongAdder published = new LongAdder();
    private final LongAdder notFederated = new LongAdder();
    private final LongAdder delivered = new LongAdder();

    private volatile Connection connection;
    private volatile Dispatcher dumplingDispatcher;
    private volatile JetStreamSubscription subscription;
    /** Whether publishing into the stream is possible now (connected and set up). */
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile String epoch;
    /** The last stream sequence handed to the sink (written by the dispatcher thread only). */
    private volatile long lastDelivered;

    private record RemoteStatus(Map<String, Object> summary, long receivedNanos, long lifetimeNanos) {
    }

    /**
     * @param settings enabled federation settings
     * @param hubName  this hub's name
     * @param sink     where dumplings read from the stream go
     */
    public NatsFederation(FederationSettings settings, String hubName, Sink sink) {
        this.settings = requireNonNull(settings, "settings");
        this.hubName = requireNonNull(hubName, "hubName");
        this.sink = requireNonNull(sink, "sink");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("federation settings without servers");
        }
        this.subjects = new Subjects(settings.subjectPrefix());
        this.setUp = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nd-hub-nats-setup");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return this hub's name in the federation */
    public String hubName() {
        return hubName;
    }

    /**
     * Connects (or keeps trying in the background when no server answers: the hub starts
     * and serves its own eaters meanwhile).
     *
     * @throws IllegalArgumentException if the settings cannot make a connection (a bad URL,
     *                                  an unreadable truststore)
     */
    public void start() {
        Options.Builder options = new Options.Builder()
                .servers(settings.servers().toArray(String[]::new))
                .connectionName("netdumplings hub " + hubName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(2))
                // No buffering while reconnecting: a dumpling the hub served directly meanwhile
                // must not reach the stream later and come back a second time.
                .reconnectBufferSize(0)
                .connectionListener(this::connectionEvent)
                .errorListener(new QuietErrorListener());
        if (settings.token() != null) {
            options.token(settings.token().toCharArray());
        }
        if (settings.truststore() != null) {
            options.truststorePath(settings.truststore().toString());
            if (settings.truststorePassword() != null) {
                options.truststorePassword(settings.truststorePassword().toCharArray());
            }
        }
        Options built;
        try {
            built = options.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("nats_servers: " + e.getMessage(), e);
        }
        try {
            // Returns at once when no server answers, and reconnects in the background.
            connection = Nats.connectReconnectOnConnect(built);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot connect to NATS " + settings.servers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
        Connection c = connection;
        c.createDispatcher(this::statusArrived).subscribe(subjects.allStatus());
        if (c.getStatus() == Connection.Status.CONNECTED) {
            scheduleSetUp();
        }
    }

    private void connectionEvent(Connection c, ConnectionListener.Events event) {
        switch (event) {
        case CONNECTED, RECONNECTED, RESUBSCRIBED -> scheduleSetUp();
        case DISCONNECTED, CLOSED -> {
            if (ready) {
                LOG.warn("hub {} lost NATS ({}): serving its own eaters directly until it is back", hubName,
                        event.name().toLowerCase(java.util.Locale.ROOT));
            }
            ready = false;
        }
        default -> {
        }
        }
    }

    private void scheduleSetUp() {
        if (closed) {
            return;
        }
        try {
            setUp.execute(this::setUp);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    /** Makes sure of the stream, then reads it from after the last sequence handed on. */
    private void setUp() {
        Connection c = connection;
        if (closed || c == null || c.getStatus() != Connection.Status.CONNECTED || ready) {
            return;
        }
        try {
            JetStreamManagement jsm = c.jetStreamManagement();
            StreamInfo info = stream(jsm);
            String streamEpoch = epochOf(info);
            long start;
            if (!streamEpoch.equals(epoch)) {
                if (epoch != null) {
                    LOG.warn("stream {} was re-created (epoch {} -> {}): offsets start again", settings.stream(), epoch,
                            streamEpoch);
                }
                epoch = streamEpoch;
                start = info.getStreamState().getLastSequence() + 1;
                lastDelivered = start - 1;
            } else {
                start = lastDelivered + 1;
            }
            JetStreamSubscription previous = subscription;
            if (previous != null) {
                try {
                    dumplingDispatcher.unsubscribe(previous);
                } catch (RuntimeException e) {
                    LOG.debug("dropping the previous stream subscription", e);
                }
            }
            if (dumplingDispatcher == null) {
                dumplingDispatcher = c.createDispatcher();
            }
            JetStream js = c.jetStream();
            PushSubscribeOptions options = PushSubscribeOptions.builder().stream(settings.stream()).ordered(true)
                    .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                            .startSequence(start).build())
                    .build();
            subscription = js.subscribe(subjects.allDumplings(), dumplingDispatcher, this::dumplingArrived, false, options);
            ready = true;
            LOG.info("hub {} federates through NATS {} (stream {}, epoch {}, reading from offset {})", hubName,
                    c.getConnectedUrl(), settings.stream(), epoch, start);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("hub {} cannot set up federation through NATS yet: {}", hubName, e.toString());
            // Try again shortly, unless the connection goes away meanwhile (its listener retries).
            try {
                Thread.sleep(1000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            scheduleSetUp();
        }
    }

    private StreamInfo stream(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        StreamConfiguration wanted = StreamConfiguration.builder().name(settings.stream())
                .subjects(subjects.allDumplings()).storageType(StorageType.File).discardPolicy(DiscardPolicy.Old)
                .maxAge(settings.maxAge()).maxBytes(settings.maxBytes()).build();
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(settings.stream());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
            return jsm.addStream(wanted);
        }
        StreamConfiguration have = info.getConfiguration();
        if (!have.getMaxAge().equals(settings.maxAge()) || have.getMaxBytes() != settings.maxBytes()) {
            // Several hubs share the stream: the last one started sets its limits.
            info = jsm.updateStream(StreamConfiguration.builder(have).maxAge(settings.maxAge())
                    .maxBytes(settings.maxBytes()).build());
        }
        return info;
    }

    /** The epoch names one life of the stream: its creation time, in base 36. */
    private static String epochOf(StreamInfo info) {
        java.time.Instant created = info.getCreateTime().toInstant();
        return Long.toString(created.getEpochSecond() * 1_000_000_000L + created.getNano(), 36);
    }

    private void dumplingArrived(Message message) {
        long seq = message.metaData().streamSequence();
        // After a re-subscription the old one may still hand on what the new one repeats.
        if (seq <= lastDelivered) {
            return;
        }
        lastDelivered = seq;
        delivered.increment();
        sink.deliver(ByteBuffer.wrap(Offsets.stamp(message.getData(), seq, epoch)), seq);
    }

    /**
     * Publishes one of this hub's kitchens' dumplings into the stream, byte for byte. Never
     * blocks on the network and never buffers.
     *
     * @param json    the dumpling as its kitchen sent it
     * @param kitchen the kitchen's name (its hello's)
     * @param chef    the dumpling's {@code metadata.chef}
     * @return whether it went to NATS (it then reaches this hub's eaters through the stream);
     *         false: the hub must serve it to its eaters itself
     */
    public boolean publish(ByteBuffer json, String kitchen, String chef) {
        Connection c = connection;
        if (!ready || c == null) {
            notFederated.increment();
            return false;
        }
        String subject = subjectCache.computeIfAbsent(kitchen, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(chef, ch -> subjects.dumplings(hubName, kitchen, ch));
        byte[] body = Offsets.bytesOf(json);
        try {
            c.publish(subject, body);
            published.increment();
            return true;
        } catch (IllegalStateException e) {
            // Disconnected since the check above: no buffer, so it was not sent.
            notFederated.increment();
            return false;
        }
    }

    /**
     * Shares this hub's kitchens and eaters with the other hubs (best effort: nothing when
     * NATS is away).
     *
     * @param summary  {@code dumpling_kitchens} and {@code dumpling_eaters} entries, as in
     *                 a status dumpling
     * @param interval this hub's status interval (a summary is forgotten after three)
     */
    public void shareStatus(Map<String, Object> summary, Duration interval) {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            Map<String, Object> message = new java.util.LinkedHashMap<>(summary);
            message.put("hub", hubName);
            message.put("interval", interval.toNanos() / 1e9);
            c.publish(subjects.status(hubName), MAPPER.writeValueAsBytes(message));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("cannot share the hub's status", e);
        }
    }

    @SuppressWarnings("unchecked")
    private void statusArrived(Message message) {
        try {
            Map<String, Object> summary = MAPPER.readValue(message.getData(), Map.class);
            Object hub = summary.get("hub");
            if (!(hub instanceof String name) || name.equals(hubName)) {
                return;
            }
            double interval = summary.get("interval") instanceof Number n ? n.doubleValue() : 5.0;
            remote.put(name, new RemoteStatus(summary, System.nanoTime(), (long) (interval * 1e9) * STATUS_LIFETIMES));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignored an unreadable hub status on {}", message.getSubject(), e);
        }
    }

    /** @return the other hubs' latest summaries (each with its {@code hub} name), by name */
    public List<Map<String, Object>> remoteStatuses() {
        long now = System.nanoTime();
        List<Map<String, Object>> out = new ArrayList<>();
        remote.entrySet().removeIf(e -> now - e.getValue().receivedNanos() > e.getValue().lifetimeNanos());
        remote.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(e.getValue().summary()));
        return out;
    }

    /** @return whether dumplings go through NATS now */
    public boolean isFederating() {
        return ready;
    }

    /** @return the epoch of the stream, or null while NATS is away */
    @Override
    public String epoch() {
        return ready ? epoch : null;
    }

    /**
     * @return the last offset handed to the sink: a replay up to it joins the live
     *         dumplings that follow without a gap
     */
    @Override
    public long lastOffset() {
        return lastDelivered;
    }

    @Override
    public long firstOffset() {
        Connection c = connection;
        try {
            if (c != null) {
                return c.jetStreamManagement().getStreamInfo(settings.stream()).getStreamState().getFirstSequence();
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("cannot read the stream's first sequence", e);
        }
        return lastDelivered + 1;
    }

    /** How long a replay waits for the stream's next message before it gives up. */
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(5);

    @Override
    public void replay(long from, double sinceSeconds, long to, Replayed each) throws Exception {
        Connection c = connection;
        String replayEpoch = epoch;
        if (c == null || !ready || from > to) {
            return;
        }
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder();
        if (Double.isNaN(sinceSeconds)) {
            config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(Math.max(1, from));
        } else {
            long nanos = (long) (sinceSeconds * 1e9);
            config.deliverPolicy(DeliverPolicy.ByStartTime).startTime(java.time.ZonedDateTime.ofInstant(
                    java.time.Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)),
                    java.time.ZoneOffset.UTC));
        }
        JetStreamSubscription replay = c.jetStream().subscribe(subjects.allDumplings(),
                PushSubscribeOptions.builder().stream(settings.stream()).ordered(true).configuration(config.build()).build());
        try {
            while (true) {
                Message m = replay.nextMessage(REPLAY_WAIT);
                if (m == null) {
                    if (!Double.isNaN(sinceSeconds)) {
                        return; // nothing (more) since that time
                    }
                    throw new IOException("the stream sent nothing for " + REPLAY_WAIT.toSeconds() + " s during a replay");
                }
                long seq = m.metaData().streamSequence();
                if (seq > to) {
                    return;
                }
                if (!each.accept(seq, ByteBuffer.wrap(Offsets.stamp(m.getData(), seq, replayEpoch)))) {
                    return;
                }
                if (seq == to || m.metaData().pendingCount() == 0 && seq >= to) {
                    return;
                }
            }
        } finally {
            try {
                replay.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("ending a replay's subscription", e);
            }
        }
    }

    /** @return dumplings of this hub's kitchens published to NATS */
    public long published() {
        return published.sum();
    }

    /** @return dumplings of this hub's kitchens served only locally, NATS being away */
    public long notFederated() {
        return notFederated.sum();
    }

    /**
     * Waits until what this hub published has come back from the stream (at a graceful
     * stop, so that its eaters get its kitchens' last dumplings), at most {@code wait}.
     */
    public void awaitCaughtUp(Duration wait) {
        Connection c = connection;
        if (c == null || !ready) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            c.flush(wait);
            long last = c.jetStreamManagement().getStreamInfo(settings.stream()).getStreamState().getLastSequence();
            while (lastDelivered < last && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        } catch (TimeoutException | IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("cannot wait for the stream to catch up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the connection (the stream stays). Idempotent. */
    @Override
    public void close() {
        closed = true;
        ready = false;
        setUp.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            setUp.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("hub {} left the federation: {} dumplings published, {} received from the stream, {} served locally only",
                hubName, published.sum(), delivered.sum(), notFederated.sum());
    }
}
