package org.haap.gateway;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.haap.gateway.internal.ConvertFlight;
import org.haap.robe.EstablishException;
import org.haap.robe.Established;
import org.haap.robe.Establisher;
import org.haap.robe.WanPath;


/**
 * An MPTCP connection to the aggregation point established afresh by the session's
 * {@link Establisher} ({@code robe.mode}) over the WAN candidates of the moment, on the
 * session's event loop (so the relay can splice). Counts every attempt and the winner in the
 * strategy's {@code mode} meters; a connection that wins after the session gave up is closed.
 *
 * <p>With Fast Open ({@code robe.fast-open}, {@link #withFlight}) it first holds for the LAN
 * client's first bytes (until {@link #lanReady} or the wait passes), then establishes with the
 * {@link ConvertFlight} the session makes of them: Convert and those bytes in every attempt's
 * SYN, the first attempt whose reply arrives winning ({@code docs/fast-open.md}). The
 * connection then comes with that reply ({@link Upstream#answer()}).
 */
final class RobeSource implements UpstreamSource {

    private final Establisher establisher;
    private final InetSocketAddress ap;
    private final Supplier<List<WanPath>> candidates;
    private final GatewayMetrics.Establishment meters;
    private final SessionRecord record;
    private Supplier<ConvertFlight> flights;
    private Duration firstBytesWait;
    private EventLoop loop;
    private Promise<Upstream> promise;
    private ScheduledFuture<?> hold;
    private boolean started;

    RobeSource(Establisher establisher, InetSocketAddress ap, Supplier<List<WanPath>> candidates,
            GatewayMetrics.Establishment meters, SessionRecord record) {
        this.establisher = establisher;
        this.ap = ap;
        this.candidates = candidates;
        this.meters = meters;
        this.record = record;
    }

    /**
     * Establishes with a first flight that {@code flights} makes (once, when the client's first
     * bytes arrived or {@code firstBytesWait} passed).
     */
    RobeSource withFlight(Supplier<ConvertFlight> flights, Duration firstBytesWait) {
        this.flights = flights;
        this.firstBytesWait = firstBytesWait;
        return this;
    }

    @Override
    public Future<Upstream> open(EventLoop loop) {
        this.loop = loop;
        promise = loop.newPromise();
        if (flights == null) {
            start(null);
        } else {
            hold = loop.schedule(this::lanReady, firstBytesWait.toNanos(), TimeUnit.NANOSECONDS);
            promise.addListener(f -> {
                if (f.isCancelled() && hold != null) {
                    hold.cancel(false);
                }
            });
        }
        return promise;
    }

    @Override
    public void lanReady() {
        if (flights == null || started || promise == null || promise.isDone()) {
            return;
        }
        hold.cancel(false);
        hold = null;
        start(flights.get());
    }

    private void start(ConvertFlight flight) {
        started = true;
        Future<Established> establishing = flight == null ? establisher.establish(loop, ap, candidates.get())
                : establisher.establish(loop, ap, candidates.get(), flight);
        int flown = flight == null ? 0 : flight.clientBytes();
        if (flight != null) {
            establishing.addListener(f -> flight.release());
        }
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
            if (e.answer() != null) {
                record.note("0-rtt");
            }
            if (!promise.trySuccess(new Upstream(e.channel(), e.path(), e.setupTime().toMillis(), e.answer(),
                    flown))) {
                if (e.answer() != null) {
                    e.answer().release();
                }
                e.channel().close();
            }
        });
    }
}
