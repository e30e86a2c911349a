package org.haap.loadtest.cost;

import java.nio.file.Path;
import java.util.List;

import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

/**
 * {@code footprint}: what the proxy processes hold after {@code --minutes} (default
 * {@value #DEFAULT_MINUTES}) of a home's idle-hours traffic ({@link Load#home}) through HAAP
 * and the HAProxy pair on the unshaped {@link PairBed}, started as shipped. Both routes carry
 * their traffic at the same time, each from LAN clients of its own: the load is light, the
 * two pairs are separate processes, so one run of N minutes measures both under the same
 * conditions. The RSS of each proxy process is read right after the start, every
 * {@value #SAMPLE_SECONDS} s, and at the end, once the traffic stopped (the figure issue 13's
 * acceptance uses); then, for a JVM, the live heap after a full GC and the RSS after it.
 * {@code --modes} picks routes (default {@code haap,haproxy}; {@code kernel} carries the same
 * traffic but has no process to read).
 */
public final class FootprintScenario implements Scenario {

    static final int DEFAULT_MINUTES = 10;
    static final int SAMPLE_SECONDS = 10;
    static final List<String> DEFAULT_ROUTES = List.of("haap", "haproxy");

    /**
     * The light traffic and its schedule, per route.
     *
     * @param runSeconds      how long the traffic runs
     * @param sampleSeconds   how often the RSS is read
     * @param shortPerSecond  short connections per second: each one request and an
     *                        {@code shortAnswerBytes} answer, the server closes
     * @param shortAnswerBytes the short connections' answer
     * @param downloadSeconds one download every this many seconds
     * @param downloadBytes   each download's size
     */
    record Load(int runSeconds, int sampleSeconds, double shortPerSecond, int shortAnswerBytes, int downloadSeconds,
                int downloadBytes) {

        Load {
            if (runSeconds < 1 || sampleSeconds < 1 || downloadSeconds < 1) {
                throw new IllegalArgumentException("load: " + runSeconds + " s run, samples every " + sampleSeconds
                        + " s, a download every " + downloadSeconds + " s (expected: each >= 1)");
            }
            if (!(shortPerSecond > 0 && shortPerSecond <= 100)) {
                throw new IllegalArgumentException("shortPerSecond: " + shortPerSecond + " (expected: 0 < x <= 100)");
            }
            if (shortAnswerBytes < 1 || downloadBytes < 1 || Math.max(shortAnswerBytes, downloadBytes)
                    > CostServer.MAX_ANSWER) {
                throw new IllegalArgumentException("answers: " + shortAnswerBytes + " and " + downloadBytes
                        + " bytes (expected: 1.." + CostServer.MAX_ANSWER + ")");
            }
        }

        /**
         * A home's idle hours, for {@code minutes}: two short connections a second (a phone's
         * and a TV's background chatter: push, telemetry, update checks; a 1 KiB answer each)
         * and one 2 MiB download every 10 s (an app's or a page's images), about 1.7 Mbit/s
         * on average.
         */
        static Load home(int minutes) {
            return new Load(minutes * 60, SAMPLE_SECONDS, 2, 1024, 10, 2 << 20);
        }
    }

    private final Load testLoad;

    public FootprintScenario() {
        this(null);
    }

    /** A scenario with {@code load} instead of {@link Load#home} for {@code --minutes} (tests). */
    FootprintScenario(Load load) {
        this.testLoad = load;
    }

    @Override
    public String name() {
        return "footprint";
    }

    @Override
    public String description() {
        return "RSS of each proxy process over --minutes N (default 10) of a home's light traffic: "
                + "HAAP vs a HAProxy pair";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        Load load = testLoad != null ? testLoad : Load.home(ctx.options().minutesOr(DEFAULT_MINUTES));
        List<Route> routes = ConnRateScenario.routes(ctx.options().modesOr(DEFAULT_ROUTES));
        PairBed bed = PairBed.up(ctx, 1000);
        return FootprintRun.measure(ctx, bed, routes, load);
    }
}
