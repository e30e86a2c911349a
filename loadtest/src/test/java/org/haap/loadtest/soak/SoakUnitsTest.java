package org.haap.loadtest.soak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.haap.loadtest.Json;
import org.junit.jupiter.api.Test;

/** The soak's parts that need no AP: parsers, the mutator, the verdict and the outputs. */
class SoakUnitsTest {

    @Test
    void histogramChangesNameTheClassesThatChangedMostEitherWay() {
        String before = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          1000          64000  [B (java.base@17)
                   2:           100           4000  java.lang.String (java.base@17)
                """;
        String after = """
                   1:          5000         320000  [B (java.base@17)
                   2:            10           1000  java.lang.String (java.base@17)
                   3:            10            800  org.haap.ap.ApSession
                """;
        assertEquals(List.of("[B +256000 bytes (+4000 instances; now 320000 bytes)",
                "java.lang.String -3000 bytes (-90 instances; now 1000 bytes)",
                "org.haap.ap.ApSession +800 bytes (+10 instances; now 800 bytes)"),
                HeapHistogram.changes(before, after, 5));
    }

    @Test
    void mutatorIsDeterministicPerSeedAndNeverEmpty() {
        InetSocketAddress server = new InetSocketAddress("127.0.0.2", 7000);
        List<InetSocketAddress> denied = List.of(new InetSocketAddress("127.0.0.1", 22));
        Mutator a = new Mutator(7, server, denied, "c", () -> 1_700_000_000_000L);
        Mutator b = new Mutator(7, server, denied, "c", () -> 1_700_000_000_000L);
        int differentFromAnyOther = 0;
        byte[] last = new byte[0];
        for (int i = 0; i < 2000; i++) {
            byte[] x = a.next();
            byte[] y = b.next();
            assertTrue(x.length > 0 && x.length <= 1200);
            assertArrayEquals(x, y);
            differentFromAnyOther += java.util.Arrays.equals(x, last) ? 0 : 1;
            last = x;
        }
        assertTrue(differentFromAnyOther > 1900, "mutations vary: " + differentFromAnyOther);
    }

    @Test
    void flatWithinFivePercentOfTheOneMinuteSampleAndOutputs() {
        List<SoakSample> samples = new ArrayList<>();
        samples.add(new SoakSample(0, 40, 20, 5000, 80_000, 0, 0, 0)); // before the first minute: not judged
        for (int t = 10; t <= 120; t += 10) {
            samples.add(new SoakSample(t, 57, 22, t == 120 ? 7700 : 7400, 150_000, t, 0, 10L * t));
        }
        SoakResult r = new SoakResult(2, 20, 200, samples, Map.of("valid_ok", 120L), List.of(), List.of(), true);
        assertEquals(60, r.reference().seconds());
        assertEquals(300 * 100.0 / 7400, r.maxDeviationPct("heap"), 1e-9);
        assertEquals(300 * 100.0 / 7400, r.maxChangePct("heap", 1), 1e-9);
        assertEquals(0, r.maxChangePct("heap", -1), 1e-9);
        assertTrue(r.flat(), r.table());
        assertTrue(r.table().contains("heap +4.1 / -0.0 %, rss +0.0 / -0.0 % -> flat (tolerance 5 %)"), r.table());
        String json = Json.write(r.toJson());
        assertTrue(json.contains("\"scenario\":\"soak\""), json);
        assertTrue(json.contains("\"flat\":true"), json);
        assertTrue(json.contains("\"t_s\":120,\"fds\":57,\"threads\":22,\"heap_after_gc_kib\":7700"), json);
        assertTrue(r.files().get("png").length > 1000);

        samples.add(new SoakSample(130, 60, 22, 7400, 150_000, 130, 0, 1300)); // 3 fds more: 5.3 %
        SoakResult grown = new SoakResult(2, 20, 200, samples, Map.of(), List.of(), List.of(), true);
        assertFalse(grown.flat());
        assertTrue(grown.table().contains("fds +5.3 / -0.0 %"), grown.table());
        assertTrue(grown.table().contains("NOT flat"), grown.table());
        samples.set(samples.size() - 1, new SoakSample(130, 57, 22, 6900, 150_000, 130, 0, 1300)); // 6.8 % less heap
        SoakResult fell = new SoakResult(2, 20, 200, samples, Map.of(), List.of(), List.of(), true);
        assertFalse(fell.flat(), "a fall beyond the tolerance is not flat either");
        assertEquals(500 * 100.0 / 7400, fell.maxChangePct("heap", -1), 1e-9);
    }
}
