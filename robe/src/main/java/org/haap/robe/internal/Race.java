package org.haap.robe.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.haap.robe.Attempt;
import org.haap.robe.Connector;
import org.haap.robe.EstablishException;
import org.haap.robe.Established;
import org.haap.robe.FirstFlight;
import org.haap.robe.Outcome;
import org.haap.robe.PathHistory;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;

/**
 * The engine behind the bound strategies: attempts on WANs in a given order, each started
 * either at once ({@code synTimeout == null}: RobE_SIM) or when the previous one has had no
 * answer within its SYN timeout or has failed (RobE_TIMER, RobE_IPS). Earlier attempts stay
 * alive; the first to complete its handshake wins; every other attempt still open is aborted
 * ({@code SO_LINGER 0} then close: a reset if its handshake completed, nothing sent
 * otherwise) before anything is written on it, and recorded as {@link Outcome#ABANDONED}.
 *
 * <p>With a {@link FirstFlight} (0-RTT) every attempt is a TCP Fast Open connect
 * ({@link Connector#connectFastOpen}) that writes the flight at once (in its SYN when the
 * kernel has a cookie for the WAN), and the winner is the first attempt whose answer the
 * flight judges a win, not the first handshake; an attempt judged lost is aborted and the
 * race goes on. An attempt with no answer after {@link Connector#attemptTimeout} fails as a
 * timeout only while its handshake is still not complete ({@link Connector#handshakeDone}):
 * once connected, a slow answer is the server's delay, not the WAN's, and the attempt waits
 * until the caller gives up (cancels).
 * Outcomes feed the {@link WanState} (path failures, successes) and the {@link PathHistory}
 * (the winner's setup time, failures, attempts overtaken by their SYN timeout). One
 * instance per establishment, confined to its event loop.
 */
public final class Race {

    private final EventLoop loop;
    private final InetSocketAddress ap;
    private final List<WanPath> order;
    private final Connector connector;
    private final WanState state;
    private final PathHistory history;
    private final Function<WanPath, Duration> synTimeout;
    /** The 0-RTT flight, or {@code null}: the first handshake wins. */
    private final FirstFlight flight;
    private final Promise<Established> promise;
    private final long startNanos = System.nanoTime();
    private final List<Slot> slots = new ArrayList<>();
    private int started;

    /** One attempt: its channel while open, its outcome once known. */
    private static final class Slot {
        final WanPath path;
        final long startNanos = System.nanoTime();
        Channel channel;
        ScheduledFuture<?> timer;
        /** With a flight: fails the attempt if its handshake is still pending after the attempt timeout. */
        ScheduledFuture<?> deadline;
        Attempt attempt;

        Slot(WanPath path) {
            this.path = path;
        }
    }

    private Race(EventLoop loop, InetSocketAddress ap, List<WanPath> order, Connector connector, WanState state,
            PathHistory history, Function<WanPath, Duration> synTimeout, FirstFlight flight) {
        this.loop = loop;
        this.ap = ap;
        this.order = order;
        this.connector = connector;
        this.state = state;
        this.history = history;
        this.synTimeout = synTimeout;
        this.flight = flight;
        this.promise = loop.newPromise();
        promise.addListener(f -> {
            if (f.isCancelled()) {
                onLoop(() -> abortAll("cancelled"));
            }
        });
    }

    /**
     * Starts a race.
     *
     * @param synTimeout how long an attempt on a WAN may go unanswered before the next WAN
     *                   starts, or {@code null} to start every WAN at once
     */
    public static Future<Established> start(EventLoop loop, InetSocketAddress ap, List<WanPath> order,
            Connector connector, WanState state, PathHistory history, Function<WanPath, Duration> synTimeout) {
        return start(loop, ap, order, connector, state, history, synTimeout, null);
    }

