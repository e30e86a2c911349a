package org.haap.loadtest.cost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.haap.loadtest.ProcessProbe;
import org.haap.loadtest.ScenarioContext;

/**
 * One {@code footprint} run: the light traffic of {@link FootprintScenario.Load} through
 * every route at once, two LAN client threads per route (one for the short connections, one
 * for the downloads, each paced to its schedule), while the proxy processes' RSS is read on
 * the sampling schedule.
 */
final class FootprintRun {

    private FootprintRun() {
    }

    /** Runs {@code load} through {@code routes} on {@code bed} and reads every proxy process. */
    static FootprintResult measure(ScenarioContext ctx, PairBed bed, List<Route> routes, FootprintScenario.Load load)
            throws Exception {
        List<Watched> watched = new ArrayList<>();
        for (Route r : routes) {
            if (r.proxied()) {
                watched.add(new Watched(r, "cpe", bed.cpeProcess(r)));
                watched.add(new Watched(r, "ap", bed.apProcess(r)));
            }
        }
        LanClients lan = new LanClients(bed.clientNamespace(), 2 * routes.size());
        ctx.teardown().add("LAN clients", lan::close);
        List<Counter> counters = new ArrayList<>();
        long start = System.nanoTime();
        for (Watched w : watched) {
            w.read(0);
        }
        ctx.progress(progressLine(0, watched, counters));
        long deadline = start + TimeUnit.SECONDS.toNanos(load.runSeconds());
        List<Future<?>> loops = new ArrayList<>();
        for (Route r : routes) {
            Counter c = new Counter(r, bed.target(r));
            counters.add(c);
            long gap = (long) (1e9 / load.shortPerSecond());
            loops.add(lan.executor().submit(() -> c.paced(start, gap, deadline, load.shortAnswerBytes(), false)));
            long every = TimeUnit.SECONDS.toNanos(load.downloadSeconds());
            // Downloads half a period off the samples, so that no reading lands on one.
            loops.add(lan.executor().submit(() -> c.paced(start + every / 2, every, deadline, load.downloadBytes(),
                    true)));
        }
        long sample = TimeUnit.SECONDS.toNanos(load.sampleSeconds());
        for (long tick = start + sample; tick < deadline; tick += sample) {
            TimeUnit.NANOSECONDS.sleep(tick - System.nanoTime()); // the sampling schedule
            double t = (System.nanoTime() - start) / 1e9;
            for (Watched w : watched) {
                w.read(t);
            }
            ctx.progress(progressLine(t, watched, counters));
        }
        for (Future<?> f : loops) {
            f.get();
        }
        double end = (System.nanoTime() - start) / 1e9;
        for (Watched w : watched) {
            w.read(end);
        }
        ctx.progress(progressLine(end, watched, counters) + " (end: the traffic stopped)");
        List<FootprintProcess> processes = new ArrayList<>();
        for (Watched w : watched) {
            processes.add(w.finish());
        }
        return new FootprintResult(load, routes, processes, counters.stream().map(Counter::result).toList());
    }

    private static String progressLine(double t, List<Watched> watched, List<Counter> counters) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "t=%.0fs RSS MiB:", t));
        for (Watched w : watched) {
            sb.append(String.format(Locale.ROOT, " %s %s %.1f", w.route.label(), w.side,
                    w.rssKib.get(w.rssKib.size() - 1) / 1024.0));
        }
        for (Counter c : counters) {
            sb.append(String.format(Locale.ROOT, "; %s ok/failed: %d/%d short, %d/%d downloads", c.route.label(),
                    c.shortOk.get(), c.shortFailed.get(), c.downloadsOk.get(), c.downloadsFailed.get()));
        }
        return sb.toString();
    }

    /** One proxy process and its readings so far. */
    private static final class Watched {
        final Route route;
        final String side;
        final ProcessProbe probe;
        final List<Double> seconds = new ArrayList<>();
        final List<Long> rssKib = new ArrayList<>();
        double cpuAtStart;

        Watched(Route route, String side, ProcessProbe probe) {
            this.route = route;
            this.side = side;
            this.probe = probe;
        }

        void read(double t) throws IOException {
            if (seconds.isEmpty()) {
                cpuAtStart = probe.cpuSeconds();
            }
            rssKib.add(probe.rssKib());
            seconds.add(t);
        }

        /** The last readings: fds and CPU, then, for a JVM, a full GC, its live heap and the RSS after it. */
        FootprintProcess finish() throws IOException, InterruptedException {
            int fds = probe.fds();
            double cpu = probe.cpuSeconds() - cpuAtStart;
            long heap = -1;
            long rssAfterGc = -1;
            if (probe.isJava()) {
                heap = probe.heapAfterGcKib();
                rssAfterGc = probe.rssKib();
            }
            return new FootprintProcess(route, side, seconds, rssKib, heap, rssAfterGc, fds, cpu);
        }
    }

    /** One route's traffic and its counts. */
    private static final class Counter {
        final Route route;
        final InetSocketAddress target;
        final AtomicLong shortOk = new AtomicLong();
        final AtomicLong shortFailed = new AtomicLong();
        final AtomicLong downloadsOk = new AtomicLong();
        final AtomicLong downloadsFailed = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();

        Counter(Route route, InetSocketAddress target) {
            this.route = route;
            this.target = target;
        }

        /**
         * One connection asking for {@code answerBytes} at {@code first}, {@code first + gap},
         * ... while before {@code deadline}; one that is late starts at once.
         */
        Void paced(long first, long gap, long deadline, int answerBytes, boolean download) throws InterruptedException {
            byte[] request = CostServer.request('R', answerBytes);
            for (long at = first; at < deadline; at += gap) {
                TimeUnit.NANOSECONDS.sleep(at - System.nanoTime()); // the traffic's schedule
                try (Socket s = LanClients.openAndAsk(target, request)) {
                    LanClients.readAnswer(s, answerBytes);
                    bytes.addAndGet(answerBytes);
                    (download ? downloadsOk : shortOk).incrementAndGet();
                } catch (IOException e) {
                    (download ? downloadsFailed : shortFailed).incrementAndGet();
                    firstError.compareAndSet(null, (download ? "download: " : "short connection: ") + e);
                }
            }
            return null;
        }

        FootprintTraffic result() {
            return new FootprintTraffic(route, shortOk.get(), shortFailed.get(), downloadsOk.get(),
                    downloadsFailed.get(), bytes.get(), firstError.get());
        }
    }
}
