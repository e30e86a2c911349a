package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FastOpenWarningTest {

    @Test
    void warnsWhenTheServerBitIsMissing() {
        Optional<String> w = AggregationPoint.fastOpenWarning(256, "1\n");
        assertTrue(w.isPresent());
        assertTrue(w.get().startsWith("haap.aggregation-point.tcp-fast-open-queue: 256 but net.ipv4.tcp_fastopen = 1"),
                w.get());
    }

    @Test
    void silentWithTheServerBitWithoutAQueueOrWithoutTheFile() {
        assertEquals(Optional.empty(), AggregationPoint.fastOpenWarning(256, "3\n"));
        assertEquals(Optional.empty(), AggregationPoint.fastOpenWarning(256, "0x602"));
        assertEquals(Optional.empty(), AggregationPoint.fastOpenWarning(256, "2"));
        assertEquals(Optional.empty(), AggregationPoint.fastOpenWarning(0, "1"));
        assertEquals(Optional.empty(), AggregationPoint.fastOpenWarning(256, null));
    }
}
