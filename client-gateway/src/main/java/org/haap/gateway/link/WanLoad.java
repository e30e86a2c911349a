package org.haap.gateway.link;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.haap.robe.WanPath;

/**
 * How busy each WAN is, from its interface's byte counters
 * ({@code /sys/class/net/IF/statistics/rx_bytes} and {@code tx_bytes}, all traffic) read every
 * {@link #SAMPLE}: its rate over the last {@link #WINDOW} in its busier direction, and the
 * highest such rate it was seen to carry (its learnt capacity; the peak halves every
 * {@link #PEAK_HALF_LIFE} so that a link that got slower is learnt again). A WAN is
 * <em>saturated</em> while its rate is at least {@code fraction} of its peak (and the peak is
 * at least {@link #MIN_PEAK_BITS} bit/s), and stops being so below half that fraction. The
 * listener hears every change, for the path manager ({@code latency-first} lets short
 * connections use every WAN while theirs is saturated).
 *
 * <p>Meters: {@code haap_gateway_pm_wan_saturated{wan}} (1 while saturated) and
 * {@code haap_gateway_pm_wan_saturations_total{wan}} (times it became saturated).
 *
 * <p>{@link #sample} is confined to one thread (the started sampler's event loop).
 */
public final class WanLoad implements AutoCloseable {

    /** How often the counters are read. */
    public static final Duration SAMPLE = Duration.ofMillis(20);
    /** The span a rate is measured over. */
    public static final Duration WINDOW = Duration.ofMillis(100);
    /** How fast a learnt peak fades. */
    public static final Duration PEAK_HALF_LIFE = Duration.ofSeconds(60);
    /** Below this peak a WAN is never saturated (an idle link's noise). */
    public static final double MIN_PEAK_BITS = 1e6;

    /** Hears a WAN become saturated or not. */
    @FunctionalInterface
    public interface Listener {
        void saturated(String wan, boolean saturated);
    }

    /** The cumulative byte counters of an interface, received and sent; {@code null} when unreadable. */
    @FunctionalInterface
    interface Counters {
        long[] read(String interfaceName);
    }

    private static final int SLOTS = (int) (WINDOW.toMillis() / SAMPLE.toMillis()) + 1;

    private final double fraction;
    private final Counters counters;
    private final Listener listener;
    private final List<Wan> wans = new ArrayList<>();
    private volatile ScheduledFuture<?> task;

    /** One WAN's readings. */
    private static final class Wan {
        final WanPath path;
        final long[] rx = new long[SLOTS];
        final long[] tx = new long[SLOTS];
        final long[] at = new long[SLOTS];
        int filled;
        int next;
        double peak;
        long peakAt;
        volatile boolean saturated;
        Counter saturations;

        Wan(WanPath path) {
            this.path = path;
        }
    }

    WanLoad(List<WanPath> paths, double fraction, Counters counters, Listener listener, MeterRegistry registry) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction: " + fraction + " (expected: > 0 and <= 1)");
        }
        this.fraction = fraction;
        this.counters = Objects.requireNonNull(counters, "counters");
        this.listener = Objects.requireNonNull(listener, "listener");
        for (WanPath p : paths) {
            Wan w = new Wan(p);
            wans.add(w);
            Gauge.builder("haap.gateway.pm.wan.saturated", w, x -> x.saturated ? 1 : 0)
                    .description("1 while the WAN carries at least path-manager.bulk.wan-saturation of the highest "
                            + "rate it was seen to carry (its interface's counters, over 100 ms)")
                    .tag("wan", p.name()).register(registry);
            w.saturations = Counter.builder("haap.gateway.pm.wan.saturations")
                    .description("Times the WAN became saturated").tag("wan", p.name()).register(registry);
        }
    }

    /** Reads the WANs' interface counters every {@link #SAMPLE} on {@code loop}; {@link #close()} stops it. */
    public static WanLoad start(EventExecutor loop, List<WanPath> paths, double fraction, Listener listener,
            MeterRegistry registry) {
        WanLoad load = new WanLoad(paths, fraction, WanLoad::sysfs, listener, registry);
        long period = SAMPLE.toNanos();
        load.task = loop.scheduleAtFixedRate(() -> load.sample(System.nanoTime()), period, period,
                TimeUnit.NANOSECONDS);
        return load;
    }

    /** Whether the WAN named {@code wan} is saturated now. */
    public boolean saturated(String wan) {
        for (Wan w : wans) {
            if (w.path.name().equals(wan)) {
                return w.saturated;
            }
        }
        return false;
    }

    /** One reading of every WAN at {@code nowNanos}. */
    void sample(long nowNanos) {
        for (Wan w : wans) {
            long[] c = counters.read(w.path.interfaceName());
            if (c == null) {
                continue;
            }
            int slot = w.next;
            w.rx[slot] = c[0];
            w.tx[slot] = c[1];
            w.at[slot] = nowNanos;
            w.next = (slot + 1) % SLOTS;
            if (w.filled < SLOTS) {
                w.filled++;
                if (w.filled < SLOTS) {
                    continue;
                }
            }
            int oldest = w.next; // the slot written SLOTS - 1 samples ago
            double seconds = (nowNanos - w.at[oldest]) / 1e9;
            if (seconds <= 0) {
                continue;
            }
            double rate = 8 * Math.max(c[0] - w.rx[oldest], c[1] - w.tx[oldest]) / seconds;
            judge(w, rate, nowNanos);
        }
    }

    private void judge(Wan w, double rate, long nowNanos) {
        if (w.peakAt != 0) {
            double halfLives = (nowNanos - w.peakAt) / (double) PEAK_HALF_LIFE.toNanos();
            w.peak *= Math.pow(0.5, halfLives);
        }
        w.peakAt = nowNanos;
        w.peak = Math.max(w.peak, rate);
        boolean was = w.saturated;
        boolean now = w.peak >= MIN_PEAK_BITS && (was ? rate >= fraction * w.peak / 2 : rate >= fraction * w.peak);
        if (now != was) {
            w.saturated = now;
            if (now) {
                w.saturations.increment();
            }
            listener.saturated(w.path.name(), now);
        }
    }

    /** Stops the sampler (a constructed, unstarted one has none). */
    @Override
    public void close() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private static long[] sysfs(String interfaceName) {
        Path stats = Path.of("/sys/class/net", interfaceName, "statistics");
        try {
            return new long[] {Long.parseLong(Files.readString(stats.resolve("rx_bytes")).strip()),
                    Long.parseLong(Files.readString(stats.resolve("tx_bytes")).strip())};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
