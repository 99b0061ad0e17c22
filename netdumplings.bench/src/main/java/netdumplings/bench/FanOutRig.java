package netdumplings.bench;

import java.io.IOException;
import java.time.Duration;

import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;

/**
 * A real {@link HubServer} in this JVM with a {@link LoadKitchen} and an
 * {@link EaterSwarm} connected over loopback: the JMH fan-out benchmark's fixture.
 */
public final class FanOutRig implements AutoCloseable {

    private final HubServer hub;
    private final EaterSwarm swarm;
    private final LoadKitchen kitchen;
    private final int eaters;

    /** Starts the hub on ephemeral ports and connects {@code eaters} eaters and a kitchen. */
    public FanOutRig(int eaters) throws IOException, InterruptedException {
        this.eaters = eaters;
        hub = new HubServer(HubSettings.ephemeral().withAddress("127.0.0.1").withStatusInterval(Duration.ofHours(1)));
        hub.start();
        try {
            swarm = new EaterSwarm("127.0.0.1", hub.eaterPort(), eaters);
            kitchen = new LoadKitchen("127.0.0.1", hub.kitchenPort());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (hub.statistics().eaterCount() < eaters) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the hub did not count " + eaters + " eaters within 30 s");
                }
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    /**
     * Publishes {@code dumplings} as fast as possible and waits until every eater got them.
     *
     * @return deliveries counted
     * @throws IllegalStateException if some did not arrive (dropped, or too slow)
     */
    public long publishAndAwait(int dumplings, Duration limit) throws IOException, InterruptedException {
        long before = swarm.received();
        long target = before + (long) dumplings * eaters;
        kitchen.publish(dumplings, 0);
        long got = swarm.awaitReceived(target, limit.toMillis(), limit.toMillis());
        if (got < target) {
            throw new IllegalStateException((target - got) + " deliveries missing; hub drops: "
                    + hub.statistics().eaterDrops());
        }
        return got - before;
    }

    @Override
    public void close() throws IOException {
        try {
            kitchen.close();
            swarm.close();
        } finally {
            hub.close();
        }
    }
}
