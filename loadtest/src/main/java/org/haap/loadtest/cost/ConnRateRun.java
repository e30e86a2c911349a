package org.haap.loadtest.cost;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.haap.loadtest.ProcessProbe;

/**
 * One timed conn-rate measurement of one {@link Route}: every client thread opens a
 * connection, sends one request, reads the whole answer (the server closes), and starts
 * over, until the time is up.
 *
 * @param route     the route measured
 * @param ok        connections that got their whole answer
 * @param failed    connections that failed (refused, reset, cut short, timed out)
 * @param seconds   the measured time
 * @param ttfbMs    per successful connection: from the start of connect() to the first
 *                  answer byte, in ms
 * @param cpeCpuSeconds CPU seconds of the route's CPE-side process during the run (NaN: none)
 * @param apCpuSeconds  CPU seconds of the route's AP-side process during the run (NaN: none)
 * @param kernelCpuSeconds of those, the system time of both processes (NaN: none)
 * @param firstError the first failure's message, or null
 */
record ConnRateRun(Route route, int ok, int failed, double seconds, List<Double> ttfbMs, double cpeCpuSeconds,
                   double apCpuSeconds, double kernelCpuSeconds, String firstError) {

    ConnRateRun {
        ttfbMs = List.copyOf(ttfbMs);
    }

    /** Successful connections per second. */
    double connectionsPerSecond() {
        return ok / seconds;
    }

    /** One thread's share of a run. */
    private record Part(int ok, int failed, List<Double> ttfbMs, String firstError) {
    }

    /** Measures {@code route} for {@code seconds} with every thread of {@code clients}. */
    static ConnRateRun measure(PairBed bed, LanClients clients, Route route, double seconds, int answerBytes)
            throws Exception {
        InetSocketAddress target = bed.target(route);
        byte[] request = CostServer.request('R', answerBytes);
        double cpe0 = cpu(bed, route, true);
        double ap0 = cpu(bed, route, false);
        double kernel0 = kernelCpu(bed, route);
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        List<Future<Part>> parts = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            parts.add(clients.executor().submit((Callable<Part>) () -> loop(target, request, answerBytes, deadline)));
        }
        int ok = 0;
        int failed = 0;
        List<Double> ttfb = new ArrayList<>();
        String firstError = null;
        for (Future<Part> f : parts) {
            Part p = f.get();
            ok += p.ok();
            failed += p.failed();
            ttfb.addAll(p.ttfbMs());
            if (firstError == null) {
                firstError = p.firstError();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new ConnRateRun(route, ok, failed, elapsed, ttfb, cpu(bed, route, true) - cpe0,
                cpu(bed, route, false) - ap0, kernelCpu(bed, route) - kernel0, firstError);
    }

    /**
     * Runs {@code seconds} of short connections, not counted, through every proxied route of
     * {@code routes}: the JVMs' JIT compilers are busy for tens of seconds after a start.
     */
    static void warmUp(org.haap.loadtest.ScenarioContext ctx, PairBed bed, LanClients clients, List<Route> routes,
                       double seconds) throws Exception {
        for (Route r : routes) {
            if (r.proxied()) {
                ctx.progress("warm-up " + r.label() + " (" + seconds + " s of short connections, not counted)");
                measure(bed, clients, r, seconds, ConnRateScenario.ANSWER_BYTES);
            }
        }
    }

    private static Part loop(InetSocketAddress target, byte[] request, int answerBytes, long deadline) {
        int ok = 0;
        int failed = 0;
        List<Double> ttfb = new ArrayList<>();
        String firstError = null;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            try (Socket s = LanClients.openAndAsk(target, request)) {
                double ms = (System.nanoTime() - t0) / 1e6;
                LanClients.readAnswer(s, answerBytes);
                ok++;
                ttfb.add(ms);
            } catch (Exception e) {
                failed++;
                if (firstError == null) {
                    firstError = e.toString();
                }
            }
        }
        return new Part(ok, failed, ttfb, firstError);
    }

    /** System-time seconds so far of the route's two processes together (NaN for the kernel route). */
    static double kernelCpu(PairBed bed, Route route) {
        if (!route.proxied()) {
            return Double.NaN;
        }
        try {
            return bed.cpeProcess(route).systemCpuSeconds() + bed.apProcess(route).systemCpuSeconds();
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds so far of the route's CPE-side or AP-side process (NaN for the kernel route). */
    static double cpu(PairBed bed, Route route, boolean cpe) {
        if (!route.proxied()) {
            return Double.NaN;
        }
        ProcessProbe p = cpe ? bed.cpeProcess(route) : bed.apProcess(route);
        try {
            return p.cpuSeconds();
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }
}
