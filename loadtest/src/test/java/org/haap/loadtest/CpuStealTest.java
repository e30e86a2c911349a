package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CpuStealTest {

    @Test
    void stealIsItsShareOfAllTicksBetweenTwoSamples() {
        CpuSteal.Sample before = CpuSteal.parse("cpu  100 0 50 800 10 0 5 35 0 0");
        CpuSteal.Sample after = CpuSteal.parse("cpu  200 0 100 1500 20 0 10 170 0 0");
        assertEquals(new CpuSteal.Sample(35, 1000), before);
        // 1000 ticks passed, 135 of them stolen
        assertEquals(13.5, CpuSteal.percent(before, after).getAsDouble(), 1e-9);
    }

    @Test
    void noSampleOrNoTicksMeansUnknown() {
        CpuSteal.Sample s = new CpuSteal.Sample(5, 100);
        assertEquals(OptionalDouble.empty(), CpuSteal.percent(null, s));
        assertEquals(OptionalDouble.empty(), CpuSteal.percent(s, s));
        assertEquals("", Main.stealLine(OptionalDouble.empty()));
    }

    @Test
    void aPerCpuOrShortLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuSteal.parse("cpu0 1 2 3 4 5 6 7 8"));
        assertThrows(IllegalArgumentException.class, () -> CpuSteal.parse("cpu 1 2 3 4"));
    }

    @Test
    void theTableLineWarnsAboveTheThreshold() {
        assertEquals("cpu steal during the run: 1.2 % of the machine's CPU time\n",
                Main.stealLine(OptionalDouble.of(1.23)).replace(System.lineSeparator(), "\n"));
        assertTrue(Main.stealLine(OptionalDouble.of(31)).contains("a busy host"));
    }

    @Test
    void thisMachineCanBeSampled() {
        CpuSteal.Sample s = CpuSteal.sample();
        assertTrue(s != null && s.total() > 0 && s.steal() >= 0, String.valueOf(s));
    }
}
