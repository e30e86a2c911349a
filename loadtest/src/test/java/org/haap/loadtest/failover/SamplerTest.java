package org.haap.loadtest.failover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final String NET_DEV = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
               lan: 1234567    1000    0    0    0     0          0         0  7654321    2000    0    0    0     0       0          0
               dsl: 111222333  90000    0    0    0     0          0         0  4445556   30000    0    0    0     0       0          0
               lte:99887766   80000    0    0    0     0          0         0  5556667   20000    0    0    0     0       0          0
            """;

    @Test
    void readsDslAndLteByteCounters() throws IOException {
        assertArrayEquals(new long[] {111_222_333, 4_445_556, 99_887_766, 5_556_667}, Sampler.counters(NET_DEV));
    }

    @Test
    void failsOutsideTheCpeNamespace() {
        String host = NET_DEV.lines().filter(l -> !l.contains("dsl:") && !l.contains("lte:"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThrows(IOException.class, () -> Sampler.counters(host));
    }
}
