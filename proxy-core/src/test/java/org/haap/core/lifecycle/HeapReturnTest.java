package org.haap.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.haap.core.lifecycle.HeapReturn.Look;
import org.junit.jupiter.api.Test;

class HeapReturnTest {

    private static final long MIB = 1 << 20;
    private static final long INITIAL = 16 * MIB;

    @Test
    void collectsAQuietGrownHeapAfterABurst() {
        Look burst = new Look(40, 50 * MIB, 60 * MIB);
        Look quiet = new Look(40, 50 * MIB + 100_000, 60 * MIB);
        assertTrue(HeapReturn.worthCollecting(burst, quiet, null, INITIAL));
        Look ownBefore = new Look(10, 5 * MIB, 16 * MIB);
        assertTrue(HeapReturn.worthCollecting(burst, quiet, ownBefore, INITIAL), "a collection ran since the last own one");
    }

    @Test
    void leavesABusyProcessAlone() {
        Look before = new Look(40, 20 * MIB, 60 * MIB);
        assertFalse(HeapReturn.worthCollecting(before, new Look(41, 10 * MIB, 60 * MIB), null, INITIAL),
                "a collection ran during the tick");
        assertFalse(HeapReturn.worthCollecting(before, new Look(40, 23 * MIB, 60 * MIB), null, INITIAL),
                "3 MiB allocated during the tick");
    }

    @Test
    void leavesASmallHeapAlone() {
        Look before = new Look(40, 5 * MIB, 20 * MIB);
        assertFalse(HeapReturn.worthCollecting(before, before, null, INITIAL), "20 MiB is not above 1.25 x 16 MiB");
        assertTrue(HeapReturn.worthCollecting(before, new Look(40, 5 * MIB, 21 * MIB), null, INITIAL));
    }

    @Test
    void doesNotCollectAnIdleProcessAgainAndAgain() {
        Look own = new Look(41, 30 * MIB, 45 * MIB); // 8,000 idle sessions are live: the heap stayed large
        Look later = new Look(41, 30 * MIB + 500_000, 45 * MIB);
        assertFalse(HeapReturn.worthCollecting(own, later, own, INITIAL));
        Look afterClose = new Look(41, 33 * MIB, 45 * MIB); // the sessions closed: their teardown allocated
        assertTrue(HeapReturn.worthCollecting(afterClose, afterClose, own, INITIAL));
        Look afterYoung = new Look(42, 31 * MIB, 45 * MIB);
        assertTrue(HeapReturn.worthCollecting(afterYoung, afterYoung, own, INITIAL));
    }
}
