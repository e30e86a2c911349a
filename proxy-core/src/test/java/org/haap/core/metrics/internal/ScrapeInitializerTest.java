package org.haap.core.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.haap.core.metrics.BuildInfo;
import org.haap.core.metrics.MetricsRegistries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One metrics connection's pipeline on an {@link EmbeddedChannel}: HTTP in and out as bytes, time advanced by hand. */
class ScrapeInitializerTest {

    private static final long READ_MS = 5_000;
    private static final long IDLE_MS = 30_000;
    private static final String GET = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";

    private final PrometheusMeterRegistry registry = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("7.7"));
    private final ScrapeMeters meters = ScrapeMeters.of(registry);
    private final MockTicker ticker = Ticker.newMockTicker();
    private final Connections connections = new Connections(2, ticker, meters);
    private final ScrapeInitializer initializer = new ScrapeInitializer(registry, meters, connections,
            TimeUnit.MILLISECONDS.toNanos(READ_MS), TimeUnit.MILLISECONDS.toNanos(IDLE_MS));
    private final java.util.List<EmbeddedChannel> channels = new java.util.ArrayList<>();

    @AfterEach
    void finish() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel open() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // before the pipeline is built, so its timers start on the frozen clock
        ch.pipeline().addLast(initializer);
        channels.add(ch);
        return ch;
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    /** Sends {@code request} and returns the answer as text. */
    private static String exchange(EmbeddedChannel ch, String request) {
        send(ch, request);
        return output(ch);
    }

    /** Sends {@code request}, checks the answer's status line and returns the answer. */
    private static String answer(EmbeddedChannel ch, String request, String statusLine) {
        String out = exchange(ch, request);
        assertTrue(out.startsWith(statusLine + "\r\n"), out);
        return out;
    }

    /** Everything written to the peer so far, as text. */
    private static String output(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null;) {
            ByteBuf b = (ByteBuf) o;
            try {
                out.append(b.toString(StandardCharsets.UTF_8));
            } finally {
                b.release();
            }
        }
        return out.toString();
    }

    private static void advance(EmbeddedChannel ch, long ms) {
        ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private double closed(ScrapeMeters.Closed reason) {
        return meters.closedCount(reason);
    }

    @Test
    void getMetricsAnswersThePrometheusTextAndKeepsTheConnection() {
        EmbeddedChannel ch = open();
        String out = answer(ch, "GET /metrics?name[]=x HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 OK");
        assertTrue(out.contains("content-type: " + ScrapeHandler.CONTENT_TYPE + "\r\n"), out);
        assertTrue(out.contains("haap_build_info{version=\"7.7\"} 1"), out);
        assertTrue(out.contains("haap_metrics_http_connections_closed_total{reason=\"read_timeout\"} 0"), out);
        assertTrue(ch.isOpen());
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        EmbeddedChannel ch = open();
        String out = answer(ch, "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 OK");
        int length = Integer.parseInt(out.replaceAll("(?s).*content-length: (\\d+)\r\n.*", "$1"));
        assertTrue(length > 0, out);
        assertTrue(out.endsWith("\r\n\r\n"), out);
    }

    @Test
    void otherPathsAre404AndOtherMethods405() {
        EmbeddedChannel ch = open();
        answer(ch, "GET /other HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 404 Not Found");
        String out = answer(ch, "POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
                "HTTP/1.1 405 Method Not Allowed");
        assertTrue(out.contains("allow: GET, HEAD\r\n"), out);
        assertTrue(ch.isOpen());
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        EmbeddedChannel ch = open();
        answer(ch, "GET /metrics HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK");
        assertFalse(ch.isOpen());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        EmbeddedChannel ch = open();
        String out = answer(ch, "GET /nope HTTP/1.1\r\nHost: a\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n",
                "HTTP/1.1 404 Not Found");
        assertTrue(out.contains("HTTP/1.1 200 OK\r\n"), out);
    }

    @Test
    void anOverlongRequestLineIs400ClosedAndCounted() {
        EmbeddedChannel ch = open();
        answer(ch, "GET /" + "a".repeat(ScrapeInitializer.MAX_INITIAL_LINE) + " HTTP/1.1\r\n\r\n",
                "HTTP/1.1 400 Bad Request");
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.BAD_REQUEST));
    }

    @Test
    void anOversizedBodyIs413AndCounted() {
        EmbeddedChannel ch = open();
        String tooLong = "Content-Length: " + (ScrapeInitializer.MAX_BODY + 1);
        answer(ch, "POST /metrics HTTP/1.1\r\nHost: a\r\n" + tooLong + "\r\n\r\n",
                "HTTP/1.1 413 Request Entity Too Large");
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.BAD_REQUEST));
    }

    @Test
    void aSilentConnectionIsClosedAtTheReadTimeout() {
        EmbeddedChannel ch = open();
        advance(ch, READ_MS - 1);
        assertTrue(ch.isOpen());
        advance(ch, 1);
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.READ_TIMEOUT));
        assertEquals("", output(ch));
    }

    @Test
    void tricklingDoesNotExtendTheReadTimeout() {
        EmbeddedChannel ch = open();
        for (int i = 0; i < READ_MS / 1000 - 1; i++) {
            send(ch, GET.substring(i, i + 1));
            advance(ch, 1000);
            assertTrue(ch.isOpen(), "closed after " + (i + 1) + " s");
        }
        send(ch, "T");
        advance(ch, 1000);
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.READ_TIMEOUT));
    }

    @Test
    void aClientThatDoesNotTakeItsAnswerIsClosedAtTheReadTimeout() {
        EmbeddedChannel ch = open();
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg); // a peer that never reads: the write never completes
            }
        });
        send(ch, GET);
        advance(ch, READ_MS - 1);
        assertTrue(ch.isOpen());
        advance(ch, 1);
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.WRITE_TIMEOUT));
        assertEquals(0, closed(ScrapeMeters.Closed.READ_TIMEOUT));
    }

    @Test
    void aKeptAliveConnectionWaitsTheIdleTimeoutThenAFreshReadTimeout() {
        EmbeddedChannel ch = open();
        advance(ch, READ_MS - 1);
        exchange(ch, GET);
        advance(ch, IDLE_MS - 1);
        assertTrue(ch.isOpen(), "idle, not read, timeout between requests");
        send(ch, "G"); // the next request starts: the read timeout runs from here
        advance(ch, READ_MS - 1);
        assertTrue(ch.isOpen());
        answer(ch, "ET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 OK");
        advance(ch, IDLE_MS);
        assertFalse(ch.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.IDLE_TIMEOUT));
        assertEquals(0, closed(ScrapeMeters.Closed.READ_TIMEOUT));
    }

    @Test
    void atTheCapANewConnectionIsRefusedWhileAllAreSendingTheirRequestForLessThanASecond() {
        EmbeddedChannel a = open();
        ticker.advance(Connections.SLOW - 1, TimeUnit.NANOSECONDS);
        EmbeddedChannel b = open();
        EmbeddedChannel c = open();
        assertTrue(a.isOpen() && b.isOpen());
        assertFalse(c.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.LIMIT));
        assertEquals(2, connections.size());
        a.close();
        assertEquals(1, connections.size());
        assertTrue(open().isOpen(), "a closed connection frees its place");
    }

    @Test
    void atTheCapANewConnectionEvictsTheLongestIdle() {
        EmbeddedChannel a = open();
        EmbeddedChannel b = open();
        exchange(b, GET);
        exchange(a, GET);
        send(a, "GE"); // a is sending its next request, b is idle
        ticker.advance(10, TimeUnit.SECONDS);
        EmbeddedChannel c = open();
        assertTrue(c.isOpen());
        assertTrue(a.isOpen());
        assertFalse(b.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.EVICTED_IDLE));
        assertEquals(0, closed(ScrapeMeters.Closed.EVICTED_SLOW) + closed(ScrapeMeters.Closed.LIMIT));
        assertEquals(2, connections.size());
    }

    @Test
    void withNoneIdleANewConnectionEvictsTheOneSendingItsRequestTheLongestOnceThatTookASecond() {
        EmbeddedChannel a = open();
        ticker.advance(100, TimeUnit.MILLISECONDS);
        EmbeddedChannel b = open();
        exchange(a, GET);
        ticker.advance(Connections.SLOW, TimeUnit.NANOSECONDS);
        send(a, "G"); // a's second request starts now: b has been sending the longest, for a second
        EmbeddedChannel c = open();
        assertTrue(a.isOpen() && c.isOpen());
        assertFalse(b.isOpen());
        assertEquals(1, closed(ScrapeMeters.Closed.EVICTED_SLOW));
        EmbeddedChannel d = open();
        assertFalse(d.isOpen(), "a and c have been sending for less than a second");
        assertEquals(1, closed(ScrapeMeters.Closed.LIMIT));
    }
}
