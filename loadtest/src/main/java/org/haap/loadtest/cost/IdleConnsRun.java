package org.haap.loadtest.cost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.haap.loadtest.ProcessProbe;
import org.haap.loadtest.ScenarioContext;

/**
 * One idle-conns measurement of one {@link Route}: the proxy processes' footprint at rest,
 * then {@code target} connections opened (each one request, one answer byte, so it is
 * relayed end to end) and held idle, the footprint again, then every connection closed and,
 * {@code afterCloseSeconds} s (default {@link #AFTER_CLOSE_SECONDS}) after the proxies have let
 * go of them, the RSS once more.
 *
 * @param route       the route measured
 * @param target      connections asked for
 * @param opened      connections that got their answer byte
 * @param openSeconds from the first connect to the last answer byte
 * @param firstError  the first failure's message, or null
 * @param cpe         the CPE-side process's readings (null for the kernel route)
 * @param ap          the AP-side process's readings (null for the kernel route)
 */
record IdleConnsRun(Route route, int target, int opened, double openSeconds, String firstError, Side cpe, Side ap) {

    /** How long after the proxies closed their side the last RSS is read, by default. */
    static final int AFTER_CLOSE_SECONDS = 60;
    /** Failures after which opening stops. */
    static final int MAX_FAILURES = 100;

    /**
     * One process's readings: at rest, with the connections open, and after they closed.
     * Heap figures are the live bytes after a full GC ({@code jcmd GC.class_histogram}),
     * -1 for a process that is not a JVM.
     */
    record Side(long idleRssKib, int idleFds, long idleHeapKib, long openRssKib, int openFds, long openHeapKib,
                long afterCloseRssKib, int afterCloseFds) {

        double rssKibPerConnection(int opened) {
            return opened == 0 ? Double.NaN : (openRssKib - idleRssKib) / (double) opened;
        }

        double heapKibPerConnection(int opened) {
            return opened == 0 || idleHeapKib < 0 ? Double.NaN : (openHeapKib - idleHeapKib) / (double) opened;
        }

        double fdsPerConnection(int opened) {
            return opened == 0 ? Double.NaN : (openFds - idleFds) / (double) opened;
        }

        /** The RSS after the close over the RSS at rest. */
        double afterCloseToIdle() {
            return afterCloseRssKib / (double) idleRssKib;
        }
    }

    private record Reading(long rssKib, int fds, long heapKib) {
    }

    static IdleConnsRun measure(ScenarioContext ctx, PairBed bed, LanClients clients, Route route, int target,
                                int afterCloseSeconds) throws Exception {
        String what = "idle-conns " + route.label();
        Reading cpeIdle = route.proxied() ? read(bed.cpeProcess(route), true) : null;
        Reading apIdle = route.proxied() ? read(bed.apProcess(route), true) : null;

        Queue<Socket> open = new ConcurrentLinkedQueue<>();
        try {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<String> firstError = new AtomicReference<>();
            InetSocketAddress to = bed.target(route);
            byte[] hello = CostServer.request('H', 1);
            ctx.progress(what + ": opening " + target + " connections");
            long start = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                parts.add(clients.executor().submit((Callable<Void>) () -> {
                    while (next.getAndIncrement() < target && failures.get() < MAX_FAILURES) {
                        try {
                            open.add(LanClients.openAndAsk(to, hello));
                        } catch (IOException e) {
                            failures.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            int opened = open.size();
            ctx.progress(String.format(java.util.Locale.ROOT, "%s: %d of %d open in %.1f s%s", what, opened, target,
                    openSeconds, firstError.get() == null ? "" : ", first failure: " + firstError.get()));
            if (!route.proxied()) {
                return new IdleConnsRun(route, target, opened, openSeconds, firstError.get(), null, null);
            }
            Thread.sleep(2000); // let the last sessions finish their set-up (pool refills, subflows)
            Reading cpeOpen = read(bed.cpeProcess(route), true);
            Reading apOpen = read(bed.apProcess(route), true);
            closeAll(open);
            ctx.progress(what + ": closed; waiting for the proxies to let go, then " + AFTER_CLOSE_SECONDS + " s");
            awaitFds(bed.cpeProcess(route), cpeIdle.fds(), opened);
            awaitFds(bed.apProcess(route), apIdle.fds(), opened);
            Thread.sleep(afterCloseSeconds * 1000L); // the figure is the RSS this long after the load ended
            Reading cpeAfter = read(bed.cpeProcess(route), false);
            Reading apAfter = read(bed.apProcess(route), false);
            return new IdleConnsRun(route, target, opened, openSeconds, firstError.get(),
                    side(cpeIdle, cpeOpen, cpeAfter), side(apIdle, apOpen, apAfter));
        } finally {
            closeAll(open);
        }
    }

    private static Side side(Reading idle, Reading open, Reading after) {
        return new Side(idle.rssKib(), idle.fds(), idle.heapKib(), open.rssKib(), open.fds(), open.heapKib(),
                after.rssKib(), after.fds());
    }

    /** RSS and fds first (a forced GC would change the RSS), then, for a JVM, the heap after a full GC. */
    private static Reading read(ProcessProbe p, boolean heap) throws IOException, InterruptedException {
        long rss = p.rssKib();
        int fds = p.fds();
        long heapKib = -1;
        if (heap && p.isJava()) {
            heapKib = p.heapAfterGcKib();
        }
        return new Reading(rss, fds, heapKib);
    }

    /** Waits up to 60 s until {@code p} holds at most 1 % of the connections' fds more than at rest. */
    private static void awaitFds(ProcessProbe p, int idleFds, int opened) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (p.fds() > idleFds + Math.max(16, opened / 100) && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling /proc: there is no event for a process closing its fds
        }
    }

    private static void closeAll(Queue<Socket> open) {
        for (Socket s; (s = open.poll()) != null; ) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
