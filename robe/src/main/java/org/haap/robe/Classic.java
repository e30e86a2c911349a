package org.haap.robe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.haap.robe.internal.Dialer;

/**
 * Classic MPTCP, as an unmodified host establishes: one attempt with no source address and
 * no device, so the kernel's routing (the default route) picks the WAN of the initial
 * subflow; no second attempt. The WAN reported is the one whose address the socket got
 * (the first given WAN if none matches). Kept for comparison and for operators who want it.
 */
public final class Classic implements Establisher {

    private final Connector connector;
    private final WanState state;
    private final PathHistory history;

    /**
     * @param connector makes the attempt ({@link Connector#connectDefaultRoute})
     * @param state     receives the attempt's outcome when its WAN is known
     * @param history   receives setup times and failures
     */
    public Classic(Connector connector, WanState state, PathHistory history) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.state = Objects.requireNonNull(state, "state");
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths) {
        Objects.requireNonNull(ap, "ap");
        List<WanPath> known = List.copyOf(paths);
        Promise<Established> promise = loop.newPromise();
        if (known.isEmpty()) {
            return promise.setFailure(new EstablishException(ap.toString(), List.of()));
        }
        // The socket is created in the event loop thread's network namespace.
        loop.execute(() -> attempt(loop, ap, known, promise));
        return promise;
    }

    private void attempt(EventLoop loop, InetSocketAddress ap, List<WanPath> known, Promise<Established> promise) {
        if (promise.isDone()) {
            return;
        }
        long start = System.nanoTime();
        ChannelFuture connect;
        try {
            connect = connector.connectDefaultRoute(loop, ap);
        } catch (RuntimeException e) {
            Attempt a = new Attempt(known.get(0), Outcome.ERROR, Duration.ZERO, String.valueOf(e.getMessage()));
            promise.tryFailure(new EstablishException(ap.toString(), List.of(a)));
            return;
        }
        Channel ch = connect.channel();
        promise.addListener(f -> {
            if (f.isCancelled()) {
                ch.close();
            }
        });
        connect.addListener(f -> {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            WanPath path = pathOf(ch.localAddress(), known);
            boolean matched = path != null;
            if (!matched) {
                path = known.get(0);
            }
            if (promise.isDone()) {
                ch.close();
                return;
            }
            if (connect.isSuccess()) {
                if (matched) {
                    state.record(path, Outcome.ESTABLISHED);
                    history.success(path, elapsed);
                }
                Attempt a = new Attempt(path, Outcome.ESTABLISHED, elapsed, "");
                if (!promise.trySuccess(new Established(ch, path, elapsed, List.of(a)))) {
                    ch.close();
                }
                return;
            }
            ch.close();
            Outcome outcome = Dialer.classify(connect.cause());
            if (matched) {
                state.record(path, outcome);
                if (outcome.pathFailed()) {
                    history.failure(path);
                }
            }
            Attempt a = new Attempt(path, outcome, elapsed, String.valueOf(connect.cause().getMessage()));
            promise.tryFailure(new EstablishException(ap.toString(), List.of(a)));
        });
    }

    private static WanPath pathOf(SocketAddress local, List<WanPath> paths) {
        if (!(local instanceof InetSocketAddress isa)) {
            return null;
        }
        InetAddress a = isa.getAddress();
        for (WanPath p : paths) {
            if (a.equals(p.source()) || a.equals(p.source6())) {
                return p;
            }
        }
        return null;
    }
}
