package netdumplings.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * This JVM's stop-the-world collection pauses, counted as each ends (the collectors' JMX
 * notifications): how many, their total and the longest, since the last {@link #takeWindow()}. A
 * paced window's p99 is read beside them: one pause of 30 ms in a 3 s window delays about
 * 1% of its dumplings by up to that much, the p99 itself. ZGC's and Shenandoah's
 * "Cycles" collectors are left out: their time is concurrent, not a pause. JMX gives
 * whole milliseconds, so a pause under 1 ms reads as 0.
 */
final class GcPauses {

    /** Pauses in one window. @param longestMillis 0 without any */
    record Window(long count, long totalMillis, long longestMillis) {

        @Override
        public String toString() {
            return count == 0 ? "none" : String.format("%d (%d ms in all, longest %d ms)", count, totalMillis, longestMillis);
        }

        /** @return the form {@link HubMain} prints: {@code <count> <total> <longest>} */
        String toWords() {
            return count + " " + totalMillis + " " + longestMillis;
        }

        static Window ofWords(String count, String total, String longest) {
            return new Window(Long.parseLong(count), Long.parseLong(total), Long.parseLong(longest));
        }
    }

    private static final GcPauses THIS_JVM = new GcPauses();

    private long count;
    private long totalMillis;
    private long longestMillis;

    private GcPauses() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().endsWith("Cycles") || !(gc instanceof NotificationEmitter emitter)) {
                continue;
            }
            emitter.addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    record(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                            .getGcInfo().getDuration());
                }
            }, null, null);
        }
    }

    /** @return this JVM's pauses, counted from the first call on */
    static GcPauses ofThisJvm() {
        return THIS_JVM;
    }

    private synchronized void record(long millis) {
        count++;
        totalMillis += millis;
        longestMillis = Math.max(longestMillis, millis);
    }

    /** @return the pauses since the last call (or since counting started), and starts anew */
    synchronized Window takeWindow() {
        Window w = new Window(count, totalMillis, longestMillis);
        count = 0;
        totalMillis = 0;
        longestMillis = 0;
        return w;
    }
}
