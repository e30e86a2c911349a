package org.haap.robe.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.haap.robe.EstablishException;
import org.haap.robe.Established;
import org.haap.robe.FirstFlight;

/**
 * A first flight sent after an ordinary establishment (strategies that do not race it, such
 * as {@link org.haap.robe.Classic}): the flight goes on the established channel and its answer
 * is judged there. A loss there (the aggregation point acts on another connection with the
 * same id) fails the establishment.
 */
public final class FlightAfterHandshake {

    private FlightAfterHandshake() {
    }

    /** Sends {@code flight} on the connection {@code establishing} yields, once it does. */
    public static Future<Established> start(Future<Established> establishing, EventLoop loop, InetSocketAddress ap,
                                            FirstFlight flight) {
        Promise<Established> promise = loop.newPromise();
        promise.addListener(f -> {
            if (f.isCancelled()) {
                establishing.cancel(false);
            }
        });
        establishing.addListener(f -> loop.execute(() -> {
            if (!establishing.isSuccess()) {
                promise.tryFailure(establishing.cause());
                return;
            }
            Established e = establishing.getNow();
            if (promise.isDone()) {
                e.channel().close();
                return;
            }
            send(e, ap, flight, promise);
        }));
        return promise;
    }

    private static void send(Established e, InetSocketAddress ap, FirstFlight flight, Promise<Established> promise) {
        Channel ch = e.channel();
        long start = System.nanoTime();
        promise.addListener(f -> {
            if (f.isCancelled()) {
                ch.close();
            }
        });
        AnswerReader.fly(ch, flight, new AnswerReader.Listener() {
            @Override
            public void decided(FirstFlight.Verdict verdict, ByteBuf answer) {
                if (verdict == FirstFlight.Verdict.LOSE) {
                    Race.abort(ch);
                    promise.tryFailure(new EstablishException(ap.toString(), e.attempts()));
                    return;
                }
                Established won = new Established(ch, e.path(),
                        e.setupTime().plus(Duration.ofNanos(System.nanoTime() - start)), e.attempts(), answer);
                if (!promise.trySuccess(won)) {
                    answer.release();
                    ch.close();
                }
            }

            @Override
            public void failed(Throwable cause) {
                ch.close();
                promise.tryFailure(cause);
            }
        });
    }
}
