package org.haap.robe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.robe.internal.Dialer;

/**
 * Standard MPTCP establishment ("classic" with failover): the initial subflow on the first
 * WAN, bound to its source address and device; if that attempt fails, the next WAN, and so on.
 * Each attempt may take up to the configured attempt timeout. Every outcome is reported to
 * the {@link WanState}, so a WAN that just failed is skipped by the next connection while
 * another is up.
 */
public final class Sequential implements Establisher {

    private final Dialer dialer;
    private final WanState state;

    /**
     * @param sockets        the MPTCP socket factory
     * @param state          receives every attempt's outcome
     * @param attemptTimeout the longest one attempt on one WAN may take, &gt; 0
     */
    public Sequential(MptcpSockets sockets, WanState state, Duration attemptTimeout) {
        this.dialer = new Dialer(sockets, attemptTimeout);
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public Future<Established> establish(EventLoop loop, InetSocketAddress ap, List<WanPath> paths) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(ap, "ap");
        List<WanPath> order = List.copyOf(paths);
        Promise<Established> promise = loop.newPromise();
        if (order.isEmpty()) {
            return promise.setFailure(new EstablishException(ap.toString(), List.of()));
        }
        Run run = new Run(loop, ap, order, promise);
        loop.execute(() -> run.next(0));
        return promise;
    }

    /** The state of one establishment; confined to its event loop. */
    private final class Run {
        private final EventLoop loop;
        private final InetSocketAddress ap;
        private final List<WanPath> order;
        private final Promise<Established> promise;
        private final List<Attempt> attempts = new ArrayList<>();
        private final long startNanos = System.nanoTime();
        private Channel inFlight;

        Run(EventLoop loop, InetSocketAddress ap, List<WanPath> order, Promise<Established> promise) {
            this.loop = loop;
            this.ap = ap;
            this.order = order;
            this.promise = promise;
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    loop.execute(this::abandon);
                }
            });
        }

        void next(int index) {
            if (promise.isDone()) {
                return;
            }
            if (index >= order.size()) {
                promise.tryFailure(new EstablishException(ap.toString(), attempts));
                return;
            }
            WanPath path = order.get(index);
            long attemptStart = System.nanoTime();
            ChannelFuture connect;
            try {
                connect = dialer.dial(loop, ap, path);
            } catch (RuntimeException e) {
                finish(path, Outcome.ERROR, attemptStart, String.valueOf(e.getMessage()));
                next(index + 1);
                return;
            }
            if (connect == null) {
                finish(path, Outcome.NO_SOURCE_ADDRESS, attemptStart, "no " + family() + " address");
                next(index + 1);
                return;
            }
            inFlight = connect.channel();
            connect.addListener(f -> {
                if (loop.inEventLoop()) {
                    done(connect, path, index, attemptStart);
                } else {
                    loop.execute(() -> done(connect, path, index, attemptStart));
                }
            });
        }

        private void done(ChannelFuture connect, WanPath path, int index, long attemptStart) {
            inFlight = null;
            Channel ch = connect.channel();
            if (promise.isDone()) {
                ch.close();
                if (connect.isSuccess()) {
                    finish(path, Outcome.ABANDONED, attemptStart, "cancelled");
                }
                return;
            }
            if (connect.isSuccess()) {
                finish(path, Outcome.ESTABLISHED, attemptStart, "");
                Established established = new Established(ch, path,
                        Duration.ofNanos(System.nanoTime() - startNanos), attempts);
                if (!promise.trySuccess(established)) {
                    ch.close();
                }
                return;
            }
            ch.close();
            Throwable cause = connect.cause();
            finish(path, Dialer.classify(cause), attemptStart, String.valueOf(cause.getMessage()));
            next(index + 1);
        }

        private void finish(WanPath path, Outcome outcome, long attemptStart, String detail) {
            attempts.add(new Attempt(path, outcome, Duration.ofNanos(System.nanoTime() - attemptStart), detail));
            if (outcome != Outcome.ABANDONED && outcome != Outcome.NO_SOURCE_ADDRESS) {
                state.record(path, outcome);
            }
        }

        private void abandon() {
            if (inFlight != null) {
                inFlight.close();
            }
        }

        private String family() {
            return ap.getAddress() instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
        }
    }
}
