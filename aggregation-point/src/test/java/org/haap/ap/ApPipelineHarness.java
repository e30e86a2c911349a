package org.haap.ap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
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

/**
 * The aggregation point's pipeline for one accepted connection, built on an
 * {@link EmbeddedChannel} by the AP's own {@link ApChannelInitializer} (admission, Convert
 * decoder, header stage; later stages replace the header stage as on a real socket), with a
 * context like the running AP's ({@link #context}).
 */
final class ApPipelineHarness {

    private ApPipelineHarness() {
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
        ch.pipeline().addLast(new ApChannelInitializer(context));
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
