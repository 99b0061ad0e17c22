package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import netdumplings.kitchen.internal.dispatch.ChefStatistics;

/** The figures the kitchen logs when a chef stops are named and formatted, not a record's toString(). */
class ChefStatisticsLogTest {

    @Test
    void meanHandlerTimeIsPerPacketInMicroseconds() {
        // 10,000 ns over 4 packets: 2.5 us each.
        assertEquals("2.50 us", Kitchen.meanHandlerTime(new ChefStatistics("c", "x.C", 4, 0, 0, 0, 0, 10_000)));
        assertEquals("-", Kitchen.meanHandlerTime(new ChefStatistics("c", "x.C", 0, 0, 0, 0, 0, 0)));
    }
}
