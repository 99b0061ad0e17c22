package netdumplings.kitchen.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;

/** A test chef that keeps every packet and counts interval calls. */
public class RecordingChef implements DumplingChef {
    final List<SniffedPacket> packets = new CopyOnWriteArrayList<>();
    final AtomicInteger intervals = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    private final String name;

    public RecordingChef(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(ChefContext context) {
        starts.incrementAndGet();
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        packets.add(packet);
        return null;
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        return "interval " + intervals.incrementAndGet();
    }

    @Override
    public void stop() {
        stops.incrementAndGet();
    }
}
