package org.haap.loadtest.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One timed throughput measurement of one {@link Route}: {@code connections} connections,
 * each asking the server to send ({@code download}) or to discard ({@code upload}); once
 * all are open, every client counts the payload bytes it reads, or writes, for the same
 * window of {@code seconds}, then closes.
 *
 * @param route        the route
 * @param download     true: server to client; false: client to server
 * @param connections  connections at once
 * @param bytes        payload bytes moved inside the window, all connections
 * @param seconds      the window
 * @param cpeCpuSeconds CPU seconds of the CPE-side process during the window (NaN: none)
 * @param apCpuSeconds  CPU seconds of the AP-side process during the window (NaN: none)
 */
record ThroughputRun(Route route, boolean download, int connections, long bytes, double seconds,
                     double cpeCpuSeconds, double apCpuSeconds) {

    /** Payload rate in Mbit/s (10^6 bit/s). */
    double mbitPerSecond() {
        return bytes * 8 / seconds / 1e6;
    }

    /** CPU seconds of both proxy processes per 10^9 payload bytes (NaN for the kernel). */
    double cpuSecondsPerGb() {
        return (cpeCpuSeconds + apCpuSeconds) / (bytes / 1e9);
    }

    static ThroughputRun measure(PairBed bed, LanClients clients, Route route, boolean download, int connections,
                                 double seconds) throws Exception {
        if (connections > clients.size()) {
            throw new IllegalArgumentException("connections: " + connections + " (at most " + clients.size() + ")");
        }
        byte[] request = CostServer.request(download ? 'D' : 'U', 0);
        // Runs once every connection is open, before any client starts counting; the barrier
        // publishes what it writes to every thread it releases.
        double[] cpu0 = new double[2];
        long[] window = new long[2];
        CyclicBarrier ready = new CyclicBarrier(connections + 1, () -> {
            cpu0[0] = ConnRateRun.cpu(bed, route, true);
            cpu0[1] = ConnRateRun.cpu(bed, route, false);
            window[0] = System.nanoTime();
            window[1] = window[0] + (long) (seconds * 1e9);
        });
        List<Future<Long>> parts = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            parts.add(clients.executor().submit((Callable<Long>) () -> {
                try (Socket s = new Socket()) {
                    s.setSoTimeout(LanClients.TIMEOUT_MS);
                    s.connect(bed.target(route), LanClients.TIMEOUT_MS);
                    s.getOutputStream().write(request);
                    ready.await(LanClients.TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    return download ? read(s.getInputStream(), window[1]) : write(s.getOutputStream(), window[1]);
                }
            }));
        }
        ready.await(LanClients.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long bytes = 0;
        for (Future<Long> f : parts) {
            bytes += f.get();
        }
        double elapsed = Math.max(seconds, (System.nanoTime() - window[0]) / 1e9);
        return new ThroughputRun(route, download, connections, bytes, elapsed,
                ConnRateRun.cpu(bed, route, true) - cpu0[0], ConnRateRun.cpu(bed, route, false) - cpu0[1]);
    }

    private static long read(InputStream in, long deadline) throws IOException {
        byte[] buf = new byte[64 << 10];
        long total = 0;
        while (System.nanoTime() < deadline) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("the download ended early, after " + total + " bytes");
            }
            total += n;
        }
        return total;
    }

    private static long write(OutputStream out, long deadline) throws IOException {
        byte[] buf = new byte[64 << 10];
        long total = 0;
        while (System.nanoTime() < deadline) {
            out.write(buf);
            total += buf.length;
        }
        return total;
    }
}
