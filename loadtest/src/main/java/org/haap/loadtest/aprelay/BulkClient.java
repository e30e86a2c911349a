package org.haap.loadtest.aprelay;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpInfo;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.sys.NetworkNamespace;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

/**
 * Runs one bulk measurement: opens {@code n} MPTCP connections from a network namespace
 * (to the bulk server, or to the AP with a Convert Connect for the server), waits until all
 * are ready, moves data for the given time and closes them. Time is taken on this JVM's
 * monotonic clock; bytes are counted inside the window: for downloads the payload received,
 * for uploads the MPTCP data-level bytes the peer acknowledged ({@code bytes_acked} of
 * {@code MPTCP_INFO}: the server's acknowledgements in the baseline, the AP's when relayed,
 * whose buffers are bounded by its watermarks and socket buffers).
 */
final class BulkClient {

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final String netns;
    private final MptcpSockets sockets;
    private final ByteBuf chunk;

    /**
     * @param chunk the data uploads send (not released here)
     */
    BulkClient(EventLoopGroup group, String netns, MptcpSockets sockets, ByteBuf chunk) {
        this.group = group;
        this.netns = netns;
        this.sockets = sockets;
        this.chunk = chunk;
    }

    /**
     * @param remote        where the client connects (the server or the AP)
     * @param convertTarget the server, when {@code remote} is the AP; else null
     */
    Measurement measure(InetSocketAddress remote, InetSocketAddress convertTarget, Transfer transfer,
                        int connections, Duration window) throws Exception {
        List<Channel> channels = new ArrayList<>();
        List<BulkClientHandler> handlers = new ArrayList<>();
        try {
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                BulkClientHandler h = new BulkClientHandler(convertTarget, transfer, chunk);
                handlers.add(h);
                Bootstrap b = new Bootstrap().group(group)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) SETUP_TIMEOUT.toMillis())
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, BulkClientHandler.WATER_MARK)
                        .handler(h);
                ChannelFuture f = NetworkNamespace.call(netns,
                        () -> sockets.connect(b, remote, ClientSocketOptions.mptcp()));
                channels.add(f.channel());
                connects.add(f);
            }
            for (ChannelFuture f : connects) {
                if (!f.await(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !f.isSuccess()) {
                    throw new IllegalStateException("connect to " + remote + " failed: " + f.cause(), f.cause());
                }
            }
            for (BulkClientHandler h : handlers) {
                h.ready().get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return transfer == Transfer.UPLOAD
                    ? upload(channels, handlers, window)
                    : download(channels, handlers, window);
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
            for (Channel ch : channels) {
                ch.closeFuture().await(SETUP_TIMEOUT.toMillis());
            }
        }
    }

    private static Measurement upload(List<Channel> channels, List<BulkClientHandler> handlers, Duration window)
            throws InterruptedException {
        onEach(channels, handlers, (h, ctx) -> h.startSending(ctx));
        long s0 = acked(channels);
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis()); // the measurement window itself
        long s1 = acked(channels);
        long t1 = System.nanoTime();
        int subflows = minSubflows(channels);
        onEach(channels, handlers, (h, ctx) -> h.stopSending(ctx));
        return new Measurement(s1 - s0, (t1 - t0) / 1e9, subflows);
    }

    /** MPTCP data-level bytes the peer has acknowledged, all connections (0 for fallen-back ones). */
    private static long acked(List<Channel> channels) {
        long sum = 0;
        for (Channel ch : channels) {
            sum += MptcpInfoReader.info(ch).map(MptcpInfo::bytesAcked).orElse(0L);
        }
        return sum;
    }

    private static Measurement download(List<Channel> channels, List<BulkClientHandler> handlers, Duration window)
            throws InterruptedException {
        long s0 = received(handlers);
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis()); // the measurement window itself
        long s1 = received(handlers);
        long t1 = System.nanoTime();
        return new Measurement(s1 - s0, (t1 - t0) / 1e9, minSubflows(channels));
    }

    private static long received(List<BulkClientHandler> handlers) {
        long sum = 0;
        for (BulkClientHandler h : handlers) {
            sum += h.received();
        }
        return sum;
    }

    private static int minSubflows(List<Channel> channels) {
        int min = Integer.MAX_VALUE;
        for (Channel ch : channels) {
            int n = MptcpInfoReader.info(ch).map(BulkClient::subflowCount).orElse(0);
            min = Math.min(min, n);
        }
        return channels.isEmpty() ? 0 : min;
    }

    private static int subflowCount(MptcpInfo info) {
        return info.subflowsTotal() > 0 ? info.subflowsTotal() : info.subflows() + 1;
    }

    private interface Step {
        void apply(BulkClientHandler handler, ChannelHandlerContext ctx);
    }

    private static void onEach(List<Channel> channels, List<BulkClientHandler> handlers, Step step) {
        for (int i = 0; i < channels.size(); i++) {
            Channel ch = channels.get(i);
            BulkClientHandler h = handlers.get(i);
            ChannelHandlerContext ctx = ch.pipeline().context(h);
            if (ctx != null) {
                ch.eventLoop().execute(() -> step.apply(h, ctx));
            }
        }
    }
}
