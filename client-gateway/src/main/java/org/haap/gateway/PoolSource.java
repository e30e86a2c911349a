package org.haap.gateway;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.haap.gateway.GatewayMetrics.PoolFailure;
import org.haap.robe.pool.PooledConnection;
import org.haap.robe.pool.WarmPool;

/**
 * A warm-pool connection (no WAN handshake), handed over once the client's first bytes are
 * there or after {@link #HOLD_MILLIS} (server-first protocols send nothing): the Convert
 * message then goes in one write with them, so the MPTCP scheduler puts request and Connect
 * on one subflow, the idle one with the lowest RTT, instead of spreading two small writes
 * over two WANs. A connection the aggregation point closed while it waited fails the source
 * with nothing written on it ({@code haap_gateway_pool_failures_total{action="retried"}}):
 * the session establishes afresh. Confined to the session's event loop.
 */
final class PoolSource implements UpstreamSource {

    /** How long a pool hit waits for the client's first bytes before sending Connect alone. */
    static final long HOLD_MILLIS = 10;

    private final PooledConnection pooled;
    private final SessionRecord record;
    private final GatewayMetrics metrics;
    private Promise<Upstream> promise;
    private ScheduledFuture<?> hold;

    private PoolSource(PooledConnection pooled, SessionRecord record, GatewayMetrics metrics) {
        this.pooled = pooled;
        this.record = record;
        this.metrics = metrics;
    }

    /** Takes a connection from {@code pool} (may be {@code null}); {@code null} when it has none. */
    static PoolSource take(WarmPool pool, SessionRecord record, GatewayMetrics metrics) {
        PooledConnection pc = pool == null ? null : pool.take();
        if (pc == null) {
            return null;
        }
        record.note("pooled");
        return new PoolSource(pc, record, metrics);
    }

    /** For tests: a source over {@code pooled}. */
    static PoolSource of(PooledConnection pooled, SessionRecord record, GatewayMetrics metrics) {
        return new PoolSource(pooled, record, metrics);
    }

    @Override
    public Future<Upstream> open(EventLoop loop) {
        promise = loop.newPromise();
        hold = loop.schedule(this::handOver, HOLD_MILLIS, TimeUnit.MILLISECONDS);
        promise.addListener(f -> {
            if (f.isCancelled()) {
                hold.cancel(false);
                pooled.channel().close();
            }
        });
        return promise;
    }

    @Override
    public void lanReady() {
        handOver();
    }

    private void handOver() {
        if (promise.isDone()) {
            return;
        }
        hold.cancel(false);
        Channel ch = pooled.channel();
        if (!ch.isActive()) {
            // The aggregation point closed it while it waited here; nothing was sent on it.
            metrics.poolFailure(PoolFailure.RETRIED);
            record.note("pooled connection closed before use, establishing afresh");
            ch.close();
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        promise.trySuccess(new Upstream(ch, pooled.path(), 0));
    }
}
