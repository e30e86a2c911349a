package org.haap.ap.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
    }

    @Test
    void burstThenRefillPerSource() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(3, 10, clock::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(l.tryAcquire(ip(1)));
        }
        assertFalse(l.tryAcquire(ip(1)));
        assertTrue(l.tryAcquire(ip(2)), "another source has its own bucket");
        clock.addAndGet(334_000_000L);
        assertTrue(l.tryAcquire(ip(1)), "one token after a third of a second");
        assertFalse(l.tryAcquire(ip(1)));
        clock.addAndGet(10_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(l.tryAcquire(ip(1)), "no more than the burst saved up");
        }
        assertFalse(l.tryAcquire(ip(1)));
    }

    @Test
    void trackedSourcesAreBounded() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 2, clock::get);
        assertTrue(l.tryAcquire(ip(1)));
        assertTrue(l.tryAcquire(ip(2)));
        assertFalse(l.tryAcquire(ip(3)), "full and nobody idle");
        clock.addAndGet(2_000_000_000L);
        assertTrue(l.tryAcquire(ip(3)), "idle sources forgotten");
        assertEquals(1, l.tracked());
    }

    @Test
    void theLeastRecentlyUsedIdleSourcesGoFirstAndOnlyAFewPerCall() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 10, clock::get);
        for (int i = 1; i <= 10; i++) {
            assertTrue(l.tryAcquire(ip(i)));
        }
        clock.addAndGet(1_000_000_000L);
        assertTrue(l.tryAcquire(ip(1)), "ip 1 used again: now the most recent");
        clock.addAndGet(1_000_000_000L); // 2..10 idle for 2 s, 1 for 1 s
        assertTrue(l.tryAcquire(ip(11)), "room made by forgetting idle sources");
        assertEquals(10 - SourceRateLimiter.EVICTIONS_PER_CALL + 1, l.tracked(),
                "a bounded number forgotten per call, not the whole table scanned");
        for (int i = 0; i < 10; i++) {
            l.tryAcquire(ip(11));
        }
        assertEquals(2, l.tracked(), "the other idle ones forgotten over later calls; 1 (used 1 s ago) and 11 stay");
    }

    @Test
    void aFullTableOfBusySourcesRefusesNewOnesWithoutForgettingAnyone() throws Exception {
        SourceRateLimiter l = new SourceRateLimiter(1, 3, clock::get);
        for (int i = 1; i <= 3; i++) {
            assertTrue(l.tryAcquire(ip(i)));
        }
        clock.addAndGet(1_900_000_000L);
        for (int i = 4; i < 100; i++) {
            assertFalse(l.tryAcquire(ip(i)));
        }
        assertEquals(3, l.tracked());
        assertTrue(l.tryAcquire(ip(1)), "a tracked source keeps its bucket (refilled after 1.9 s)");
    }
}
