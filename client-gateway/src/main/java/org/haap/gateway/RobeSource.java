package org.haap.gateway;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.haap.robe.EstablishException;
import org.haap.robe.Established;
import org.haap.robe.Establisher;
import org.haap.robe.WanPath;

/**
 * An MPTCP connection to the aggregation point established afresh by the session's
 * {@link Establisher} ({@code robe.mode}) over the WAN candidates of the moment, on the
 * session's event loop (so the relay can splice). Counts every attempt and the winner in the
 * strategy's {@code mode} meters; a connection that wins after the session gave up is closed.
 */
final class RobeSource implements UpstreamSource {

    private final Establisher establisher;
    private final InetSocketAddress ap;
    private final Supplier<List<WanPath>> candidates;
    private final GatewayMetrics.Establishment meters;
    private final SessionRecord record;

    RobeSource(Establisher establisher, InetSocketAddress ap, Supplier<List<WanPath>> candidates,
            GatewayMetrics.Establishment meters, SessionRecord record) {
        this.establisher = establisher;
        this.ap = ap;
        this.candidates = candidates;
        this.meters = meters;
        this.record = record;
    }

    @Override
    public Future<Upstream> open(EventLoop loop) {
        Promise<Upstream> promise = loop.newPromise();
        Future<Established> establishing = establisher.establish(loop, ap, candidates.get());
        promise.addListener(f -> {
            if (f.isCancelled()) {
                establishing.cancel(false);
            }
        });
        establishing.addListener(f -> {
            if (f.isCancelled()) {
                promise.cancel(false);
                return;
            }
            if (!f.isSuccess()) {
                record.note(f.cause().getMessage());
                if (f.cause() instanceof EstablishException ee) {
                    meters.attempts(ee.attempts());
                }
                promise.tryFailure(f.cause());
                return;
            }
            Established e = establishing.getNow();
            meters.attempts(e.attempts());
            meters.established(e.path(), e.setupTime());
            if (!promise.trySuccess(new Upstream(e.channel(), e.path(), e.setupTime().toMillis()))) {
                e.channel().close();
            }
        });
        return promise;
    }
}
