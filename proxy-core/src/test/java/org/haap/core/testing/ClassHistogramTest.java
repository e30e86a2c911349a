package org.haap.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          64000  [B (java.base@25)
               2:            10            640  io.netty.channel.epoll.EpollSocketChannel
               3:             5            120  io.micrometer.core.instrument.cumulative.CumulativeCounter
            Total          1015          64760
            """;
    private static final String AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1200          76800  [B (java.base@25)
               2:           210          13440  io.netty.channel.epoll.EpollSocketChannel
               3:             5            120  io.micrometer.core.instrument.cumulative.CumulativeCounter
               4:           100           2400  org.haap.Session
            Total          1515          92760
            """;

    @Test
    void parsesRowsAndTotal() {
        ClassHistogram h = ClassHistogram.parse(AFTER);
        assertEquals(92760, h.bytes());
        assertEquals(new ClassHistogram.Count(210, 13440), h.count("io.netty.channel.epoll.EpollSocketChannel"));
        assertEquals(new ClassHistogram.Count(1200, 76800), h.count("[B"));
        assertEquals(ClassHistogram.Count.NONE, h.count("absent"));
    }

    @Test
    void perSessionListsTheLargestGrowthFirst() {
        ClassHistogram before = ClassHistogram.parse(BEFORE);
        ClassHistogram after = ClassHistogram.parse(AFTER);
        assertEquals(List.of(
                "    64.0 B   1.00 objects  [B",
                "    64.0 B   1.00 objects  io.netty.channel.epoll.EpollSocketChannel"),
                after.perSession(before, 200, 2));
        assertEquals(0, after.instancesAddedSince(before, "io.micrometer."));
        assertEquals(200, after.instancesAddedSince(before, "io.netty."));
    }

    @Test
    void aTextWithoutTotalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassHistogram.parse("1: 1 2 x\n"));
    }
}
