package org.haap.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.haap.core.metrics.internal.ScrapeMeters;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint on loopback with its default limits under slow clients (issue 12,
 * defect 5: one client that never finished its request blocked the JDK server for 70 s).
 */
class MetricsServerIT {

    private static final int TRICKLERS = 10;
    private static final byte[] REQUEST =
            "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Acceptance: while 10 connections trickle a request at one byte per second, a scrape answers within 1 s. */
    @Test
    void aScrapeAnswersWithinOneSecondWhileTenConnectionsTrickle() throws Exception {
        PrometheusMeterRegistry registry = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("it"));
        ExecutorService pool = Executors.newFixedThreadPool(TRICKLERS);
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                registry)) {
            CountDownLatch started = new CountDownLatch(TRICKLERS * 2); // each has sent two bytes
            List<Future<Long>> tricklers = new ArrayList<>();
            for (int i = 0; i < TRICKLERS; i++) {
                tricklers.add(pool.submit(() -> trickle(server.address(), started)));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "tricklers did not start");

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest scrape = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = client.send(scrape, HttpResponse.BodyHandlers.ofString());
            long scrapeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("haap_build_info{version=\"it\"} 1"));
            System.out.printf("MetricsServerIT: scrape answered in %d ms while %d connections trickle%n", scrapeMs,
                    TRICKLERS);
            assertTrue(scrapeMs < 1000, "scrape took " + scrapeMs + " ms while " + TRICKLERS + " connections trickle");

            // Each trickler is cut off by the 5 s read timeout, not allowed to finish its request.
            long readTimeoutMs = MetricsServer.Limits.DEFAULTS.readTimeout().toMillis();
            for (Future<Long> t : tricklers) {
                long cutAfterMs = t.get(30, TimeUnit.SECONDS);
                assertTrue(cutAfterMs >= readTimeoutMs - 500 && cutAfterMs < readTimeoutMs + 3000,
                        "trickler cut after " + cutAfterMs + " ms");
            }
            assertEquals(TRICKLERS, registry.get("haap.metrics.http.connections.closed")
                    .tag("reason", ScrapeMeters.Closed.READ_TIMEOUT.name().toLowerCase(java.util.Locale.ROOT))
                    .counter().count());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends {@link #REQUEST} one byte per second until the server closes the connection.
     *
     * @return milliseconds from connecting until the server closed
     */
    private static long trickle(InetSocketAddress server, CountDownLatch started) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            long t0 = System.nanoTime();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            s.setSoTimeout(1000);
            for (int i = 0; i < REQUEST.length; i++) {
                try {
                    out.write(REQUEST[i]);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                if (i < 2) {
                    started.countDown();
                }
                try {
                    if (in.read() < 0) {
                        break; // closed by the server
                    }
                    throw new AssertionError("the server answered an incomplete request");
                } catch (java.net.SocketTimeoutException oneSecondPassed) {
                    // next byte
                } catch (IOException reset) {
                    break;
                }
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }
}
