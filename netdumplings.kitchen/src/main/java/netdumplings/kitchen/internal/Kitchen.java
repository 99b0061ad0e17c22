package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.api.DumplingChef;
import netdumplings.api.KitchenHello;
import netdumplings.api.NetDumplingsException;
import netdumplings.api.json.DumplingJson;
import netdumplings.kitchen.internal.capture.CaptureException;
import netdumplings.kitchen.internal.capture.CaptureSource;
import netdumplings.kitchen.internal.capture.LiveCapture;
import netdumplings.kitchen.internal.capture.ReplayPacing;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.kitchen.internal.dispatch.ChefWorker;
import netdumplings.kitchen.internal.dispatch.DumplingSink;
import netdumplings.kitchen.internal.dispatch.PacketBatch;
import netdumplings.kitchen.internal.packet.CapturedPacket;
import netdumplings.kitchen.internal.uplink.HubSender;

/**
 * The kitchen engine, plain Java (usable without OSGi): captures packets live or from a
 * capture file on a thread of its own, hands them in batches to every chef's
 * {@link ChefWorker}, and passes the encoded dumplings to a sink (the {@link HubSender}
 * when built with {@link Builder#hub(String)}).
 * <p>
 * Life cycle: {@link #builder()} ... {@link Builder#build()}, {@link #start()} (opens the
 * capture, throwing a {@link NetDumplingsException} with a one-line message if it cannot),
 * chefs added and removed at any time with {@link #addChef} / {@link #removeChef},
 * {@link #awaitCaptureEnd(Duration)} for capture files, and {@link #close()}.
 */
public final class Kitchen implements AutoCloseable {

