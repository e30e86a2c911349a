package org.haap.loadtest.browser;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Serves a {@link BrowserPage} over HTTP/1.1 (after an {@code HttpServerCodec} and an
 * {@code HttpObjectAggregator}): {@code GET} or {@code HEAD} of a page object on the host the
 * {@code Host} header names gets it with {@code Cache-Control: no-store} and
 * {@code Timing-Allow-Origin: *}; a {@code POST} to
 * {@link BrowserPage#REPORT_PATH} is a load's timing report, parsed and handed to the
 * report sink, answered 204; anything else 404. It counts the objects it served and the
 * 404s. The connection stays open after each answer unless the request asked for
 * {@code Connection: close} (HTTP/1.1 keep-alive).
 */
final class PageHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"]*)\"|-?[0-9.eE+-]+|null)");

    private final BrowserPage page;
    private final Consumer<Report> reports;
    private final Runnable served;
    private final Runnable notFound;

    /**
     * A load's report, as the page's script sent it.
     *
     * @param load      the load's id (the document's {@code ?load=} value)
     * @param loadMs    {@code loadEventEnd - startTime} of the navigation entry
     * @param ttfbMs    {@code responseStart - startTime}: the document's first byte
     * @param dclMs     {@code domContentLoadedEventEnd - startTime}
     * @param resources the page's resource-timing entries (not a count of the objects fetched:
     *                  Chromium 156 listed none for the style sheets' background images)
     */
    record Report(String load, double loadMs, double ttfbMs, double dclMs, int resources) {

        /**
         * Parses the script's JSON ({@code {"load":"3","ms":812.4,...}}).
         *
         * @throws IllegalArgumentException if a field is missing or not a number
         */
        static Report parse(String json) {
            java.util.Map<String, String> f = new java.util.HashMap<>();
            Matcher m = FIELD.matcher(json);
            while (m.find()) {
                f.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
            }
            try {
                return new Report(f.get("load"), Double.parseDouble(f.get("ms")), Double.parseDouble(f.get("ttfb")),
                        Double.parseDouble(f.get("dcl")), Integer.parseInt(f.get("resources")));
            } catch (NullPointerException | NumberFormatException e) {
                throw new IllegalArgumentException("report: " + json
                        + " (expected: {\"load\":ID,\"ms\":..,\"ttfb\":..,\"dcl\":..,\"resources\":N})", e);
            }
        }
    }

    PageHandler(BrowserPage page, Consumer<Report> reports, Runnable served, Runnable notFound) {
        this.page = page;
        this.reports = reports;
        this.served = served;
        this.notFound = notFound;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST, "");
        FullHttpResponse res;
        if (req.method().equals(HttpMethod.POST) && req.uri().equals(BrowserPage.REPORT_PATH)) {
            res = report(req.content().toString(StandardCharsets.UTF_8));
        } else {
            BrowserPage.Resource r = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD)
                    ? page.find(host, req.uri()) : null;
            if (r == null) {
                notFound.run();
                res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
            } else {
                res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        req.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.kind().contentType());
                HttpUtil.setContentLength(res, r.body().length);
                served.run();
            }
        }
        if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        // the page's own script may read every object's Resource Timing (DNS, connect, first byte)
        res.headers().set("Timing-Allow-Origin", "*");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(res, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse report(String body) {
        try {
            reports.accept(Report.parse(body));
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        } catch (IllegalArgumentException e) {
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a browser killed mid-load resets its connections
    }
}
