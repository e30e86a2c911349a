package org.haap.robe.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.robe.Established;
import org.haap.robe.Establisher;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's decisions with a fake establisher and handshake: no sockets, a hand-driven clock. */
class WarmPoolTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final WanPath a = path("a", "10.1.0.1");
    private final WanPath b = path("b", "10.2.0.1");
    private final WanState wans = new WanState(List.of(a, b), Duration.ofSeconds(1), Duration.ofSeconds(30), clock::get);
    private final FakeEstablisher establisher = new FakeEstablisher();
    private final AtomicBoolean refuse = new AtomicBoolean();
    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final PoolListener listener = new PoolListener() {
        @Override
        public void hit() {
            hits.incrementAndGet();
        }

        @Override
        public void miss() {
            misses.incrementAndGet();
        }

        @Override
        public void closed(CloseReason reason) {
            closes.add(reason);
        }
    };
    private final PoolHandshake handshake = ch -> {
        Promise<Duration> p = ch.eventLoop().newPromise();
        if (refuse.get()) {
            p.setFailure(new IllegalStateException("refused"));
        } else {
            p.setSuccess(Duration.ofSeconds(120));
        }
        return p;
    };

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static WanPath path(String name, String source) {
        try {
            return new WanPath(name, "eth-" + name, InetAddress.getByName(source), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Every establish call; the test completes them. */
    private final class FakeEstablisher implements Establisher {
        final List<Promise<Established>> calls = new CopyOnWriteArrayList<>();
        final List<List<WanPath>> paths = new CopyOnWriteArrayList<>();

        @Override
        public Future<Established> establish(EventLoop l, InetSocketAddress ap, List<WanPath> p) {
            Promise<Established> promise = l.newPromise();
            calls.add(promise);
            paths.add(p);
            return promise;
        }

        /** Completes every pending call with a fresh open channel; returns the channels. */
        List<Channel> succeedAll() throws Exception {
            return succeed(Integer.MAX_VALUE, a, Duration.ofMillis(20));
        }

        /** Completes up to {@code n} pending calls, oldest first, as won on {@code path} in {@code setup}. */
        List<Channel> succeed(int n, WanPath path, Duration setup) throws Exception {
            return on(() -> {
                List<Channel> out = new ArrayList<>();
                for (Promise<Established> p : calls) {
                    if (!p.isDone() && out.size() < n) {
                        EmbeddedChannel ch = new EmbeddedChannel();
                        out.add(ch);
                        p.setSuccess(new Established(ch, path, setup, List.of()));
                    }
                }
                return out;
            });
        }

        long pending() {
            return calls.stream().filter(p -> !p.isDone()).count();
        }
    }

    private <T> T on(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private WarmPool pool(int min, int max, Duration maxIdle) {
        return new WarmPool(loop, new PoolSettings(min, max, maxIdle), establisher, wans, AP, handshake, listener,
                clock::get);
    }

    /** Starts {@code pool}, completes its first {@code n} establishments, waits until all are idle. */
    private List<Channel> startFilled(WarmPool pool, int n) throws Exception {
        pool.start();
        await().until(() -> establisher.pending() == n);
        List<Channel> made = establisher.succeedAll();
        await().until(() -> pool.idle() == n);
        return made;
    }

    private void tick(WarmPool pool, Duration advance) throws Exception {
        clock.addAndGet(advance.toNanos());
        on(() -> {
            pool.tick();
            return null;
        });
    }

    @Test
    void fillsToMinThenTakeHitsAndRefills() throws Exception {
        WarmPool pool = pool(2, 8, Duration.ofSeconds(60));
        List<Channel> made = startFilled(pool, 2);
        assertTrue(made.get(0).config().isAutoRead(), "idle connections are watched");

        PooledConnection c = on(pool::take);
        assertNotNull(c);
        assertSame(made.get(0), c.channel(), "oldest first");
        assertFalse(c.channel().config().isAutoRead(), "handed out with AUTO_READ off");
        assertEquals(0, c.channel().pipeline().names().stream().filter(n -> n.contains("IdleWatch")).count(),
                "handed out with the pool's handler removed");
        assertEquals(1, hits.get());
        await().until(() -> establisher.pending() >= 1L); // a take refills, REFILL_DELAY later
        assertEquals(List.of(a, b), establisher.paths.get(2), "refills on every live WAN");
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void takePrefersConnectionsWonOnTheFastestWanOldestFirst() throws Exception {
        WarmPool pool = pool(4, 8, Duration.ofSeconds(60));
        pool.start();
        await().until(() -> establisher.pending() == 4);
        List<Channel> slow = establisher.succeed(2, b, Duration.ofMillis(45));
        List<Channel> fast = establisher.succeed(2, a, Duration.ofMillis(22));
        await().until(() -> pool.idle() == 4);

        assertSame(fast.get(0), on(pool::take).channel(), "oldest of those won on the fastest WAN");
        assertSame(fast.get(1), on(pool::take).channel());
        PooledConnection third = on(pool::take);
        assertSame(slow.get(0), third.channel(), "none left on the fastest WAN: the oldest");
        assertEquals(b, third.path());
        assertSame(slow.get(1), on(pool::take).channel());
        assertEquals(4, hits.get());

        // refills: one won on b first, then one on a while a is loaded (its handshake queued
        // behind a download); a's recent minimum still makes it the fastest WAN
        await().until(() -> establisher.pending() >= 2L);
        List<Channel> laterSlow = establisher.succeed(1, b, Duration.ofMillis(45));
        List<Channel> loadedFast = establisher.succeed(1, a, Duration.ofMillis(150));
        await().until(() -> pool.idle() >= 2);
        assertSame(loadedFast.get(0), on(pool::take).channel(), "a's lowest handshake in the window counts");
        assertSame(laterSlow.get(0), on(pool::take).channel());
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void emptyPoolMissesAndTheTargetFollowsTheRateWithinBounds() throws Exception {
        WarmPool pool = pool(0, 5, Duration.ofSeconds(60));
        pool.start();
        assertNull(on(pool::take));
        assertEquals(1, misses.get());
        for (int i = 0; i < 40; i++) {
            on(pool::take);
        }
        tick(pool, Duration.ofMillis(250));
        assertEquals(5, pool.target(), "160/s clamped to max");
        for (int i = 0; i < 400; i++) {
            tick(pool, Duration.ofSeconds(1));
        }
        assertEquals(0, pool.target(), "no demand: back to min");
        assertEquals(0, WarmPool.targetSize(0.0, 0, 5));
        assertEquals(3, WarmPool.targetSize(2.5, 0, 5));
        assertEquals(2, WarmPool.targetSize(0.1, 2, 5));
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aBurstIsRememberedForTheNextOneAndFadesWithTheHalfLife() throws Exception {
        WarmPool pool = pool(2, 64, Duration.ofSeconds(600));
        pool.start();
        for (int i = 0; i < 36; i++) {
            on(pool::take); // a page's connections at once
        }
        tick(pool, Duration.ofMillis(250));
        for (int i = 0; i < 8; i++) {
            tick(pool, Duration.ofMillis(250)); // two quiet seconds: the rate alone would fall to ~4
        }
        assertTrue(pool.target() >= 30, "the next page finds the pool sized for it: " + pool.target());
        for (int i = 0; i < 30; i++) {
            tick(pool, Duration.ofSeconds(1));
        }
        int afterHalfLife = pool.target();
        assertTrue(afterHalfLife >= 16 && afterHalfLife <= 20, "halved after 30 s: " + afterHalfLife);
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void idleConnectionsAreRecycledAfterMaxIdle() throws Exception {
        WarmPool pool = pool(1, 4, Duration.ofSeconds(10));
        Channel first = startFilled(pool, 1).get(0);
        tick(pool, Duration.ofSeconds(9));
        assertTrue(first.isOpen());
        tick(pool, Duration.ofSeconds(2));
        assertFalse(first.isOpen(), "closed after max-idle");
        assertEquals(List.of(CloseReason.EXPIRED), closes);
        await().until(() -> establisher.pending() == 1);
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void resizeRetargetsTrimsAndRefillsAtOnce() throws Exception {
        WarmPool pool = pool(2, 8, Duration.ofSeconds(60));
        List<Channel> first = startFilled(pool, 2);

        pool.resize(new PoolSettings(5, 8, Duration.ofSeconds(10)));
        await().until(() -> establisher.pending() == 3); // the new min, without waiting for a tick
        assertEquals(5, pool.target());
        List<Channel> more = establisher.succeedAll();
        await().until(() -> pool.idle() == 5);

        pool.resize(new PoolSettings(1, 2, Duration.ofSeconds(10)));
        await().until(() -> pool.idle() == 1);
        assertEquals(1, pool.target());
        assertEquals(List.of(CloseReason.TRIMMED, CloseReason.TRIMMED, CloseReason.TRIMMED, CloseReason.TRIMMED),
                closes);
        assertFalse(first.get(0).isOpen(), "oldest closed first");
        assertTrue(more.get(2).isOpen(), "the newest kept");
        assertEquals(0, establisher.pending(), "nothing opened while shrinking");

        // pooled after the first resize: 10 s of idle life instead of 60 s
        tick(pool, Duration.ofSeconds(11));
        assertFalse(more.get(2).isOpen());
        assertEquals(CloseReason.EXPIRED, closes.get(closes.size() - 1));
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aWanChangeDrainsIdleAndDiscardsOpening() throws Exception {
        WarmPool pool = pool(2, 4, Duration.ofSeconds(60));
        List<Channel> made = startFilled(pool, 2);
        wans.linkChanged(b, false);
        tick(pool, Duration.ofMillis(250));
        assertFalse(made.get(0).isOpen());
        assertFalse(made.get(1).isOpen());
        assertEquals(List.of(CloseReason.WAN_CHANGED, CloseReason.WAN_CHANGED), closes);
        await().until(() -> establisher.pending() == 2);
        assertEquals(List.of(a), establisher.paths.get(establisher.paths.size() - 1));
        // a change while those are opening: they are discarded when they complete
        wans.linkChanged(b, true);
        on(pool::take);
        List<Channel> stale = establisher.succeedAll();
        assertTrue(stale.stream().noneMatch(Channel::isOpen), "opened for the old WAN set");
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void peerCloseRemovesAnIdleConnectionAndUnexpectedBytesToo() throws Exception {
        WarmPool pool = pool(2, 4, Duration.ofSeconds(60));
        List<Channel> made = startFilled(pool, 2);
        on(() -> made.get(0).close());
        await().until(() -> pool.idle() == 1);
        on(() -> ((EmbeddedChannel) made.get(1)).writeInbound(Unpooled.wrappedBuffer(new byte[] {1})));
        await().until(() -> pool.idle() == 0);
        assertFalse(made.get(1).isOpen());
        assertEquals(List.of(CloseReason.PEER_CLOSED, CloseReason.PEER_CLOSED), closes);
        pool.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void refusedHandshakeBacksOffAndCloseClosesEverything() throws Exception {
        refuse.set(true);
        WarmPool pool = pool(1, 2, Duration.ofSeconds(60));
        pool.start();
        await().until(() -> establisher.pending() == 1);
        Channel refused = establisher.succeedAll().get(0);
        assertFalse(refused.isOpen());
        await().until(() -> pool.opening() == 0);
        tick(pool, Duration.ofMillis(500));
        assertEquals(0, establisher.pending(), "backing off");
        refuse.set(false);
        tick(pool, Duration.ofMillis(600));
        await().until(() -> establisher.pending() == 1);
        Channel ok = establisher.succeedAll().get(0);
        await().until(() -> pool.idle() == 1);
        pool.close().get(5, TimeUnit.SECONDS);
        assertFalse(ok.isOpen());
        assertEquals(0, pool.idle());
        assertEquals(List.of(CloseReason.SHUTDOWN), closes);
        assertThrows(IllegalStateException.class, pool::take, "take only on the loop");
    }

    @Test
    void settingsShareSumsToTheConfiguredValues() {
        PoolSettings total = new PoolSettings(3, 10, Duration.ofSeconds(50));
        int min = 0;
        int max = 0;
        for (int i = 0; i < 4; i++) {
            PoolSettings s = total.share(i, 4);
            min += s.min();
            max += s.max();
            assertTrue(s.min() <= s.max());
        }
        assertEquals(3, min);
        assertEquals(10, max);
        assertThrows(IllegalArgumentException.class, () -> new PoolSettings(3, 2, Duration.ofSeconds(1)));
    }

}
