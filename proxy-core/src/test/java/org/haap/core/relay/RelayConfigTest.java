package org.haap.core.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RelayConfigTest {

    @Test
    void defaultsAreValid() {
        RelayConfig cfg = RelayConfig.defaults();
        assertEquals(32 * 1024, cfg.lowWatermark());
        assertEquals(64 * 1024, cfg.highWatermark());
        assertTrue(cfg.splice());
        assertEquals(Duration.ofMinutes(5), cfg.idleTimeout());
        assertEquals(RelayConfig.DEFAULT_SPLICE_PIPES, cfg.splicePipes());
        assertEquals(16, new RelayConfig(1, 2, Duration.ZERO, Duration.ZERO, true, 1, 16).withSplice(false).splicePipes());
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        Duration s = Duration.ofSeconds(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RelayConfig(0, 10, s, s, true, 1));
        assertTrue(e.getMessage().startsWith("lowWatermark: 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RelayConfig(10, 5, s, s, true, 1));
        assertTrue(e.getMessage().startsWith("highWatermark: 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RelayConfig(1, 2, Duration.ofSeconds(-1), s, true, 1));
        assertTrue(e.getMessage().startsWith("idleTimeout: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RelayConfig(1, 2, s, s, true, 0));
        assertTrue(e.getMessage().startsWith("spliceChunk: 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RelayConfig(1, 2, s, s, true, 1, 0));
        assertEquals("splicePipes: 0 (expected: > 0)", e.getMessage());
        assertThrows(NullPointerException.class, () -> new RelayConfig(1, 2, null, s, true, 1));
    }
}
