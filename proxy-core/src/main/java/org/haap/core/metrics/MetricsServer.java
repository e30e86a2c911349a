package org.haap.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.haap.core.metrics.internal.Connections;
import org.haap.core.metrics.internal.ScrapeInitializer;
import org.haap.core.metrics.internal.ScrapeMeters;

/**
 * Serves a {@link PrometheusMeterRegistry} over HTTP/1.1 in the Prometheus text format on
 * {@code /metrics} ({@code GET} and {@code HEAD}; 404 elsewhere, 405 for other methods). It
 * runs on its own single Netty event loop, away from the data path's event loops, binds to
 * a management address chosen by configuration (loopback by default), and cannot be tied
 * up by its clients: a request must arrive whole within {@link Limits#readTimeout()} (a
 * client that connects and trickles or sends nothing is closed) and its answer be taken
 * within the same time (a client that does not read is closed), a kept-alive connection
 * waits at most {@link Limits#idleTimeout()} for its next request, requests are small (4 KiB
 * line, 8 KiB headers, 4 KiB body), and at most {@link Limits#maxConnections()} connections
 * are open (a new one replaces the longest-idle kept-alive connection, else the one that has
 * been sending its request the longest if that took a second or more, else it is refused).
 * Every connection it closes itself is counted in
 * {@code haap_metrics_http_connections_closed_total{reason}}.
 */
public final class MetricsServer implements AutoCloseable {

    private static final int BACKLOG = 16;

    /**
     * How much the endpoint's clients may take.
     *
     * @param readTimeout    time to receive a whole request, from the connection's opening or
     *                       from the first byte of a kept-alive connection's next request;
     *                       then again for the client to take the answer
     * @param idleTimeout    time a kept-alive connection may wait for its next request
     * @param maxConnections connections open at once, &gt;= 1
     */
    public record Limits(Duration readTimeout, Duration idleTimeout, int maxConnections) {

        /** 5 s to send a request, 30 s between kept-alive requests, 16 connections. */
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(30), 16);

        public Limits {
            positive(readTimeout, "readTimeout");
            positive(idleTimeout, "idleTimeout");
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
            }
        }

        private static void positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
        }
    }

    private final EventLoopGroup group;
    private final Channel server;

    private MetricsServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Starts serving {@code registry} on {@code listen} with {@link Limits#DEFAULTS}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsServer start(InetSocketAddress listen, PrometheusMeterRegistry registry) throws IOException {
        return start(listen, registry, Limits.DEFAULTS);
    }

    /**
     * Starts serving {@code registry} on {@code listen} within {@code limits}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsServer start(InetSocketAddress listen, PrometheusMeterRegistry registry, Limits limits)
            throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(limits, "limits");
        ScrapeMeters meters = ScrapeMeters.of(registry);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haap-metrics-http", true),
                NioIoHandler.newFactory());
        Connections connections = new Connections(limits.maxConnections(), Ticker.systemTicker(), meters);
        long readNanos = limits.readTimeout().toNanos();
        long idleNanos = limits.idleTimeout().toNanos();
        ChannelFuture bound = new ServerBootstrap().group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ScrapeInitializer(registry, meters, connections, readNanos, idleNanos))
                .bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException("cannot bind " + listen + ": " + cause, cause);
        }
        return new MetricsServer(group, bound.channel());
    }

    /** The address actually bound (useful with port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops listening and closes every open connection. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
