package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SessionLimiterTest {

    private static final InetAddress A = InetAddress.getLoopbackAddress();
    private static final InetAddress B;

    static {
        try {
            B = InetAddress.getByName("192.0.2.7");
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void capsPerClientAndInTotalAndGivesSlotsBack() {
        SessionLimiter<InetAddress> l = new SessionLimiter<InetAddress>(3, 2);
        assertTrue(l.tryAcquire(A));
        assertTrue(l.tryAcquire(A));
        assertFalse(l.tryAcquire(A), "a third for one client");
        assertEquals(2, l.held(A));
        assertEquals(2, l.total(), "a refused slot is not held");
        assertTrue(l.tryAcquire(B));
        assertFalse(l.tryAcquire(B), "the total cap");
        assertEquals(1, l.held(B));
        assertEquals(3, l.total());
        l.release(A);
        assertEquals(1, l.held(A));
        assertTrue(l.tryAcquire(B), "the released slot");
        l.release(B);
        l.release(B);
        assertEquals(0, l.held(B));
        assertEquals(1, l.total());
    }

    @Test
    void noTotalCapAndZeroPerClient() {
        SessionLimiter<InetAddress> unbounded = new SessionLimiter<InetAddress>(Integer.MAX_VALUE, 1000);
        for (int i = 0; i < 1000; i++) {
            assertTrue(unbounded.tryAcquire(A));
        }
        assertFalse(unbounded.tryAcquire(A));
        assertEquals(1000, unbounded.total());
        SessionLimiter<InetAddress> none = new SessionLimiter<InetAddress>(10, 0);
        assertFalse(none.tryAcquire(A));
        assertEquals(0, none.total());
    }

    @Test
    void newLimitsApplyToLaterSessionsAndKeepTakenSlots() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        SessionLimiter<InetAddress> l = new SessionLimiter<InetAddress>(10, 3);
        assertTrue(l.tryAcquire(a));
        assertTrue(l.tryAcquire(a));
        l.setLimits(10, 1);
        assertEquals(2, l.held(a), "slots taken stay taken");
        assertFalse(l.tryAcquire(a));
        l.release(a);
        l.release(a);
        assertTrue(l.tryAcquire(a));
        assertFalse(l.tryAcquire(a));
        l.setLimits(1, 5);
        assertFalse(l.tryAcquire(InetAddress.getByName("192.0.2.2")), "total cap lowered to 1");
    }
}