    /**
     * Starts a race whose attempts carry {@code flight} (0-RTT; {@code null}: as
     * {@link #start(EventLoop, InetSocketAddress, List, Connector, WanState, PathHistory, Function)}).
     */
    public static Future<Established> start(EventLoop loop, InetSocketAddress ap, List<WanPath> order,
            Connector connector, WanState state, PathHistory history, Function<WanPath, Duration> synTimeout,
            FirstFlight flight) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(ap, "ap");
        Race race = new Race(loop, ap, List.copyOf(order), Objects.requireNonNull(connector, "connector"),
                Objects.requireNonNull(state, "state"), Objects.requireNonNull(history, "history"), synTimeout,
                flight);
        if (race.order.isEmpty()) {
            return race.promise.setFailure(new EstablishException(ap.toString(), List.of()));
        }
        loop.execute(race::startNext);
        return race.promise;
    }

    private void startNext() {
        while (!promise.isDone() && started < order.size()) {
            Slot slot = new Slot(order.get(started++));
            slots.add(slot);
            ChannelFuture connect;
            try {
                connect = flight == null ? connector.connect(loop, ap, slot.path)
                        : connector.connectFastOpen(loop, ap, slot.path);
            } catch (RuntimeException e) {
                finish(slot, Outcome.ERROR, String.valueOf(e.getMessage()));
                continue;
            }
            if (connect == null) {
                finish(slot, Outcome.NO_SOURCE_ADDRESS, "no " + (ap.getAddress() instanceof Inet6Address
                        ? "IPv6" : "IPv4") + " address");
                continue;
            }
            slot.channel = connect.channel();
            if (flight == null) {
                connect.addListener(f -> onLoop(() -> done(slot, connect)));
            } else {
                connect.addListener(f -> onLoop(() -> connected(slot, connect)));
                slot.deadline = loop.schedule(() -> deadline(slot), connector.attemptTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            if (synTimeout != null) {
                if (started < order.size()) {
                    slot.timer = loop.schedule(() -> overtaken(slot), synTimeout.apply(slot.path).toNanos(),
                            TimeUnit.NANOSECONDS);
                }
                return;
            }
        }
        failIfNothingLeft();
    }

    /** No SYN/ACK on {@code slot} within its SYN timeout: the next WAN starts, this one stays. */
    private void overtaken(Slot slot) {
        slot.timer = null;
        if (slot.attempt == null && !promise.isDone()) {
            history.failure(slot.path);
            startNext();
        }
    }

    private void done(Slot slot, ChannelFuture connect) {
        if (slot.attempt != null) {
            return; // aborted earlier
        }
        cancelTimer(slot);
        Channel ch = connect.channel();
        if (connect.isSuccess() && !promise.isDone()) {
            slot.channel = null;
            finish(slot, Outcome.ESTABLISHED, "");
            history.success(slot.path, slot.attempt.elapsed());
            // Outcomes first (the winner's Established lists them), the resets after the
            // hand-over: the caller's Convert message goes out before the losers' RSTs.
            List<Channel> losers = abandonAll("another WAN won");
            Established established = new Established(ch, slot.path,
                    Duration.ofNanos(System.nanoTime() - startNanos), attempts());
            if (!promise.trySuccess(established)) {
                abort(ch);
            }
            losers.forEach(Race::abort);
            return;
        }
        if (connect.isSuccess()) {
            abort(ch);
            finish(slot, Outcome.ABANDONED, "establishment over");
            return;
        }
        failed(slot, connect.cause());
    }

    /** The attempt on {@code slot} failed with {@code cause}: recorded, the race goes on. */
    private void failed(Slot slot, Throwable cause) {
        cancelTimer(slot);
        if (slot.channel != null) {
            slot.channel.close();
            slot.channel = null;
        }
        Outcome outcome = Dialer.classify(cause);
        finish(slot, outcome, String.valueOf(cause.getMessage()));
        if (outcome.pathFailed()) {
            history.failure(slot.path);
        }
        if (!promise.isDone()) {
            startNext();
        }
    }

    // --- with a first flight (0-RTT)

    /** The Fast Open connect of {@code slot} completed (with a cookie: at once, before the handshake). */
    private void connected(Slot slot, ChannelFuture connect) {
        if (slot.attempt != null) {
            return; // aborted earlier
        }
        if (!connect.isSuccess()) {
            failed(slot, connect.cause());
            return;
        }
        Channel ch = connect.channel();
        AnswerReader.fly(ch, flight, new AnswerReader.Listener() {
            @Override
            public void decided(FirstFlight.Verdict verdict, ByteBuf answer) {
                onLoop(() -> answered(slot, verdict, answer));
            }

            @Override
            public void failed(Throwable cause) {
                onLoop(() -> {
                    if (slot.attempt == null) {
                        Race.this.failed(slot, cause);
                    }
                });
            }
        });
    }

    /** The flight judged the answer on {@code slot}. */
    private void answered(Slot slot, FirstFlight.Verdict verdict, ByteBuf answer) {
        if (slot.attempt != null || promise.isDone()) {
            if (answer != null) {
                answer.release();
            }
            if (slot.channel != null) {
                abort(slot.channel);
                slot.channel = null;
            }
            return;
        }
        cancelTimer(slot);
        Channel ch = slot.channel;
        slot.channel = null;
        if (verdict == FirstFlight.Verdict.LOSE) {
            finish(slot, Outcome.ABANDONED, "another attempt carries the connection");
            abort(ch);
            failIfNothingLeft();
            return;
        }
        finish(slot, Outcome.ESTABLISHED, "");
        history.success(slot.path, slot.attempt.elapsed());
        List<Channel> losers = abandonAll("another WAN answered first");
        Established established = new Established(ch, slot.path,
                Duration.ofNanos(System.nanoTime() - startNanos), attempts(), answer);
        if (!promise.trySuccess(established)) {
            answer.release();
            abort(ch);
        }
        losers.forEach(Race::abort);
    }

    /** The attempt timeout of {@code slot} passed without an answer. */
    private void deadline(Slot slot) {
        slot.deadline = null;
        if (slot.attempt != null || slot.channel == null || promise.isDone()
                || connector.handshakeDone(slot.channel)) {
            return;
        }
        failed(slot, new io.netty.channel.ConnectTimeoutException("no SYN/ACK within "
                + connector.attemptTimeout().toMillis() + " ms"));
    }

    private void failIfNothingLeft() {
        if (promise.isDone() || started < order.size()) {
            return;
        }
        for (Slot s : slots) {
            if (s.attempt == null) {
                return;
            }
        }
        promise.tryFailure(new EstablishException(ap.toString(), attempts()));
    }

    private void abortAll(String why) {
        abandonAll(why).forEach(Race::abort);
    }

    /**
     * Records every open attempt as {@link Outcome#ABANDONED} (before its channel is closed:
     * closing fails its connect future at once) and returns their channels, to be aborted.
     */
    private List<Channel> abandonAll(String why) {
        List<Channel> open = new ArrayList<>();
        for (Slot s : slots) {
            if (s.attempt == null) {
                cancelTimer(s);
                finish(s, Outcome.ABANDONED, why);
                if (s.channel != null) {
                    open.add(s.channel);
                    s.channel = null;
                }
            }
        }
        return open;
    }

    /** Closes {@code ch} with a reset (SO_LINGER 0); nothing has been written on it. */
    static void abort(Channel ch) {
        if (ch.isActive()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // Closed under us: nothing left to reset.
            }
        }
        ch.close();
    }

    private void finish(Slot slot, Outcome outcome, String detail) {
        slot.attempt = new Attempt(slot.path, outcome, Duration.ofNanos(System.nanoTime() - slot.startNanos), detail);
        if (outcome != Outcome.ABANDONED && outcome != Outcome.NO_SOURCE_ADDRESS) {
            state.record(slot.path, outcome);
        }
    }

    private List<Attempt> attempts() {
        List<Attempt> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s.attempt != null) {
                out.add(s.attempt);
            }
        }
        return out;
    }

    private static void cancelTimer(Slot slot) {
        if (slot.timer != null) {
            slot.timer.cancel(false);
            slot.timer = null;
        }
        if (slot.deadline != null) {
            slot.deadline.cancel(false);
            slot.deadline = null;
        }
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
