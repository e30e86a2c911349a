package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.ap.internal.PoolAdmission.Verdict;
import org.haap.core.convert.PoolHelloTlv;
import org.junit.jupiter.api.Test;

class PoolAdmissionTest {

    private static final ClientKey A = ClientKey.of(InetAddress.getLoopbackAddress(), 64);
    private static final byte[] COOKIE = "c1".getBytes(StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private int nonceCounter;

    private PoolHelloTlv hello(byte[] key, long timestamp) {
        byte[] nonce = new byte[16];
        nonce[0] = (byte) ++nonceCounter;
        nonce[1] = (byte) (nonceCounter >> 8);
        return PoolHelloTlv.sign(key, timestamp, nonce);
    }

    @Test
    void validHelloIsAcceptedUnderAnyConfiguredCookie() {
        PoolAdmission p = new PoolAdmission(List.of("other", "c1"), 4, clock::get);
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(1, p.pooled());
        assertEquals(1, p.pooled(A));
        p.release(A);
        assertEquals(0, p.pooled());
    }

    @Test
    void wrongKeyNoCookiesOrStaleTimestampAreNotAuthorized() {
        PoolAdmission p = new PoolAdmission(List.of("c1"), 4, clock::get);
        assertEquals(Verdict.NOT_AUTHORIZED, p.admit(A, hello("c2".getBytes(StandardCharsets.UTF_8), clock.get())));
        long window = PoolAdmission.WINDOW.toMillis();
        assertEquals(Verdict.NOT_AUTHORIZED, p.admit(A, hello(COOKIE, clock.get() - window - 1)));
        assertEquals(Verdict.NOT_AUTHORIZED, p.admit(A, hello(COOKIE, clock.get() + window + 1)));
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get() - window)));
        PoolAdmission none = new PoolAdmission(List.of(), 4, clock::get);
        assertEquals(Verdict.NOT_AUTHORIZED, none.admit(A, hello(COOKIE, clock.get())));
        assertEquals(0, none.pooled());
    }

    @Test
    void aReplayedHelloIsRefusedEvenAfterTheFirstLeftThePool() {
        PoolAdmission p = new PoolAdmission(List.of("c1"), 4, clock::get);
        PoolHelloTlv h = hello(COOKIE, clock.get());
        assertEquals(Verdict.ACCEPTED, p.admit(A, h));
        p.release(A);
        assertEquals(Verdict.REPLAYED, p.admit(A, h));
        clock.addAndGet(PoolAdmission.WINDOW.toMillis() + 1);
        assertEquals(Verdict.NOT_AUTHORIZED, p.admit(A, h), "outside the window: stale, not replayable");
    }

    @Test
    void expiredNoncesAreDroppedWithinAWindowSoTheCacheDoesNotGrowWithUptime() {
        PoolAdmission p = new PoolAdmission(List.of("c1"), 1000, clock::get);
        long window = PoolAdmission.WINDOW.toMillis();
        for (int i = 0; i < 50; i++) {
            assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
            p.release(A);
        }
        assertEquals(50, p.rememberedNonces());
        clock.addAndGet(2 * window); // the 50 are still live (remembered for two windows)
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(51, p.rememberedNonces());
        clock.addAndGet(window + 1); // the 50 expired; one window since the last pass
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(2, p.rememberedNonces(), "the 50 expired nonces dropped, the 2 live ones kept");
    }

    @Test
    void perClientCapIsEnforcedAndFreedOnRelease() throws Exception {
        PoolAdmission p = new PoolAdmission(List.of("c1"), 2, clock::get);
        ClientKey b = ClientKey.of(InetAddress.getByName("192.0.2.7"), 64);
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(Verdict.OVER_LIMIT, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(Verdict.ACCEPTED, p.admit(b, hello(COOKIE, clock.get())), "another client has its own cap");
        p.release(A);
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(3, p.pooled());
        assertEquals(Verdict.OVER_LIMIT, new PoolAdmission(List.of("c1"), 0, clock::get)
                .admit(A, hello(COOKIE, clock.get())), "0 refuses every hello");
    }

    @Test
    void updatedCookiesAndCapApplyToLaterHellos() {
        PoolAdmission p = new PoolAdmission(List.of("c1"), 4, clock::get);
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(COOKIE, clock.get())));
        byte[] c2 = "c2".getBytes(StandardCharsets.UTF_8);
        p.update(List.of("c2"), 2);
        assertEquals(Verdict.NOT_AUTHORIZED, p.admit(A, hello(COOKIE, clock.get())));
        assertEquals(2, p.pooled(A), "pooled connections stay pooled");
        assertEquals(Verdict.OVER_LIMIT, p.admit(A, hello(c2, clock.get())));
        p.release(A);
        assertEquals(Verdict.ACCEPTED, p.admit(A, hello(c2, clock.get())));
    }
}
