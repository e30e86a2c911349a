package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.haap.ap.ApMetrics.Rejection;
import org.junit.jupiter.api.Test;

class RejectionLogTest {

    @Test
    void oneLinePerIntervalWithTheCountsSinceTheLastOne() {
        ApMetrics metrics = new ApMetrics(new SimpleMeterRegistry());
        metrics.rejected(Rejection.AUTH); // before the log exists: not in its first line
        RejectionLog log = new RejectionLog(metrics);
        assertNull(log.flush(), "nothing refused, nothing logged");
        for (int i = 0; i < 3; i++) {
            metrics.rejected(Rejection.MALFORMED);
        }
        metrics.rejected(Rejection.UNAUTHENTICATED_LIMIT);
        assertEquals("refused 4 connections before any upstream connect since the last summary:"
                + " malformed=3 unauthenticated_limit=1 (each at DEBUG on logger org.haap.ap.session)", log.flush());
        assertNull(log.flush());
        metrics.rejected(Rejection.DESTINATION);
        assertEquals("refused 1 connections before any upstream connect since the last summary:"
                + " destination=1 (each at DEBUG on logger org.haap.ap.session)", log.flush());
    }
}
