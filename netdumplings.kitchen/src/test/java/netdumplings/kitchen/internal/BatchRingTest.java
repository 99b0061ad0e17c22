package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import netdumplings.kitchen.internal.dispatch.BatchRing;
import netdumplings.kitchen.internal.dispatch.PacketBatch;
import netdumplings.kitchen.internal.packet.CapturedPacket;

/** The chefs' lock-free hand-off: order, bound, and wrap-around. */
class BatchRingTest {

    private static PacketBatch batch() {
        return new PacketBatch(new CapturedPacket[1], 0);
    }

    @Test
    void keepsOrderRefusesWhenFullAndWrapsAround() {
        BatchRing ring = new BatchRing(3);
        PacketBatch[] offered = new PacketBatch[10];
        for (int i = 0; i < 3; i++) {
            offered[i] = batch();
            assertTrue(ring.offer(offered[i]));
        }
        assertFalse(ring.offer(batch()), "full: the capture thread drops instead of waiting");
        assertEquals(3, ring.size());
        assertSame(offered[0], ring.poll());
        offered[3] = batch();
        assertTrue(ring.offer(offered[3]), "room again after a poll");
        for (int i = 1; i <= 3; i++) {
            assertSame(offered[i], ring.poll());
        }
        assertNull(ring.poll());
        assertEquals(0, ring.size());
    }
}
