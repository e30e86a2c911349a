package org.haap.loadtest.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.Test;

class TraceTest {

    /** 3 MB/s = 24 Mbit/s. */
    private static final double LTE_BYTES_PER_S = 3e6;

    /**
     * 100 ms samples for 3 s: goodput 5 MB/s (40 Mbit/s) on both WANs, nothing from 1.0 s
     * (the fault) until 1.5 s, then 2.9 MB/s over LTE only; DSL back from 2.3 s (repair at 2.0 s).
     */
    private static Trace trace() {
        List<Sample> s = new ArrayList<>();
        long received = 0;
        long dsl = 0;
        long lte = 0;
        for (int i = 0; i <= 30; i++) {
            double t = i * 100.0;
            s.add(new Sample(t, received, dsl, dsl / 20, lte, lte / 20));
            double end = t + 100;
            if (end <= 1000) {
                received += 500_000;
                dsl += 200_000;
                lte += 300_000;
            } else if (end <= 1500) {
                lte += 150_000; // LTE carries data but the client sees none (head-of-line blocking)
            } else if (end <= 2300) {
                received += 290_000;
                lte += 300_000;
            } else {
                received += 500_000;
                dsl += 200_000;
                lte += 300_000;
            }
        }
        return new Trace(s, 1000, 2000);
    }

    @Test
    void recoverIsTheEndOfTheFirstWindowAboveTheThresholdAfterTheFault() {
        // 80 % of 3 MB/s = 2.4 MB/s: the window 1.5..1.7 s is the first at 2.9 MB/s
        assertEquals(700, trace().recoverMs(0.8 * LTE_BYTES_PER_S, 200), 1e-9);
    }

    @Test
    void recoverIsNaNWhenGoodputNeverComesBackBeforeTheRepair() {
        assertTrue(Double.isNaN(trace().recoverMs(3.0e6, 200)));
    }

    @Test
    void windowsBeforeTheFaultDoNotCount() {
        List<Sample> s = trace().samples();
        Trace late = new Trace(s, 1050, 2000); // between two samples: the next window starts at 1.1 s
        assertEquals(650, late.recoverMs(0.8 * LTE_BYTES_PER_S, 200), 1e-9);
    }

    @Test
    void rejoinIsTheEndOfTheFirstSampleWithDslDataAfterTheRepair() {
        // 10 % of 2 MB/s: DSL carries 200 kB per 100 ms again in the sample ending at 2.4 s
        assertEquals(400, trace().rejoinMs(0.1 * 2e6), 1e-9);
        assertTrue(Double.isNaN(trace().rejoinMs(1e9)));
    }

    @Test
    void bytesPerWanAreBothDirectionsOverTheTrace() {
        Trace t = trace();
        long dslDown = t.bytesDown(Wan.DSL);
        long lteDown = t.bytesDown(Wan.LTE);
        assertEquals(10 * 200_000 + 7 * 200_000, dslDown);
        assertEquals(dslDown + dslDown / 20, t.bytes(Wan.DSL), 1);
        assertEquals(10 * 300_000 + 5 * 150_000 + 8 * 300_000 + 7 * 300_000, lteDown);
        assertEquals(10 * 500_000 + 8 * 290_000 + 7 * 500_000, t.received());
    }

    @Test
    void ratesArePerIntervalInMbit() {
        Trace t = trace();
        assertEquals(30, t.intervalEndsMs().length);
        assertEquals(100, t.intervalEndsMs()[0], 1e-9);
        assertEquals(40, t.goodputMbit()[0], 1e-9); // 500 kB per 100 ms
        assertEquals(0, t.goodputMbit()[12], 1e-9);
        assertEquals(24, t.downMbit(Wan.LTE)[0], 1e-9);
        assertEquals(0, t.downMbit(Wan.DSL)[12], 1e-9);
    }

    @Test
    void rejectsTooFewSamplesAndARepairBeforeTheFault() {
        Sample one = new Sample(0, 0, 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> new Trace(List.of(one), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Trace(List.of(one, one), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Trace(List.of(one, one), Double.NaN, Double.NaN));
    }
}
