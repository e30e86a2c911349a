package org.haap.robe.pool;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.haap.core.net.TcpCongestion;
import org.haap.robe.Established;
import org.haap.robe.Establisher;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;

/**
 * The warm pool of one event loop: idle MPTCP connections to the aggregation point, each
 * established with the given {@link Establisher} (RobE_SIM: every live WAN at once) and
 * accepted by the aggregation point through the {@link PoolHandshake}, whose first bytes also
 * make the path manager add the MP_JOIN subflows on the other WANs.
 *
 * <ul>
 *   <li><b>Size.</b> The target is the larger of the recent connection rate (an EWMA, gain
 *       1/4, of the takes per second, hits and misses alike, updated every tick) times
 *       {@link #HORIZON} and the recent peak burst (the most takes in one tick, decaying with a
 *       half-life of {@link #PEAK_HALF_LIFE}: a browser opens a page's connections at once, and
 *       the next page wants as many), rounded up and clamped to {@code min..max}; idle plus opening
 *       connections are topped up to it, at most {@link #MAX_PARALLEL_OPENS} at a time, and
 *       idle ones above it are closed (oldest first).</li>
 *   <li><b>Which connection a take gets.</b> The oldest usable one whose initial subflow is
 *       on the fastest WAN (the lowest handshake time of the pooled connections won on each
 *       WAN within {@link #FASTEST_WINDOW}), else the oldest usable one. The kernel's scheduler
 *       sends an idle connection's first bytes, the Convert message, on its initial subflow (its
 *       subflows' queues are empty, and it breaks the tie in list order), and a refill during a
 *       download can be won by the slower WAN when the faster one's queue is full.</li>
 *   <li><b>Refill timing.</b> A take refills {@link #REFILL_DELAY} later, once the taker's
 *       Convert exchange is under way, so the replacement does not compete with it.</li>
 *   <li><b>Recycling.</b> An idle connection is closed after {@code maxIdle}, or after 3/4 of
 *       the idle timeout the aggregation point announced if that is shorter, and replaced.</li>
 *   <li><b>WAN changes.</b> When {@link WanState#candidates()} differs from the set the pool
 *       last saw (checked every tick and on every take), every idle connection is closed and
 *       connections still opening are discarded: their subflows no longer match the live
 *       WANs.</li>
 *   <li><b>Failures.</b> A failed establishment or a refused handshake stops refilling for a
 *       back-off (1 s doubling up to 30 s, reset by a success).</li>
 *   <li><b>Liveness.</b> Idle connections are read from; the aggregation point closing one,
 *       or sending anything, removes it.</li>
 * </ul>
 *
 * <p>Thread model: all state belongs to the pool's event loop. {@link #take()} must be called
 * on it (a LAN channel registered on the same loop then relays with the pooled connection,
 * which allows splice); {@link #start()}, {@link #resize}, {@link #drain()} and {@link #close()} may be called
 * from any thread; the size accessors are safe to read from any thread.
 */
public final class WarmPool {

    private static final Logger LOG = System.getLogger(WarmPool.class.getName());

    /** How many seconds of connections, at the recent rate, the pool holds ready. */
    public static final Duration HORIZON = Duration.ofSeconds(1);
    /** How often the rate, the target, expiry and the WAN set are looked at. */
    public static final Duration TICK = Duration.ofMillis(250);
    /** The most connections opening at once. */
    public static final int MAX_PARALLEL_OPENS = 8;
    /** How long after a take the pool opens its replacement. */
    public static final Duration REFILL_DELAY = Duration.ofMillis(30);
    /**
     * How long a WAN's lowest pooled-connection handshake time stands before a newer one
     * replaces it: a minimum over a window tracks the WAN's RTT without its queueing delay
     * during downloads, and still follows a WAN whose RTT grows.
     */
    public static final Duration FASTEST_WINDOW = Duration.ofSeconds(30);
    /** How fast the remembered peak burst fades: half of it after this long. */
    public static final Duration PEAK_HALF_LIFE = Duration.ofSeconds(30);
    private static final double GAIN = 0.25;
    private static final long INITIAL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final EventLoop loop;
    /** Replaced only on the loop ({@link #resize}); read on the loop. */
    private PoolSettings settings;
    private final Establisher establisher;
    private final WanState wanState;
    private final InetSocketAddress ap;
    private final PoolHandshake handshake;
    private final PoolListener listener;
    private final LongSupplier nanoClock;

