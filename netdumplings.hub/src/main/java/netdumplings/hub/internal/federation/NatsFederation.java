package netdumplings.hub.internal.federation;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * <b>What a hub reads.</b> A hub reads from the stream only what its eaters want
 * ({@link #want}): nothing while it has no eater, one chef's subject
 * ({@code <prefix>.d.*.*.<chef>}) while every eater wants that chef only, everything
 * otherwise (nats-server 2.9 gives a consumer one filter subject; a union of several chefs
 * is read as everything and filtered per eater by the hub). The reading switches as eaters
 * come and go, without loss or repeat for any eater (see {@link #resubscribe}); an eater
 * whose chefs the current reading does not cover is let in only once it does.
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
         * @param json      the dumpling with its offset and epoch, the same bytes for every eater
         * @param offset    its offset
         * @param chefToken its chef as a subject token ({@link Subjects#token})
         */
        void deliver(ByteBuffer json, long offset, String chefToken);

        /** The stream was re-created: offsets start again (called before its first dumpling). */
        default void epochChanged() {
        }
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
    /** Every message the stream subscriptions brought, handed on or not. */
    private final LongAdder received = new LongAdder();

    private volatile Connection connection;
    private volatile Dispatcher dumplingDispatcher;
    private volatile JetStreamSubscription subscription;
    /** What this hub's eaters want, joining ones included ({@link #want}). */
    private volatile ChefFilter wanted = ChefFilter.NONE;
    /** What the current subscription reads (written on the set-up thread only). */
    private volatile ChefFilter reading = ChefFilter.NONE;
    /** The subscription whose messages are handed on; others' are ignored. */
    private volatile int generation;
    /**
     * Set by the set-up thread before it reads {@link #wanted} to subscribe, until the
     * subscription is there: {@link #want} then lets nobody in at once (Dekker with it).
     */
    private volatile boolean switching;
    /** Set while the dispatcher hands a message on (Dekker with {@link #resubscribe}). */
    private volatile boolean handing;
    /**
     * The current subscription hands on a message at or below this sequence only if
     * {@link #readBefore} lets it through: it was published before the switch, when only
     * what that reading covered could have an eater here.
     */
    private volatile long switchedAt;
    private volatile ChefFilter readBefore = ChefFilter.NONE;
    /** Whether publishing into the stream is possible now (connected and set up). */
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile String epoch;
    /** Whether the stream's other storage was logged (once per hub, not at every reconnection). */
    private volatile boolean storageWarned;
    /**
     * The last stream sequence handed to the sink or deliberately passed over (written by
     * the dispatcher thread, and by the set-up thread while no subscription hands on).
     */
    private volatile long lastDelivered;
    /** Every sequence up to this one is handed on or not wanted here (see {@link #lastOffset}). */
    private volatile long decidedUpTo;

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
        // The files are read by jnats at each (re)connection, never kept or logged here.
        if (settings.credsFile() != null) {
            FederationSettings.checkSecretFile("nats_creds_file", settings.credsFile());
            options.authHandler(Nats.credentials(settings.credsFile().toString()));
        } else if (settings.nkeyFile() != null) {
            FederationSettings.checkSecretFile("nats_nkey_file", settings.nkeyFile());
            options.authHandler(Nats.credentials(null, settings.nkeyFile().toString()));
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
        if (c.getStatus() == Connection.Status.CLOSED) {
            // jnats gives up at once on what retrying cannot mend, such as refused credentials.
            String why = c.getLastError();
            throw new IllegalArgumentException("NATS " + settings.servers() + " refused the connection"
                    + (why == null || why.isBlank() ? "" : ": " + why.strip()));
        }
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
        switching = true;
        try {
            JetStreamManagement jsm = c.jetStreamManagement();
            StreamInfo info = stream(jsm);
            String streamEpoch = epochOf(info);
            long last = info.getStreamState().getLastSequence();
            if (!streamEpoch.equals(epoch)) {
                if (epoch != null) {
                    LOG.warn("stream {} was re-created (epoch {} -> {}): offsets start again", settings.stream(), epoch,
                            streamEpoch);
                }
                // Nothing of the old epoch carries over: read from what comes next.
                generation++;
                while (handing) {
                    Thread.onSpinWait();
                }
                if (epoch != null) {
                    sink.epochChanged();
                }
                epoch = streamEpoch;
                lastDelivered = last;
                decidedUpTo = last;
                reading = ChefFilter.NONE;
            }
            resubscribe(wanted, last);
            ready = true;
            LOG.info("hub {} federates through NATS {} (stream {}, epoch {}, reading {} after offset {})", hubName,
                    c.getConnectedUrl(), settings.stream(), epoch, reading, last);
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
        } finally {
            switching = false;
        }
    }

    /**
     * Tells what this hub's eaters want now (the union of their chef filters, those waiting
     * to join included), and makes the subscription read that.
     *
     * @return done once the reading covers {@code union} (at once when it does already, or
     *         when NATS is away: the hub then serves its eaters directly)
     */
    public CompletableFuture<Void> want(ChefFilter union) {
        wanted = union;
        ChefFilter target = union.readable();
        // A switch under way may have read an older wish: then wait for the task below,
        // which runs after it and reads this one.
        boolean settled = !switching;
        if (settled && !ready) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> covered = settled && reading.covers(target) ? CompletableFuture.completedFuture(null)
                : new CompletableFuture<>();
        if (settled && reading.equals(target)) {
            return covered;
        }
        try {
            setUp.execute(() -> {
                switching = true;
                try {
                    Connection c = connection;
                    // The latest wish, which includes this one's eaters while they wait.
                    if (ready && c != null && !reading.equals(wanted.readable())) {
                        resubscribe(wanted, c.jetStreamManagement().getStreamInfo(settings.stream()).getStreamState()
                                .getLastSequence());
                    }
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    LOG.warn("hub {} cannot change what it reads from NATS: {}; setting up again", hubName, e.toString());
                    ready = false;
                    scheduleSetUp();
                } finally {
                    switching = false;
                    covered.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            covered.complete(null); // closing
        }
        return covered;
    }

    /**
     * Makes the stream subscription read {@code want} (as far as one subscription can), on
     * the set-up thread. Why no eater loses or gets twice a dumpling at the switch:
     * <ol>
     * <li>The generation goes up first, then the dispatcher is waited for if it is handing a
     * message on (both volatile, Dekker): from then on nothing of the old subscription is
     * handed on, and {@code L = lastDelivered} is final for it. The old reading had handed
     * on everything it covers up to {@code L}, in order.</li>
     * <li>The new subscription starts at {@code L + 1}: what the old reading covers after
     * {@code L} comes from the new one, once. Every eater here wants only what the old reading
     * covered (eaters needing more wait for the switch to end), and what it covers the new
     * reading covers too, or no remaining eater wants it.</li>
     * <li>A message up to the stream's last sequence {@code S} at the switch that the old
     * reading did not cover is passed over: it was published before any eater wanting it was
     * let in. {@link #lastOffset()} is at least {@code S} from now on, so a history replay for
     * an eater let in after the switch reads up to {@code S}, and its live dumplings start
     * after what it replayed.</li>
     * <li>When the old reading and the new one have nothing in common (no eater before), the
     * new one starts after {@code S} at once.</li>
     * </ol>
     */
    private void resubscribe(ChefFilter want, long streamLast) throws IOException, JetStreamApiException {
        ChefFilter target = want.readable();
        Connection c = connection;
        int gen = ++generation;
        while (handing) {
            Thread.onSpinWait();
        }
        ChefFilter before = reading;
        long from;
        if (before.intersects(target)) {
            from = lastDelivered + 1;
            readBefore = before;
            switchedAt = streamLast;
        } else {
            lastDelivered = Math.max(lastDelivered, streamLast);
            from = lastDelivered + 1;
            readBefore = ChefFilter.NONE;
            switchedAt = 0;
        }
        decidedUpTo = Math.max(decidedUpTo, streamLast);
        JetStreamSubscription previous = subscription;
        subscription = null;
        if (previous != null) {
            try {
                dumplingDispatcher.unsubscribe(previous);
            } catch (RuntimeException e) {
                LOG.debug("dropping the previous stream subscription", e);
            }
        }
        if (!target.isNone()) {
            if (dumplingDispatcher == null) {
                dumplingDispatcher = c.createDispatcher();
            }
            String filter = target.isAll() ? subjects.allDumplings() : subjects.dumplingsOf(target.tokens().iterator().next());
            PushSubscribeOptions options = PushSubscribeOptions.builder().stream(settings.stream()).ordered(true)
                    .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence)
                            .startSequence(from).build())
                    .build();
            subscription = c.jetStream().subscribe(filter, dumplingDispatcher, m -> dumplingArrived(gen, m), false,
                    options);
        }
        reading = target;
        LOG.debug("hub {} reads {} from the stream from offset {}", hubName, target, from);
    }

    private StreamInfo stream(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        StorageType storage = settings.memoryStorage() ? StorageType.Memory : StorageType.File;
        StreamConfiguration wanted = StreamConfiguration.builder().name(settings.stream())
                .subjects(subjects.allDumplings()).storageType(storage).discardPolicy(DiscardPolicy.Old)
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
        if (have.getStorageType() != storage && !storageWarned) {
            // JetStream cannot move a stream to other storage: it keeps its own.
            storageWarned = true;
            LOG.warn("stream {} keeps its {} storage; nats_storage={} applies to a stream made anew (remove it, e.g. "
                    + "`nats stream rm {}`, to change)", settings.stream(), have.getStorageType(), settings.storage(),
                    settings.stream());
        }
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

    private void dumplingArrived(int gen, Message message) {
        handing = true;
        try {
            if (gen != generation) {
                return; // an old subscription's: the current one hands it on, if wanted
            }
            received.increment();
            long seq = message.metaData().streamSequence();
            // After a re-subscription the old one may still hand on what the new one repeats.
            if (seq <= lastDelivered) {
                return;
            }
            lastDelivered = seq;
            String chef = Subjects.chefToken(message.getSubject());
            if (seq <= switchedAt && !readBefore.accepts(chef)) {
                return; // from before the switch, when no eater here wanted it
            }
            delivered.increment();
            sink.deliver(ByteBuffer.wrap(Offsets.stamp(message.getData(), seq, epoch)), seq, chef);
        } finally {
            handing = false;
        }
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
        return Math.max(lastDelivered, decidedUpTo);
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
                if (!each.accept(seq, ByteBuffer.wrap(Offsets.stamp(m.getData(), seq, replayEpoch)),
                        Subjects.chefToken(m.getSubject()))) {
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

    /** @return messages the stream subscriptions brought to this hub, wanted here or not */
    public long received() {
        return received.sum();
    }

    /** @return dumplings read from the stream and handed to this hub's eaters */
    public long delivered() {
        return delivered.sum();
    }

    /** @return what this hub reads from the stream now */
    public ChefFilter reading() {
        return reading;
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
     * @return how often the NATS connection was lost and made again since the hub started
     *         (each time, this hub's kitchens' dumplings meanwhile were {@link #notFederated})
     */
    public long reconnects() {
        Connection c = connection;
        return c == null ? 0 : c.getStatistics().getReconnects();
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
            JetStreamSubscription sub = subscription;
            while (sub != null && System.nanoTime() < deadline) {
                // What the server has sent this hub's reading, and whether more is waiting.
                io.nats.client.api.ConsumerInfo info = sub.getConsumerInfo();
                if (info.getNumPending() == 0 && lastDelivered >= info.getDelivered().getStreamSequence()) {
                    return;
                }
                Thread.sleep(5);
                sub = subscription;
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
        LOG.info("hub {} left the federation: {} dumplings published, {} received from the stream, {} served locally only, "
                + "{} reconnections to NATS", hubName, published.sum(), delivered.sum(), notFederated.sum(), reconnects());
    }
}
