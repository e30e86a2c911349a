package org.haap.loadtest.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

class PageHandlerTest {

    private static final BrowserPage PAGE = BrowserPage.generate(6, 8);

    private final List<PageHandler.Report> reports = new ArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger notFound = new AtomicInteger();
    private final EmbeddedChannel ch = new EmbeddedChannel(new PageHandler(PAGE, reports::add, served::incrementAndGet,
            notFound::incrementAndGet));

    private static FullHttpRequest get(String host, String uri) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set(HttpHeaderNames.HOST, host);
        return r;
    }

    private FullHttpResponse exchange(FullHttpRequest req) {
        ch.writeInbound(req);
        return ch.readOutbound();
    }

    @Test
    void servesObjectsWithKeepAliveAndNoStore() {
        BrowserPage.Resource css = PAGE.objects().stream().filter(o -> o.kind() == BrowserPage.Kind.CSS).findFirst()
                .orElseThrow();
        for (int i = 0; i < 2; i++) { // two requests on one connection
            FullHttpResponse res = exchange(get(PAGE.hosts().get(css.host()) + ":80", css.path()));
            try {
                assertEquals(HttpResponseStatus.OK, res.status());
                assertEquals("text/css", res.headers().get(HttpHeaderNames.CONTENT_TYPE));
                assertEquals(Integer.toString(css.body().length), res.headers().get(HttpHeaderNames.CONTENT_LENGTH));
                assertEquals("no-store", res.headers().get(HttpHeaderNames.CACHE_CONTROL));
                assertEquals(css.body().length, res.content().readableBytes());
                assertTrue(ch.isOpen(), "kept alive");
            } finally {
                res.release();
            }
        }
        assertEquals(0, notFound.get());
        assertEquals(2, served.get());
    }

    @Test
    void closesWhenAskedTo() {
        FullHttpRequest req = get("h0.page.test", "/?load=1");
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        FullHttpResponse res = exchange(req);
        res.release();
        assertFalse(ch.isOpen());
    }

    @Test
    void unknownObjectsAreCountedAsNotFound() {
        FullHttpResponse res = exchange(get("h1.page.test", "/favicon.ico"));
        assertEquals(HttpResponseStatus.NOT_FOUND, res.status());
        assertEquals("0", res.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        res.release();
        assertEquals(1, notFound.get());
        assertEquals(0, served.get());
    }

    @Test
    void reportIsParsedAndAcknowledged() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, BrowserPage.REPORT_PATH,
                Unpooled.copiedBuffer("{\"load\":\"7\",\"ms\":812.5,\"ttfb\":101.2,\"dcl\":640,\"resources\":8}",
                        StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.HOST, "h0.page.test");
        FullHttpResponse res = exchange(req);
        assertEquals(HttpResponseStatus.NO_CONTENT, res.status());
        res.release();
        assertEquals(List.of(new PageHandler.Report("7", 812.5, 101.2, 640, 8)), reports);
    }

    @Test
    void badReportIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PageHandler.Report.parse("{\"load\":\"7\",\"ms\":null}"));
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, BrowserPage.REPORT_PATH,
                Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
        FullHttpResponse res = exchange(req);
        assertEquals(HttpResponseStatus.BAD_REQUEST, res.status());
        res.release();
        assertTrue(reports.isEmpty());
    }
}