    private final ArrayDeque<Entry> idle = new ArrayDeque<>();
    /** Per WAN, the lowest handshake time of a pooled connection won on it lately (see {@link #FASTEST_WINDOW}). */
    private final Map<WanPath, Fastest> fastest = new HashMap<>();

    /** A WAN's lowest recent handshake time and when it was seen ({@code nanoClock}). */
    private record Fastest(long setupNanos, long atNanos) {
    }
    private volatile int idleCount;
    private volatile int openingCount;
    private volatile int target;
    private int opening;
    private int generation;
    private List<WanPath> wans;
    private double rate;
    private double peak;
    private int demand;
    private long lastTickNanos;
    private long refillAfterNanos;
    private long backoffNanos;
    private boolean started;
    private boolean refillScheduled;
    private boolean closed;
    private ScheduledFuture<?> ticker;

    private static final class Entry {
        final Established established;
        final long since;
        final long expiresAt;
        final IdleWatch watch;

        Entry(Established established, long since, long expiresAt, IdleWatch watch) {
            this.established = established;
            this.since = since;
            this.expiresAt = expiresAt;
            this.watch = watch;
        }
    }

    /**
     * @param loop        the event loop the pooled connections live on
     * @param settings    this pool's share of the configured sizes
     * @param establisher how connections are established (RobE_SIM normally)
     * @param wanState    the live WANs (candidates for every establishment; changes drain)
     * @param ap          the aggregation point
     * @param handshake   makes a connection a pool member
     * @param listener    receives hits, misses, closes, failures
     * @param nanoClock   a monotonic clock ({@code System::nanoTime})
     */
    public WarmPool(EventLoop loop, PoolSettings settings, Establisher establisher, WanState wanState,
            InetSocketAddress ap, PoolHandshake handshake, PoolListener listener, LongSupplier nanoClock) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.establisher = Objects.requireNonNull(establisher, "establisher");
        this.wanState = Objects.requireNonNull(wanState, "wanState");
        this.ap = Objects.requireNonNull(ap, "ap");
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.target = settings.min();
    }

    /**
     * The target size for a connection rate: {@code ceil(ratePerSecond x HORIZON - 0.1)} clamped to
     * {@code min..max}.
     */
    public static int targetSize(double ratePerSecond, int min, int max) {
        // Below a tenth of a connection per horizon the rate counts as none (the EWMA never reaches 0).
        double wanted = Math.ceil(ratePerSecond * HORIZON.toNanos() / 1e9 - 0.1);
        return (int) Math.max(min, Math.min(max, wanted));
    }

    /** Starts filling and the periodic tick. Idempotent. */
    public void start() {
        loop.execute(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            lastTickNanos = nanoClock.getAsLong();
            wans = wanState.candidates();
            ticker = loop.scheduleAtFixedRate(this::tick, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
            refill();
        });
    }

    /**
     * Takes the oldest usable idle connection, or returns {@code null} (a miss) if there is
     * none. Must be called on the pool's event loop.
     */
    public PooledConnection take() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("take() off the pool's event loop");
        }
        demand++;
        checkWans();
        long now = nanoClock.getAsLong();
        WanPath fastest = fastestWan();
        Entry chosen = null;
        for (Iterator<Entry> it = idle.iterator(); it.hasNext();) {
            Entry e = it.next();
            Channel ch = e.established.channel();
            if (!ch.isActive() || now - e.expiresAt >= 0) {
                it.remove();
                discard(e, ch.isActive() ? CloseReason.EXPIRED : CloseReason.PEER_CLOSED);
                continue;
            }
            if (chosen == null) {
                chosen = e;
            }
            if (e.established.path().equals(fastest)) {
                chosen = e;
                break;
            }
        }
        if (chosen == null) {
            idleCount = 0;
            listener.miss();
            refillSoon();
            return null;
        }
        idle.remove(chosen);
        idleCount = idle.size();
        chosen.watch.release();
        TcpCongestion.restart(chosen.established.channel()); // idle since its hello: start like a fresh one
        listener.hit();
        refillSoon();
        return new PooledConnection(chosen.established.channel(), chosen.established.path(),
                chosen.established.setupTime(), Duration.ofNanos(now - chosen.since));
    }

    /** The live WAN with the lowest recent handshake time of the pool's connections, or {@code null}. */
    private WanPath fastestWan() {
        WanPath best = null;
        long bestNanos = Long.MAX_VALUE;
        for (Map.Entry<WanPath, Fastest> e : fastest.entrySet()) {
            if (e.getValue().setupNanos() < bestNanos && wans.contains(e.getKey())) {
                best = e.getKey();
                bestNanos = e.getValue().setupNanos();
            }
        }
        return best;
    }

    /** Records a pooled connection's handshake: a new low, or any sample once the old low is stale. */
    private void recordSetup(WanPath path, long setupNanos, long now) {
        Fastest f = fastest.get(path);
        if (f == null || setupNanos <= f.setupNanos() || now - f.atNanos() > FASTEST_WINDOW.toNanos()) {
            fastest.put(path, new Fastest(setupNanos, now));
        }
    }

    /**
     * Refills {@link #REFILL_DELAY} after a take, not at once: the caller is about to send its
     * Convert message on this loop, and opening the replacement (sockets, SYNs on every WAN, a
     * hello for the aggregation point to verify) would compete with it on both ends.
     */
    private void refillSoon() {
        if (refillScheduled || closed) {
            return;
        }
        refillScheduled = true;
        loop.schedule(() -> {
            refillScheduled = false;
            refill();
        }, REFILL_DELAY.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes every idle connection and discards those opening; refilling continues. */
    public void drain() {
        loop.execute(() -> drainNow(CloseReason.TRIMMED));
    }

    /** Stops refilling and closes every idle connection; the future completes when done. */
    public Future<?> close() {
        return loop.submit(() -> {
            closed = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
            drainNow(CloseReason.SHUTDOWN);
        });
    }

    /** Idle connections ready to be taken. */
    public int idle() {
        return idleCount;
    }

    /** Connections being established or handshaking. */
    public int opening() {
        return openingCount;
    }

    /** The current target size. */
    public int target() {
        return target;
    }

    /** The event loop this pool serves. */
    public EventLoop loop() {
        return loop;
    }

    /** One periodic step: rate and target, expiry, WAN changes, trim, refill. On the loop. */
    void tick() {
        if (closed) {
            return;
        }
        long now = nanoClock.getAsLong();
        double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
        lastTickNanos = now;
        rate += GAIN * (demand / seconds - rate);
        peak = Math.max(demand, peak * Math.pow(0.5, seconds * 1e9 / PEAK_HALF_LIFE.toNanos()));
        demand = 0;
        retarget();
        checkWans();
        for (Iterator<Entry> it = idle.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.expiresAt >= 0) {
                it.remove();
                discard(e, CloseReason.EXPIRED);
            }
        }
        trim();
        refill();
    }

    /** The target from the recent rate and peak, within the current settings. */
    private void retarget() {
        target = Math.max(targetSize(rate, settings.min(), settings.max()),
                (int) Math.min(settings.max(), Math.ceil(peak - 0.1)));
    }

    /** Closes the oldest idle connections while idle plus opening exceed the target. */
    private void trim() {
        while (idle.size() + opening > target && !idle.isEmpty()) {
            discard(idle.pollFirst(), CloseReason.TRIMMED);
        }
        idleCount = idle.size();
    }

    /**
     * Makes {@code newSettings} this pool's sizes and idle time (a configuration reload): the
     * target is recomputed from the recent rate and peak at once, idle connections above it
     * are closed (oldest first) and the pool is topped up to it. {@code maxIdle} applies to
     * connections that enter the pool from then on. May be called from any thread.
     */
    public void resize(PoolSettings newSettings) {
        Objects.requireNonNull(newSettings, "newSettings");
        loop.execute(() -> {
            settings = newSettings;
            if (closed) {
                return;
            }
            retarget();
            trim();
            refill();
        });
    }

    private void checkWans() {
        if (!started) {
            return;
        }
        List<WanPath> now = wanState.candidates();
        if (!now.equals(wans)) {
            LOG.log(Level.DEBUG, "live WANs changed from " + wans + " to " + now + ": draining the pool");
            wans = now;
            drainNow(CloseReason.WAN_CHANGED);
        }
    }

    private void drainNow(CloseReason reason) {
        generation++;
        Entry e;
        while ((e = idle.pollFirst()) != null) {
            discard(e, reason);
        }
        idleCount = 0;
        if (!closed) {
            refill();
        }
    }

    private void discard(Entry e, CloseReason reason) {
        e.watch.release();
        e.established.channel().close();
        listener.closed(reason);
    }

    private void refill() {
        if (!started || closed || nanoClock.getAsLong() - refillAfterNanos < 0) {
            return;
        }
        while (idle.size() + opening < target && opening < MAX_PARALLEL_OPENS) {
            open();
        }
    }

    private void open() {
        opening++;
        openingCount = opening;
        int gen = generation;
        long start = nanoClock.getAsLong();
        Future<Established> f = establisher.establish(loop, ap, wans);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                opened(null, gen, start, done.cause());
                return;
            }
            Established e = f.getNow();
            listener.established(e);
            Future<Duration> h = handshake.prepare(e.channel());
            h.addListener(hs -> {
                if (hs.isSuccess()) {
                    opened(e, gen, start, h.getNow());
                } else {
                    e.channel().close();
                    opened(null, gen, start, hs.cause());
                }
            });
        });
    }

    /** Back on the loop: a pool connection is ready ({@code cause == null}) or failed. */
    private void opened(Established e, int gen, long start, Object durationOrCause) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> opened(e, gen, start, durationOrCause));
            return;
        }
        opening--;
        openingCount = opening;
        if (e == null) {
            Throwable cause = (Throwable) durationOrCause;
            backoffNanos = backoffNanos == 0 ? INITIAL_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            refillAfterNanos = nanoClock.getAsLong() + backoffNanos;
            LOG.log(Level.DEBUG, "pool refill failed, next try in " + backoffNanos / 1_000_000 + " ms: " + cause);
            listener.refillFailed(cause);
            return;
        }
        backoffNanos = 0;
        Channel ch = e.channel();
        if (closed || gen != generation || !ch.isActive()) {
            ch.close();
            listener.closed(closed ? CloseReason.SHUTDOWN : gen != generation ? CloseReason.WAN_CHANGED
                    : CloseReason.PEER_CLOSED);
            refill();
            return;
        }
        long now = nanoClock.getAsLong();
        long life = settings.maxIdle().toNanos();
        Duration apIdle = (Duration) durationOrCause;
        if (apIdle != null && !apIdle.isZero()) {
            life = Math.min(life, apIdle.toNanos() / 4 * 3);
        }
        recordSetup(e.path(), e.setupTime().toNanos(), now);
        IdleWatch watch = new IdleWatch();
        Entry entry = new Entry(e, now, now + life, watch);
        watch.entry = entry;
        ch.pipeline().addLast(watch);
        ch.config().setAutoRead(true);
        idle.addLast(entry);
        idleCount = idle.size();
        refill();
    }

    /**
     * Sits on an idle pooled connection and reads: the aggregation point closing it, or
     * sending anything at all, takes it out of the pool.
     */
    private final class IdleWatch extends ChannelInboundHandlerAdapter {
        Entry entry;
        private boolean released;

        void release() {
            if (released) {
                return;
            }
            released = true;
            Channel ch = entry.established.channel();
            ch.config().setAutoRead(false);
            if (ch.pipeline().context(this) != null) {
                ch.pipeline().remove(this);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                LOG.log(Level.DEBUG, "unexpected bytes on an idle pooled connection; closing it");
            }
            ReferenceCountUtil.release(msg);
            lost();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            lost();
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lost();
        }

        private void lost() {
            if (released) {
                return;
            }
            if (idle.remove(entry)) {
                idleCount = idle.size();
                discard(entry, CloseReason.PEER_CLOSED);
                refill();
            } else {
                release();
                entry.established.channel().close();
            }
        }
    }
}
