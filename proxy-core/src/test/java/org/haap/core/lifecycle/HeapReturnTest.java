package org.haap.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.haap.core.lifecycle.HeapReturn.Look;
import org.junit.jupiter.api.Test;

class HeapReturnTest {

    private static final long MIB = 1 << 20;
    private static final long INITIAL = 8 * MIB;

    @Test
    void collectsAQuietGrownHeapAfterABurst() {
        Look burst = new Look(900 * MIB, 60 * MIB);
        Look quiet = new Look(900 * MIB + 100_000, 60 * MIB);
        assertTrue(HeapReturn.worthCollecting(burst, quiet, null, INITIAL));
        Look ownBefore = new Look(100 * MIB, 10 * MIB);
        assertTrue(HeapReturn.worthCollecting(burst, quiet, ownBefore, INITIAL), "the burst allocated since");
    }

    @Test
    void leavesABusyProcessAlone() {
        Look before = new Look(900 * MIB, 60 * MIB);
        assertFalse(HeapReturn.worthCollecting(before, new Look(903 * MIB, 60 * MIB), null, INITIAL),
                "3 MiB allocated during the tick");
    }

    @Test
    void leavesASmallHeapAlone() {
        Look before = new Look(900 * MIB, 10 * MIB);
        assertFalse(HeapReturn.worthCollecting(before, before, null, INITIAL), "10 MiB is not above 1.25 x 8 MiB");
        assertTrue(HeapReturn.worthCollecting(before, new Look(900 * MIB, 11 * MIB), null, INITIAL));
    }

    @Test
    void doesNotCollectAnIdleProcessAgainAndAgain() {
        Look own = new Look(900 * MIB, 45 * MIB); // 8,000 idle sessions are live: the heap stayed large
        Look later = new Look(900 * MIB + 500_000, 45 * MIB);
        assertFalse(HeapReturn.worthCollecting(own, later, own, INITIAL));
        Look afterClose = new Look(903 * MIB, 45 * MIB); // the sessions closed: their teardown allocated
        assertTrue(HeapReturn.worthCollecting(afterClose, afterClose, own, INITIAL));
    }

    @Test
    void thisJvmCountsAllocations() {
        // HeapReturn.start does nothing without it
        assertTrue(java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported());
    }
}