    /** Default packets per batch handed to the chefs. */
    public static final int DEFAULT_BATCH_SIZE = 256;
    /** Default batches queued per chef before batches are dropped for it (or waited on). */
    public static final int DEFAULT_CHEF_QUEUE_BATCHES = 256;
    /**
     * Default longest wait of a file replay for a chef with a full queue to take a batch,
     * before dropping for that chef: long enough for a healthy chef descheduled or slowed
     * by JIT compilation at start-up, short enough that a stuck chef costs one pause.
     */
    public static final Duration DEFAULT_REPLAY_CHEF_WAIT = Duration.ofSeconds(1);
    /** libpcap's name for "every interface"; the original calls it {@code all}. */
    static final String ANY_INTERFACE = "any";
    /** A batch of a live capture is handed on after at most this long. */
    private static final long MAX_BATCH_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** libpcap read timeout of live captures: bounds latency and the reaction to close(). */
    private static final int LIVE_READ_TIMEOUT_MILLIS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Kitchen.class);

    private final String name;
    private final Path pcapFile;
    private final String liveInterface;
    private final String filter;
    private final double speed;
    private final long maxGapNanos;
    private final int loop;
    private final Duration pokeInterval;
    private final int snaplen;
    private final boolean promiscuous;
    private final int batchSize;
    private final int chefQueueBatches;
    /**
     * How long a full chef queue or hub buffer is waited on: a replayed file can wait for a
     * busy chef or a slower hub, the wire cannot (0 for a live capture).
     */
    private final long waitNanos;
    private final DumplingSink sink;
    private final HubSender hubSender;
    private final Consumer<String> onFailure;

    private final Object lock = new Object();
    /** Copy-on-write: the capture thread reads it once per batch. */
    private volatile ChefWorker[] workers = new ChefWorker[0];
    private boolean started;
    private boolean captureEnded;
    private volatile boolean stopping;
    private volatile CaptureSource handle;
    /** Kernel drops of the capture closed last (a live capture counts from its open). */
    private volatile long closedKernelDrops;
    private Thread captureThread;
    private volatile String failure;
    private volatile long packetsCaptured;

    private Kitchen(Builder b) {
        this.name = b.name;
        this.pcapFile = b.pcapFile;
        this.liveInterface = b.liveInterface;
        this.filter = b.filter;
        this.speed = b.speed;
        this.maxGapNanos = b.maxGap == null ? Long.MAX_VALUE : b.maxGap.toNanos();
        this.loop = b.loop;
        this.pokeInterval = b.pokeInterval;
        this.snaplen = b.snaplen;
        this.promiscuous = b.promiscuous;
        this.batchSize = b.batchSize;
        this.chefQueueBatches = b.chefQueueBatches;
        this.waitNanos = b.pcapFile == null ? 0 : b.replayChefWait.toNanos();
        this.onFailure = b.onFailure;
        if (b.hub != null) {
            this.hubSender = new HubSender(b.hub, () -> DumplingJson.toJson(hello()), b.hubBufferCapacity, b.hubToken,
                    b.name);
            // See HubSender.accept(byte[], long).
            this.sink = b.sink == null ? json -> hubSender.accept(json, waitNanos) : json -> {
                hubSender.accept(json, waitNanos);
                b.sink.accept(json);
            };
        } else {
            this.hubSender = null;
            this.sink = b.sink == null ? json -> { } : b.sink;
        }
        for (DumplingChef chef : b.chefs) {
            addChef(chef);
        }
    }

    /** @return a builder with the original nd-sniff's defaults and no sink */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the kitchen's name */
    public String name() {
        return name;
    }

    /** @return the hello this kitchen sends to the hub: chefs are its chefs' class names */
    public KitchenHello hello() {
        List<String> chefs = new ArrayList<>();
        for (ChefWorker w : workers) {
            chefs.add(w.chef().getClass().getName());
        }
        chefs.sort(null);
        String iface = pcapFile != null ? pcapFile.toString()
                : ANY_INTERFACE.equals(liveInterface) ? "all" : liveInterface;
        return new KitchenHello(name, iface, filter, chefs, pokeInterval.toNanos() / 1e9);
    }

    /** @return the hub sender, if this kitchen was built with a hub */
    public Optional<HubSender> hubSender() {
        return Optional.ofNullable(hubSender);
    }

    /**
     * Opens the capture (file or interface, with the filter), starts every chef added so
     * far, then captures on a new thread.
     *
     * @throws NetDumplingsException with a one-line message if the capture cannot be
     *         opened: missing or unreadable file, bad filter, unknown interface, no
     *         permission ({@link CaptureOpenException#permissionDenied()} tells)
     * @throws IllegalStateException if already started, or closed
     */
    public void start() {
        Pcap4jSupport.ensureReady();
        CaptureSource first = open();
        synchronized (lock) {
            if (started || stopping) {
                first.close();
                throw new IllegalStateException("kitchen " + name + " is already "
                        + (started ? "started" : "closed"));
            }
            started = true;
            for (ChefWorker w : workers) {
                w.start();
            }
        }
        if (hubSender != null) {
            hubSender.start();
        }
        captureThread = new Thread(() -> capture(first), "nd-capture-" + name);
        captureThread.setDaemon(true);
        captureThread.start();
    }

    /**
     * Starts feeding a chef (at once if the kitchen runs, else at {@link #start()}),
     * without disturbing the capture. Its {@code start()} and first interval handler run
     * on its own thread.
     *
     * @param chef the chef; a chef already added is not added twice
     */
    public void addChef(DumplingChef chef) {
        requireNonNull(chef, "chef");
        synchronized (lock) {
            for (ChefWorker w : workers) {
                if (w.chef() == chef) {
                    return;
                }
            }
            ChefWorker worker = new ChefWorker(chef, name, pokeInterval, chefQueueBatches, sink);
            ChefWorker[] next = Arrays.copyOf(workers, workers.length + 1);
            next[next.length - 1] = worker;
            workers = next;
            if (started && !stopping) {
                helloChanged();
                worker.start();
                if (captureEnded) {
                    worker.captureEnded();
                }
            }
        }
    }

    /**
     * Stops feeding a chef and calls its {@code stop()}; capture goes on.
     *
     * @param chef the chef
     * @return whether it was fed by this kitchen
     */
    public boolean removeChef(DumplingChef chef) {
        requireNonNull(chef, "chef");
        ChefWorker removed = null;
        synchronized (lock) {
            List<ChefWorker> next = new ArrayList<>(Arrays.asList(workers));
            for (ChefWorker w : workers) {
                if (w.chef() == chef) {
                    removed = w;
                    next.remove(w);
                }
            }
            workers = next.toArray(new ChefWorker[0]);
            if (removed != null && !started) {
                return true;
            }
        }
        if (removed != null) {
            helloChanged();
            removed.stop();
        }
        return removed != null;
    }

    private void helloChanged() {
        if (hubSender != null) {
            hubSender.helloChanged();
        }
    }

    /** @return the chefs fed now */
    public List<DumplingChef> chefs() {
        List<DumplingChef> result = new ArrayList<>();
        for (ChefWorker w : workers) {
            result.add(w.chef());
        }
        return result;
    }

    /**
     * Waits until a capture file has been read to its end (every loop) and every chef has
     * handled its last packet and run its final interval handler.
     *
     * @param timeout how long to wait at most
     * @return whether that happened in time (never, for a live capture or endless loop)
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitCaptureEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread t = captureThread;
        if (t == null) {
            return false;
        }
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (t.isAlive() || !captureEnded) {
            return false;
        }
        for (ChefWorker w : workers) {
            if (!w.awaitEndHandled(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the capture as {@link #start()} would and closes it again, to check this
     * kitchen's source and filter without capturing.
     *
     * @throws NetDumplingsException like {@link #start()}
     */
    public void checkCapture() {
        Pcap4jSupport.ensureReady();
        open().close();
    }

    /**
     * Stops or resumes feeding packets to the chefs of a name (or class name); a disabled
     * chef keeps its thread, interval handler and statistics.
     *
     * @param chef    the chef's name or class name
     * @param enabled whether to feed it
     * @return whether this kitchen has such a chef
     */
    public boolean chefEnabled(String chef, boolean enabled) {
        requireNonNull(chef, "chef");
        boolean found = false;
        for (ChefWorker w : workers) {
            if (w.chefName().equals(chef) || w.chef().getClass().getName().equals(chef)) {
                w.enabled(enabled);
                found = true;
            }
        }
        return found;
    }

    /** @return whether capture runs now (started, not closed, not at the end of its file) */
    public boolean capturing() {
        Thread t = captureThread;
        return t != null && t.isAlive() && !stopping;
    }

    /** @return packets the kernel dropped before the capture read them (live capture; 0 for a file) */
    public long kernelDrops() {
        CaptureSource h = handle;
        return h == null ? closedKernelDrops : Math.max(closedKernelDrops, h.kernelDrops());
    }

    /**
     * @return how much of the capture file the current pass has read, from 0 to 1; empty
     *         for a live capture, or when no file is open
     */
    public java.util.OptionalDouble replayProgress() {
        CaptureSource h = handle;
        double progress = h == null ? Double.NaN : h.progress();
        return Double.isNaN(progress) ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(progress);
    }

    /** @return packets captured so far (updated once per batch) */
    public long packetsCaptured() {
        return packetsCaptured;
    }

    /** @return per-chef statistics, in the order the chefs were added */
    public List<ChefStatistics> statistics() {
        List<ChefStatistics> result = new ArrayList<>();
        for (ChefWorker w : workers) {
            result.add(w.statistics());
        }
        return result;
    }

    /** @return each chef with its statistics, in the order they were added (one snapshot of both) */
    public List<Map.Entry<DumplingChef, ChefStatistics>> chefStatistics() {
        List<Map.Entry<DumplingChef, ChefStatistics>> result = new ArrayList<>();
        for (ChefWorker w : workers) {
            result.add(Map.entry(w.chef(), w.statistics()));
        }
        return result;
    }


    /** @return why capture stopped early, if it did */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops capturing, stops every chef (calling its {@code stop()}), and the hub sender. */
    @Override
    public void close() {
        stopping = true;
        CaptureSource h = handle;
        if (h != null) {
            h.breakLoop(); // a no-op once the capture thread closed it
        }
        Thread t = captureThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ChefWorker[] stopped;
        synchronized (lock) {
            stopped = workers;
        }
        for (ChefWorker w : stopped) {
            if (started) {
                w.stop();
                ChefStatistics s = w.statistics();
                // Named and formatted figures: an operator reads this line, not a record's toString().
                LOG.info("kitchen {}: chef {} stopped: {} packets handled, {} dumplings made, {} errors, "
                        + "{} invalid payloads, {} packets dropped, mean handler time {}", name, s.chef(),
                        s.packets(), s.dumplings(), s.errors(), s.invalidPayloads(), s.droppedPackets(),
                        meanHandlerTime(s));
            }
        }
        if (hubSender != null) {
            hubSender.close();
        }
    }

    /** The mean time per packet in the chef's packet handler, e.g. "2.35 us", or "-" before the first packet. */
    static String meanHandlerTime(ChefStatistics s) {
        return s.packets() == 0 ? "-"
                : String.format(java.util.Locale.ROOT, "%.2f us", s.handlerNanos() / 1000.0 / s.packets());
    }

    // Capture thread

    private CaptureSource open() {
        try {
            if (pcapFile != null) {
                return CaptureSource.openFile(pcapFile, filter);
            }
            // Not immediate mode: on Linux it makes libpcap fall back from TPACKET_V3 to V2,
            // whose ring has one snaplen-sized slot per packet (32 MiB = ~500 packets of
            // 65535 bytes), and the kernel dropped packets at 10,000/s (bin/nd-bench live).
            // With V3 packets are packed and the read timeout bounds their wait.
            return CaptureSource.openLive(new LiveCapture.Settings(liveInterface, filter, snaplen, promiscuous, false,
                    LiveCapture.Settings.DEFAULT_BUFFER_BYTES, LIVE_READ_TIMEOUT_MILLIS));
        } catch (CaptureException e) {
            throw new CaptureOpenException(e.getMessage(), e.permissionDenied());
        }
    }

    private void capture(CaptureSource first) {
        Capture capture = new Capture();
        try {
            if (pcapFile == null) {
                capture.live(first);
            } else {
                CaptureSource h = first;
                for (int pass = 1; !stopping; pass++) {
                    capture.replay(h);
                    handle = null;
                    h.close();
                    if (stopping || (loop > 0 && pass >= loop)) {
                        break;
                    }
                    h = open();
                }
            }
        } catch (NetDumplingsException e) {
            if (!stopping) {
                fail(e.getMessage());
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.error("kitchen {}: capture failed", name, e);
                fail(String.valueOf(e));
            }
        } finally {
            CaptureSource h = handle;
            if (h != null) {
                handle = null;
                closedKernelDrops = h.kernelDrops();
                h.close();
            }
            capture.flush();
            ChefWorker[] toSignal;
            synchronized (lock) {
                captureEnded = true;
                toSignal = workers;
            }
            for (ChefWorker w : toSignal) {
                w.captureEnded();
            }
        }
    }

    private void fail(String message) {
        failure = message;
        LOG.error("kitchen {}: {}", name, message);
        if (onFailure != null) {
            onFailure.accept(message);
        }
    }

    /** The capture thread's state: the batch being filled and replay pacing. */
    private final class Capture implements CaptureSource.Receiver {
        private CapturedPacket[] batch = new CapturedPacket[batchSize];
        private int size;
        private long batchStart;
        private long captured;
        private CaptureSource current;
        private boolean live;
        private final ReplayPacing pacing = speed > 0 ? new ReplayPacing(speed, maxGapNanos) : null;
        private final BooleanSupplier closing = () -> stopping;

        void replay(CaptureSource h) {
            begin(h, false);
            try {
                while (!stopping && h.read(this)) {
                    // A file is read to its end (or breakLoop() from close()) in one read.
                }
            } finally {
                flush(); // every whole packet before a read error reaches the chefs
            }
        }

        void live(CaptureSource h) {
            begin(h, true);
            // read() returns after each read timeout or a bounded number of packets, so an
            // idle capture still hands on its partial batch.
            while (!stopping && h.read(this)) {
                flush();
            }
            flush();
        }

        private void begin(CaptureSource h, boolean isLive) {
            current = h;
            handle = h;
            live = isLive;
            if (pacing != null) {
                pacing.restart();
            }
        }

        @Override
        public void packet(long epochSecond, int nanos, int originalLength, byte[] data, int dlt) {
            CapturedPacket packet = new CapturedPacket(epochSecond, nanos, originalLength, data, dlt);
            captured++;
            if (!live && speed > 0) {
                pace(packet);
            }
            if (size == 0 && live) {
                batchStart = System.nanoTime();
            }
            batch[size++] = packet;
            if (size == batch.length || live && System.nanoTime() - batchStart > MAX_BATCH_AGE_NANOS) {
                handOn();
            }
            if (stopping) {
                current.breakLoop();
            }
        }

        /** Sleeps until the packet is due ({@link ReplayPacing}: the recorded gap over the speed). */
        private void pace(CapturedPacket packet) {
            long due = pacing.due(packet.epochNanos(), System.nanoTime());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                flush(); // chefs get what came before the gap now, not after it
                while (wait > 0 && !stopping) {
                    LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                    wait = due - System.nanoTime();
                }
            }
        }

        /**
         * Hands on the batch being filled (if any) and wakes every chef that has batches it
         * was not woken for: the capture's flush points (end of a live buffer or read
         * timeout, a replay pause, the end) bound how long a batch waits.
         */
        void flush() {
            handOn();
            for (ChefWorker w : workers) {
                w.nudge();
            }
        }

        /** Hands on the batch being filled, if any, to every chef. */
        private void handOn() {
            if (size == 0) {
                return;
            }
            PacketBatch full = new PacketBatch(batch, size);
            batch = new CapturedPacket[batchSize];
            size = 0;
            for (ChefWorker w : workers) {
                w.offer(full, waitNanos, closing);
            }
            packetsCaptured = captured;
        }
    }

    /** Opening the capture failed; the message is one line meant for the user. */
    public static final class CaptureOpenException extends NetDumplingsException {
        private static final long serialVersionUID = 1L;
        private final boolean permissionDenied;

        CaptureOpenException(String message, boolean permissionDenied) {
            super(message);
            this.permissionDenied = permissionDenied;
        }

        /** @return whether a live capture failed for lack of permission */
        public boolean permissionDenied() {
            return permissionDenied;
        }
    }

    /** Builds a {@link Kitchen}; every setting has the original nd-sniff's default. */
    public static final class Builder {
        private String name = "default_kitchen";
        private Path pcapFile;
        private String liveInterface = ANY_INTERFACE;
        private String filter = "tcp or udp or arp";
        private double speed = 1.0;
        private Duration maxGap;
        private int loop = 1;
        private Duration pokeInterval = Duration.ofSeconds(5);
        private int snaplen = 65535;
        private boolean promiscuous;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int chefQueueBatches = DEFAULT_CHEF_QUEUE_BATCHES;
        private Duration replayChefWait = DEFAULT_REPLAY_CHEF_WAIT;
        private DumplingSink sink;
        private String hub;
        private int hubBufferCapacity = HubSender.DEFAULT_CAPACITY;
        private String hubToken;
        private Consumer<String> onFailure;
        private final List<DumplingChef> chefs = new ArrayList<>();

        private Builder() {
        }

        /** @param name the kitchen's name (default {@code default_kitchen}) */
        public Builder name(String name) {
            this.name = requireNonNull(name, "name");
            return this;
        }

        /** @param file a pcap or pcapng file to replay instead of capturing live (default: live) */
        public Builder pcapFile(Path file) {
            this.pcapFile = file;
            return this;
        }

        /** @param iface the interface to capture on; {@code all} or {@code any} for all (default) */
        public Builder liveInterface(String iface) {
            requireNonNull(iface, "iface");
            this.liveInterface = "all".equals(iface) || iface.isEmpty() ? ANY_INTERFACE : iface;
            return this;
        }

        /** @param filter a BPF filter, also applied to files; empty for none (default {@code tcp or udp or arp}) */
        public Builder filter(String filter) {
            this.filter = requireNonNull(filter, "filter").trim();
            return this;
        }

        /** @param speed replay speed: 1 as recorded (default), N times faster, 0 as fast as possible */
        public Builder speed(double speed) {
            if (!(speed >= 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be 0 or positive, not " + speed);
            }
            this.speed = speed;
            return this;
        }

        /**
         * @param gap the longest recorded gap between two packets honoured when replaying
         *            (before dividing by the speed); null for no limit (default)
         */
        public Builder maxGap(Duration gap) {
            if (gap != null && gap.isNegative()) {
                throw new IllegalArgumentException("max gap must not be negative, not " + gap);
            }
            this.maxGap = gap;
            return this;
        }

        /** @param loop times to replay the file, 0 for ever (default 1) */
        public Builder loop(int loop) {
            if (loop < 0) {
                throw new IllegalArgumentException("loop must be 0 or positive, not " + loop);
            }
            this.loop = loop;
            return this;
        }

        /** @param interval time between interval handler calls (default 5 s) */
        public Builder pokeInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poke interval must be positive, not " + interval);
            }
            this.pokeInterval = interval;
            return this;
        }

        /** @param snaplen bytes captured per packet, live (default 65535) */
        public Builder snaplen(int snaplen) {
            if (snaplen < 64) {
                throw new IllegalArgumentException("snaplen must be at least 64, not " + snaplen);
            }
            this.snaplen = snaplen;
            return this;
        }

        /** @param promiscuous whether to capture live in promiscuous mode (default false) */
        public Builder promiscuous(boolean promiscuous) {
            this.promiscuous = promiscuous;
            return this;
        }

        /** @param size packets per batch handed to chefs (default 256) */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be positive, not " + size);
            }
            this.batchSize = size;
            return this;
        }

        /** @param batches batches queued per chef before dropping for it (default 256) */
        public Builder chefQueueBatches(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("chef queue must hold at least 1 batch");
            }
            this.chefQueueBatches = batches;
            return this;
        }

        /**
         * @param wait how long a file replay waits at most for a chef whose queue is full to
         *             take a batch, before dropping for it (counted) until it catches up;
         *             zero drops at once, as a live capture always does (default
         *             {@link #DEFAULT_REPLAY_CHEF_WAIT})
         */
        public Builder replayChefWait(Duration wait) {
            if (requireNonNull(wait, "wait").isNegative()) {
                throw new IllegalArgumentException("replay chef wait must not be negative, not " + wait);
            }
            this.replayChefWait = wait;
            return this;
        }

        /** @param sink receives every encoded dumpling, on chef threads (default: none) */
        public Builder sink(DumplingSink sink) {
            this.sink = sink;
            return this;
        }

        /** @param hub {@code host:port} of the hub to send dumplings to (default: none) */
        public Builder hub(String hub) {
            this.hub = hub;
            return this;
        }

        /** @param token the hub's kitchen token, sent as {@code Authorization: Bearer} (default: none) */
        public Builder hubToken(String token) {
            this.hubToken = token;
            return this;
        }

        /** @param capacity dumplings buffered for the hub (default 100,000) */
        public Builder hubBufferCapacity(int capacity) {
            this.hubBufferCapacity = capacity;
            return this;
        }

        /** @param onFailure told, on the capture thread, when capture fails after start */
        public Builder onFailure(Consumer<String> onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** @param chef a chef to feed from the start */
        public Builder chef(DumplingChef chef) {
            chefs.add(requireNonNull(chef, "chef"));
            return this;
        }

        /** @return the kitchen, not started */
        public Kitchen build() {
            return new Kitchen(this);
        }
    }
}
