package org.haap.loadtest.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.haap.loadtest.ProcessProbe;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

/**
 * {@code soak}: for {@code --minutes} (default {@value #DEFAULT_MINUTES}), valid sessions
 * and mutated Convert messages ({@link Traffic}) against one aggregation point process in a
 * namespace with no route off the machine ({@link SoakBed}); every
 * {@value #SAMPLE_SECONDS} s the traffic pauses until nothing is in flight and the AP's
 * descriptor count has settled, and its fds, threads, heap after a full GC and RSS are read
 * ({@link ProcessProbe}). The verdict compares every sample from one minute on with the one
 * at one minute; the class histograms of those two samples show which classes' live bytes
 * changed most.
 */
public final class SoakScenario implements Scenario {

    public static final String NAME = "soak";
    static final int DEFAULT_MINUTES = 10;
    static final int SAMPLE_SECONDS = 10;
    static final int VALID_WORKERS = 2;
    static final double VALID_PER_SECOND = 20;
    static final int INVALID_WORKERS = 4;
    static final double INVALID_PER_SECOND = 200;
    /** How long the AP's descriptor count must stay the same to count as settled. */
    private static final long SETTLED_MS = 300;
    private static final long SETTLE_LIMIT_MS = 10_000;
    /** Classes listed whose live bytes changed most from the reference sample to the last. */
    private static final int HEAP_CHANGES = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "valid and mutated Convert traffic against an AP for --minutes N (default 10): fds, threads, "
                + "heap after GC and RSS every 10 s, flat within 5 % after the first minute?";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        int minutes = ctx.options().minutesOr(DEFAULT_MINUTES);
        Path logDir = Files.createTempDirectory("haap-soak");
        SoakBed bed = SoakBed.start(logDir);
        ctx.teardown().add("soak namespace " + bed.namespace() + ", AP and echo server", bed::close);
        ctx.progress("AP running in " + bed.namespace() + " (log " + bed.apLog() + ")");
        Traffic traffic = new Traffic(bed.namespace(), System.nanoTime());
        ctx.teardown().add("soak traffic", traffic::close);

        List<SoakSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        samples.add(sample(bed, traffic, 0));
        traffic.start(VALID_WORKERS, VALID_PER_SECOND, INVALID_WORKERS, INVALID_PER_SECOND, Long.MAX_VALUE);
        String referenceHistogram = null;
        long end = start + TimeUnit.MINUTES.toNanos(minutes);
        for (long tick = start + TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS); tick <= end;
             tick += TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS)) {
            TimeUnit.NANOSECONDS.sleep(tick - System.nanoTime()); // the sampling schedule
            if (!bed.apAlive()) {
                throw new IllegalStateException("the AP process ended; see " + bed.apLog());
            }
            SoakSample s = sample(bed, traffic, (System.nanoTime() - start) / 1e9);
            samples.add(s);
            if (referenceHistogram == null && s.seconds() >= SoakResult.REFERENCE_SECONDS - 0.5) {
                referenceHistogram = bed.probe().lastHistogram();
            }
            ctx.progress(String.format(Locale.ROOT, "t=%.0fs fds=%d threads=%d heap=%.2fMiB rss=%.1fMiB valid=%d/%d "
                            + "failed, mutated=%d", s.seconds(), s.fds(), s.threads(), s.heapKib() / 1024.0,
                    s.rssKib() / 1024.0, s.validOk(), s.validFailed(), s.invalidSent()));
        }
        traffic.close();
        boolean alive = bed.apAlive();

        Map<String, Long> counters = counters(traffic);
        List<String> changes = referenceHistogram == null ? List.of()
                : HeapHistogram.changes(referenceHistogram, bed.probe().lastHistogram(), HEAP_CHANGES);
        return new SoakResult(minutes, VALID_PER_SECOND, INVALID_PER_SECOND, samples, counters, traffic.failures(),
                changes, alive);
    }

    static Map<String, Long> counters(Traffic t) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("valid_ok", t.validOk.get());
        m.put("valid_failed", t.validFailed.get());
        m.put("mutated_sent", t.invalidSent.get());
        m.put("mutated_answered", t.invalidAnswered.get());
        m.put("mutated_pool_acks", t.invalidPoolAcks.get());
        m.put("mutated_reset", t.invalidReset.get());
        m.put("mutated_timeout", t.invalidTimeout.get());
        m.put("mutated_connect_errors", t.invalidErrors.get());
        return m;
    }

    /**
     * Reads the AP's figures while no operation is in flight, once its descriptor count has
     * stayed the same for {@value #SETTLED_MS} ms (connections the AP is still closing
     * would otherwise count; at most {@value #SETTLE_LIMIT_MS} ms).
     */
    static SoakSample sample(SoakBed bed, Traffic traffic, double seconds) throws Exception {
        ProcessProbe p = bed.probe();
        return traffic.quiet(() -> {
            long limit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_LIMIT_MS);
            int fds = p.fds();
            long since = System.nanoTime();
            while (System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(SETTLED_MS)
                    && System.nanoTime() < limit) {
                Thread.sleep(20); // polling /proc: no event to wait for
                int now = p.fds();
                if (now != fds) {
                    fds = now;
                    since = System.nanoTime();
                }
            }
            long heap = p.heapAfterGcKib();
            return new SoakSample(seconds, p.fds(), p.threads(), heap, p.rssKib(), traffic.validOk.get(),
                    traffic.validFailed.get(), traffic.invalidSent.get());
        });
    }
}
