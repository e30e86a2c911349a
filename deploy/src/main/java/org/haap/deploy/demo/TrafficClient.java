package org.haap.deploy.demo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.Protocol;
import org.haap.core.sys.NetworkNamespace;
import org.haap.deploy.demo.internal.ClientSession;
import org.haap.deploy.demo.internal.Pattern;
import org.haap.deploy.demo.internal.Request;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Opens traffic connections to a {@link TrafficServer} from a network namespace, as plain
 * TCP (an unmodified client: through the gateway when run in the client namespace) or as
 * MPTCP (the kernel-only baseline). Each connection uploads, downloads or pings and
 * completes with a {@link StreamResult} whose integrity is checked with SHA-256 at both
 * ends. Download bytes are counted in {@link TrafficCounters#downloadReceived()} as they
 * arrive.
 */
public final class TrafficClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final String namespace;
    private final ClientSocketOptions options;
    private final TrafficCounters counters;
    private final Pattern pattern = new Pattern();

    /**
     * @param namespace where the sockets are created (null = the caller's namespace)
     * @param options plain TCP or MPTCP, optional source address or device
     */
    public TrafficClient(EventLoopGroup group, String namespace, ClientSocketOptions options, TrafficCounters counters) {
        this.group = group;
        this.namespace = namespace;
        this.options = options;
        this.counters = counters;
    }

    /** Sends the pattern for {@code duration} or {@code byteLimit} bytes (0 = no limit), whichever ends first. */
    public CompletableFuture<StreamResult> upload(InetSocketAddress server, Duration duration, long byteLimit, long seed) {
        return open(server, new Request(Request.Mode.UPLOAD, (int) duration.toMillis(), byteLimit, seed));
    }

    /** Receives the pattern for {@code duration} or {@code byteLimit} bytes (0 = no limit), whichever ends first. */
    public CompletableFuture<StreamResult> download(InetSocketAddress server, Duration duration, long byteLimit, long seed) {
        return open(server, new Request(Request.Mode.DOWNLOAD, (int) duration.toMillis(), byteLimit, seed));
    }

    /** One small exchange: {@link StreamResult#firstByteNanos()} is the time from connect() to the server's answer. */
    public CompletableFuture<StreamResult> ping(InetSocketAddress server) {
        return open(server, new Request(Request.Mode.PING, 0, 0, 0));
    }

    private CompletableFuture<StreamResult> open(InetSocketAddress server, Request request) {
        CompletableFuture<StreamResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Bootstrap b = new Bootstrap()
                .group(group)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ClientSession(pattern, request, start, counters.downloadReceived(), result));
        try {
            ChannelFuture f = namespace == null ? connect(b, server) : NetworkNamespace.call(namespace, () -> connect(b, server));
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    result.complete(StreamResult.failed(0, -1, "connect: " + done.cause()));
                }
            });
        } catch (Exception e) {
            result.complete(StreamResult.failed(0, -1, "connect: " + e));
        }
        return result;
    }

    private ChannelFuture connect(Bootstrap b, InetSocketAddress server) throws Exception {
        MptcpSockets sockets = options.protocol() == Protocol.MPTCP ? MptcpSockets.open() : MptcpSockets.tcpOnly();
        return sockets.connect(b, server, options);
    }

    /** Frees the pattern once the connections in progress are done with it. */
    @Override
    public void close() {
        pattern.release();
    }
}
