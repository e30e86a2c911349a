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
}
