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
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.haap.core.metrics.internal.Connections;
import org.haap.core.metrics.internal.ScrapeMeters;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint on loopback with its default limits under slow clients (issue 12,
 * defect 5: one client that never finished its request blocked the JDK server for 70 s).
 */
class MetricsServerIT {

    private static final int TRICKLERS = 10;
    /** Bytes each trickler sends before the scrape: more than {@link Connections#SLOW} has passed. */
    private static final int STARTED_BYTES = 3;
    private static final long READ_TIMEOUT_MS = MetricsServer.Limits.DEFAULTS.readTimeout().toMillis();

    private final PrometheusMeterRegistry registry = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("it"));
    private static final byte[] REQUEST =
            "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Acceptance: while 10 connections trickle a request at one byte per second, a scrape answers within 1 s. */
    @Test
    void aScrapeAnswersWithinOneSecondWhileTenConnectionsTrickle() throws Exception {
        List<Long> cutAfterMs = scrapeWhileTrickling(TRICKLERS);
        // Each trickler is cut off by the read timeout, not allowed to finish its request.
        for (long ms : cutAfterMs) {
            assertTrue(ms >= READ_TIMEOUT_MS - 500 && ms < READ_TIMEOUT_MS + 3000, "trickler cut after " + ms + " ms");
        }
        assertEquals(TRICKLERS, closed(ScrapeMeters.Closed.READ_TIMEOUT));
        assertEquals(0, closed(ScrapeMeters.Closed.EVICTED_IDLE) + closed(ScrapeMeters.Closed.EVICTED_SLOW)
                + closed(ScrapeMeters.Closed.LIMIT));
    }

    /** Tricklers on every place the cap allows: the scrape takes the place of the oldest. */
    @Test
    void aScrapeAnswersWithinOneSecondWhileTricklersFillEveryPlace() throws Exception {
        int places = MetricsServer.Limits.DEFAULTS.maxConnections();
        List<Long> cutAfterMs = scrapeWhileTrickling(places);
        assertEquals(1, cutAfterMs.stream().filter(ms -> ms < READ_TIMEOUT_MS - 500).count(),
                "one trickler evicted early: " + cutAfterMs);
        assertEquals(1, closed(ScrapeMeters.Closed.EVICTED_IDLE), "the warm-up scrape's connection, for a trickler");
        assertEquals(1, closed(ScrapeMeters.Closed.EVICTED_SLOW), "the oldest trickler, for the scrape");
        assertEquals(places - 1, closed(ScrapeMeters.Closed.READ_TIMEOUT));
        assertEquals(0, closed(ScrapeMeters.Closed.LIMIT));
    }

    /**
     * Starts {@code tricklers} connections that send a request a byte a second, scrapes once
     * they have each sent three bytes, asserts the scrape answered within 1 s, and waits for the
     * tricklers to be cut off.
     *
     * @return for each trickler, the milliseconds from connecting until the server closed
     */
    private List<Long> scrapeWhileTrickling(int tricklers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tricklers);
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                registry)) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest scrape = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            // a first scrape (another client, so another connection) before the tricklers, so that the
            // time measured below is the server's, not the HTTP client's class loading; its connection
            // stays open, idle
            assertEquals(200, HttpClient.newHttpClient().send(scrape, HttpResponse.BodyHandlers.discarding())
                    .statusCode());

            CountDownLatch started = new CountDownLatch(tricklers * STARTED_BYTES);
            List<Future<Long>> running = new ArrayList<>();
            for (int i = 0; i < tricklers; i++) {
                running.add(pool.submit(() -> trickle(server.address(), started)));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "tricklers did not start");
            long t0 = System.nanoTime();
            HttpResponse<String> response = client.send(scrape, HttpResponse.BodyHandlers.ofString());
            long scrapeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("haap_build_info{version=\"it\"} 1"));
            System.out.printf("MetricsServerIT: scrape answered in %d ms while %d connections trickle%n", scrapeMs,
                    tricklers);
            assertTrue(scrapeMs < 1000, "scrape took " + scrapeMs + " ms while " + tricklers + " connections trickle");

            List<Long> cutAfterMs = new ArrayList<>();
            for (Future<Long> t : running) {
                cutAfterMs.add(t.get(30, TimeUnit.SECONDS));
            }
            return cutAfterMs;
        } finally {
            pool.shutdownNow();
        }
    }

    private double closed(ScrapeMeters.Closed reason) {
        return registry.get("haap.metrics.http.connections.closed")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT)).counter().count();
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
                if (i < STARTED_BYTES) {
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
