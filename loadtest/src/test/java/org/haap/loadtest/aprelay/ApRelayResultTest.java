package org.haap.loadtest.aprelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.haap.loadtest.Json;
import org.junit.jupiter.api.Test;

class ApRelayResultTest {

    private static Sample sample(Mode mode, int run, long bytes, double cpu, String error) {
        return new Sample(mode, Transfer.UPLOAD, 1, run, new Measurement(bytes, 1.0, 2), cpu, 0.5, error);
    }

    @Test
    void mediansRatiosAndFailedRuns() {
        List<Sample> samples = List.of(
                sample(Mode.BASELINE, 1, 100_000_000, Double.NaN, null),   // 800 Mbit/s
                sample(Mode.RELAY_SPLICE, 1, 50_000_000, 0.1, null),       // 400 Mbit/s, 2 s/GB
                sample(Mode.BASELINE, 2, 300_000_000, Double.NaN, null),   // 2400 Mbit/s
                sample(Mode.RELAY_SPLICE, 2, 0, 0.0, "timed out"),
                sample(Mode.BASELINE, 3, 200_000_000, Double.NaN, null),   // 1600 Mbit/s
                sample(Mode.RELAY_SPLICE, 3, 150_000_000, 0.3, null));     // 1200 Mbit/s, 2 s/GB
        ApRelayResult r = new ApRelayResult("fast", 1, 3, List.of(1), samples);
        assertEquals(2, r.rows().size());
        ApRelayResult.Row base = r.rows().get(0);
        assertEquals(Mode.BASELINE, base.mode());
        assertEquals(1600, base.medianMbit(), 1e-9);
        assertEquals(800, base.minMbit(), 1e-9);
        assertEquals(2400, base.maxMbit(), 1e-9);
        assertEquals(1.0, base.ratio(), 1e-9);
        ApRelayResult.Row relay = r.rows().get(1);
        assertEquals(800, relay.medianMbit(), 1e-9);
        assertEquals(0.5, relay.ratio(), 1e-9);
        assertEquals(2.0, relay.apCpuSecondsPerGb(), 1e-9);
        assertEquals(2, relay.okRuns());
        assertEquals(3, relay.runs());
        assertEquals(200_000_000, relay.bytes());

        String table = r.table();
        assertTrue(table.contains("upload        1  relay-splice            800  400  1200   0.50         2.00         2        50%  2/3"),
                table);
        assertTrue(table.contains("failed: upload x1 relay-splice run 2: timed out"), table);

        Map<String, Object> json = r.toJson();
        assertEquals("ap-relay", json.get("scenario"));
        String line = Json.write(json);
        assertTrue(line.contains("\"mode\":\"relay-splice\",\"median_mbit_per_s\":800,"), line);
        assertTrue(line.contains("\"ratio_to_baseline\":0.5"), line);
        assertTrue(line.contains("\"error\":\"timed out\""), line);
        assertTrue(!line.contains("\n"));
    }

    @Test
    void apConfigNamesListenerDestinationAndSplice() {
        String c = ApProcess.config("198.18.0.1:5125", "198.18.100.2/32", false);
        assertTrue(c.contains("listen = [\"198.18.0.1:5125\"]"));
        assertTrue(c.contains("destinations.allow = [\"198.18.100.2/32\"]"));
        assertTrue(c.contains("relay.splice = false"));
    }
}
