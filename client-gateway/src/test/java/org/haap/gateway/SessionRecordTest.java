package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.junit.jupiter.api.Test;

/**
 * The session line's duration on a fake monotonic clock: {@code ms=} runs from the record's
 * creation (the LAN connection's accept) to the end, whatever happens in between (set-up,
 * relay start, bytes), and a second end is not logged.
 */
class SessionRecordTest {

    private static final Termination COMPLETED = new Termination(Side.CLIENT, Reason.COMPLETED, Phase.HALF_CLOSE);

    private final MockTicker ticker = Ticker.newMockTicker();

    private SessionRecord record() {
        return new SessionRecord(0x2a, new InetSocketAddress("192.168.7.2", 40000),
                new InetSocketAddress("198.18.1.2", 80), ticker::nanoTime);
    }

    @Test
    void aThreeSecondSessionIsLoggedAsThreeThousandMilliseconds() {
        SessionRecord r = record();
        ticker.advance(40, TimeUnit.MILLISECONDS);
        r.wan("dsl", 40); // set-up done, relay starts
        ticker.advance(2960, TimeUnit.MILLISECONDS);
        r.bytes(1_000_000, 30_000_000);
        String line = r.toLine(COMPLETED);
        assertTrue(line.contains(" setup-ms=40 "), line);
        assertTrue(line.endsWith(" ms=3000"), line);
    }

    @Test
    void theDurationKeepsRunningUntilTheEndAndIsNotReset() {
        SessionRecord r = record();
        ticker.advance(2999, TimeUnit.MILLISECONDS);
        r.wan("lte", -1);
        r.note("pooled");
        ticker.advance(1500, TimeUnit.MICROSECONDS);
        assertTrue(r.toLine(COMPLETED).contains(" ms=3000 "), r.toLine(COMPLETED));
        assertTrue(r.end(COMPLETED), "logged once");
        ticker.advance(5, TimeUnit.SECONDS);
        assertFalse(r.end(COMPLETED), "not twice");
    }
}
