package org.haap.core.metrics.internal;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds one metrics connection's pipeline: admission against the connection cap, then
 * {@link RequestTimeouts} (before the codec, so it sees every byte), the HTTP/1.1 codec with
 * small limits (4 KiB request line, 8 KiB headers, 4 KiB body), the aggregator and
 * {@link ScrapeHandler}. Shared by every connection of one endpoint; runs on its event loop.
 */
public final class ScrapeInitializer extends ChannelInitializer<Channel> {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 4096;

    private final PrometheusMeterRegistry registry;
    private final ScrapeMeters meters;
    private final Connections connections;
    private final long readNanos;
    private final long idleNanos;

    /**
     * @param readNanos time a request may take to arrive whole
     * @param idleNanos time a kept-alive connection may wait for its next request
     */
    public ScrapeInitializer(PrometheusMeterRegistry registry, ScrapeMeters meters, Connections connections,
            long readNanos, long idleNanos) {
        this.registry = registry;
        this.meters = meters;
        this.connections = connections;
        this.readNanos = readNanos;
        this.idleNanos = idleNanos;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!connections.admit(ch)) {
            ch.close();
            return;
        }
        ch.pipeline().addLast(new RequestTimeouts(readNanos, idleNanos, connections, meters),
                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, MAX_BODY),
                new CountingAggregator(meters),
                new ScrapeHandler(registry, meters));
    }

    /** The aggregator; a request too large for it is answered 413, counted and its connection closed. */
    private static final class CountingAggregator extends HttpObjectAggregator {

        private final ScrapeMeters meters;

        CountingAggregator(ScrapeMeters meters) {
            super(MAX_BODY);
            this.meters = meters;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            meters.closed(ScrapeMeters.Closed.BAD_REQUEST);
            FullHttpResponse tooLarge = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER);
            tooLarge.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(tooLarge).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
