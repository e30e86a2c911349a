package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, Stats.median(List.of(5, 1, 3)));
        assertEquals(2.5, Stats.median(List.of(4, 1, 3, 2)));
        assertEquals(7.0, Stats.median(List.of(7)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }

    @Test
    void percentileInterpolatesBetweenRanks() {
        List<Integer> v = List.of(10, 20, 30, 40, 50);
        assertEquals(10.0, Stats.percentile(v, 0));
        assertEquals(50.0, Stats.percentile(v, 100));
        assertEquals(20.0, Stats.percentile(v, 25));
        assertEquals(46.0, Stats.percentile(v, 90), 1e-9);
        assertEquals(15.0, Stats.percentile(List.of(10, 20), 50));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(v, 101));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(v, Double.NaN));
    }

    @Test
    void samplesAreNotModified() {
        List<Double> v = new ArrayList<>(List.of(3.0, 1.0, 2.0));
        Stats.median(v);
        assertEquals(List.of(3.0, 1.0, 2.0), v);
    }

    @Test
    void ratio() {
        assertEquals(0.5, Stats.ratio(1, 2));
        assertTrue(Double.isNaN(Stats.ratio(1, 0)));
        assertTrue(Double.isNaN(Stats.ratio(Double.NaN, 2)));
    }
}
