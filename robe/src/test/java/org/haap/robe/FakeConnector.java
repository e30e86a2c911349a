package org.haap.robe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link Connector} whose attempts the test completes by hand; records every call. */
final class FakeConnector implements Connector {

    /** The name {@link #connectDefaultRoute} attempts are recorded under. */
    static final String DEFAULT_ROUTE = "default-route";

    record Dial(String path, EmbeddedChannel channel, ChannelPromise promise) {
    }

    private final List<Dial> dials = new ArrayList<>();

    /** A WAN path named {@code name} on interface {@code eth-NAME} with source address {@code source}. */
    static WanPath path(String name, String source) {
        try {
            return new WanPath(name, "eth-" + name, java.net.InetAddress.getByName(source), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
    private volatile java.time.Duration attemptTimeout = java.time.Duration.ofSeconds(1);
    private volatile boolean handshakeDone = true;
    private volatile boolean fastOpenUsed;

    /** What {@link #attemptTimeout()} and {@link #handshakeDone} answer from now on. */
    void handshake(java.time.Duration timeout, boolean done) {
        attemptTimeout = timeout;
        handshakeDone = done;
    }

    boolean fastOpenUsed() {
        return fastOpenUsed;
    }

    @Override
    public ChannelFuture connectFastOpen(EventLoop loop, InetSocketAddress ap, WanPath path) {
        fastOpenUsed = true;
        return connect(loop, ap, path);
    }

    @Override
    public java.time.Duration attemptTimeout() {
        return attemptTimeout;
    }

    @Override
    public boolean handshakeDone(io.netty.channel.Channel channel) {
        return handshakeDone;
    }

    @Override
    public synchronized ChannelFuture connect(EventLoop loop, InetSocketAddress ap, WanPath path) {
        if (path.sourceFor(ap.getAddress()) == null) {
            return null;
        }
        return add(path.name(), loop);
    }

    @Override
    public synchronized ChannelFuture connectDefaultRoute(EventLoop loop, InetSocketAddress ap) {
        return add(DEFAULT_ROUTE, loop);
    }

    private ChannelFuture add(String name, EventLoop loop) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelPromise p = new DefaultChannelPromise(ch, loop);
        dials.add(new Dial(name, ch, p));
        return p;
    }

    synchronized List<Dial> dials() {
        return List.copyOf(dials);
    }

    synchronized List<String> names() {
        return dials.stream().map(Dial::path).toList();
    }

    synchronized Dial dial(String name) {
        return dials.stream().filter(d -> d.path().equals(name)).findFirst().orElseThrow();
    }
}
