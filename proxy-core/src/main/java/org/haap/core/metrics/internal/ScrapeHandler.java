package org.haap.core.metrics.internal;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * Answers one metrics connection's requests: {@code GET /metrics} (query ignored) with the
 * registry in the Prometheus text format 0.0.4, {@code HEAD /metrics} with its headers only,
 * 405 for another method on {@code /metrics}, 404 for any other path, 400 (and close) for a
 * request the codec could not decode. Keep-alive as the client asks.
 */
public final class ScrapeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The one path served. */
    public static final String PATH = "/metrics";

    private static final Logger LOG = System.getLogger(ScrapeHandler.class.getName());

    private final PrometheusMeterRegistry registry;
    private final ScrapeMeters meters;

    public ScrapeHandler(PrometheusMeterRegistry registry, ScrapeMeters meters) {
        this.registry = registry;
        this.meters = meters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RequestTimeouts timeouts = ctx.pipeline().get(RequestTimeouts.class);
        if (timeouts != null) {
            timeouts.requestComplete();
        }
        if (request.decoderResult().isFailure()) {
            meters.closed(ScrapeMeters.Closed.BAD_REQUEST);
            respond(ctx, status(request, HttpResponseStatus.BAD_REQUEST), false, timeouts);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            respond(ctx, status(request, HttpResponseStatus.NOT_FOUND), keepAlive, timeouts);
            return;
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse r = status(request, HttpResponseStatus.METHOD_NOT_ALLOWED);
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, r, keepAlive, timeouts);
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                HttpMethod.HEAD.equals(method) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        respond(ctx, r, keepAlive, timeouts);
    }

    private static FullHttpResponse status(FullHttpRequest request, HttpResponseStatus status) {
        HttpVersion version = request.decoderResult().isFailure() ? HttpVersion.HTTP_1_1 : request.protocolVersion();
        FullHttpResponse r = new DefaultFullHttpResponse(version, status, Unpooled.EMPTY_BUFFER);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive,
            RequestTimeouts timeouts) {
        if (keepAlive) {
            if (!response.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    f.channel().close();
                } else if (timeouts != null) {
                    timeouts.responded();
                }
            });
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, () -> "metrics connection " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }
}
