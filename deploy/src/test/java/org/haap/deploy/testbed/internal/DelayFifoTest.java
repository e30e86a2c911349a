package org.haap.deploy.testbed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DelayFifoTest {

    @Test
    void releasesEverythingDueAndReportsTheLastId() {
        DelayFifo f = new DelayFifo();
        assertTrue(f.add(1, 100));
        f.add(2, 110);
        f.add(3, 120);
        assertEquals(-1, f.pollExpired(99));
        assertEquals(2, f.pollExpired(115));
        assertEquals(120, f.nextDeadline());
        assertEquals(3, f.pollExpired(1000));
        assertEquals(0, f.size());
        assertTrue(f.add(4, 2000), "empty again");
    }

    @Test
    void growsAndKeepsOrderAcrossTheWrap() {
        DelayFifo f = new DelayFifo();
        for (int i = 0; i < 500; i++) {
            f.add(i, i);
        }
        assertEquals(499, f.pollExpired(499));
        for (int i = 0; i < 5000; i++) {
            f.add(10_000 + i, 10_000 + i);
        }
        assertEquals(5000, f.size());
        assertEquals(12_000, f.pollExpired(12_000));
        assertEquals(12_001, f.nextDeadline());
    }

    @Test
    void idsAboveTwoToThe31AreUnsigned() {
        DelayFifo f = new DelayFifo();
        f.add(0xfffffffe, 1);
        assertEquals(0xfffffffeL, f.pollExpired(1));
    }

    @Test
    void deadlinesCompareAcrossNanoTimeOverflow() {
        DelayFifo f = new DelayFifo();
        f.add(1, Long.MAX_VALUE - 5);
        assertEquals(-1, f.pollExpired(Long.MAX_VALUE - 10));
        assertEquals(1, f.pollExpired(Long.MIN_VALUE + 5), "now wrapped past the deadline");
    }
}
