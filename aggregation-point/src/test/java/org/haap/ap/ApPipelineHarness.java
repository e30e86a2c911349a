package org.haap.ap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import org.haap.config.ApConfig;
import org.haap.core.convert.ConvertMessageDecoder;

/**
 * The aggregation point's pipeline for one accepted connection, built on an
 * {@link EmbeddedChannel} exactly as {@code AggregationPoint}'s child initializer builds it
 * on a real socket. This is the one place a test depends on how that pipeline is made:
 * when the AP's stages change, change {@link #initAccepted} (and {@link #context}) to match
 * the initializer, and every test built on it follows.
 */
final class ApPipelineHarness {

    private ApPipelineHarness() {
    }

    /** What {@code AggregationPoint}'s {@code initChannel} adds to an accepted channel. */
    static void initAccepted(Channel ch, ApContext context) {
        ch.pipeline().addLast("convert", new ConvertMessageDecoder());
        ch.pipeline().addLast("session", new ApSessionHandler(context));
    }

    /**
     * A context like the running AP's for {@code config}: fresh meters, limits and pool
     * admission; no own addresses; the client group needs no event loop.
     */
    static ApContext context(ApConfig config) {
        return ApContext.create(config, new ApMetrics(new SimpleMeterRegistry()), Set.of(),
                new DefaultChannelGroup("haap-ap-test-clients", ImmediateEventExecutor.INSTANCE));
    }

    /**
     * A connection from {@code client} just accepted by an AP running {@code context}: the
     * pipeline initialised, time frozen (advance it with {@link EmbeddedChannel#advanceTimeBy}),
     * channelActive fired. Buffers the pipeline allocates come from {@code alloc}.
     */
    static AcceptedChannel accept(ApContext context, InetSocketAddress client, ByteBufAllocator alloc)
            throws Exception {
        AcceptedChannel ch = new AcceptedChannel(client);
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                initAccepted(c, context);
            }
        });
        ch.register();
        ch.freezeTime();
        return ch;
    }

    /**
     * An embedded channel that looks like an accepted TCP socket to the AP's handlers: it
     * has the client's address as its remote address and is a {@link UnixChannel} whose
     * descriptor is not open (so socket-option reads such as MPTCP detection fail with EBADF
     * and report plain TCP).
     */
    static final class AcceptedChannel extends EmbeddedChannel implements UnixChannel {
        private static final InetSocketAddress LOCAL = new InetSocketAddress("192.0.2.1", 5124);
        private static final FileDescriptor NO_FD = new FileDescriptor(Integer.MAX_VALUE);
        private final InetSocketAddress remote;

        AcceptedChannel(InetSocketAddress remote) {
            super(DefaultChannelId.newInstance(), false, false);
            this.remote = remote;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        @Override
        protected SocketAddress localAddress0() {
            return LOCAL;
        }

        @Override
        public FileDescriptor fd() {
            return NO_FD;
        }
    }
}
