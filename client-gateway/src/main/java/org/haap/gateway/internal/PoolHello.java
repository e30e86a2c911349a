package org.haap.gateway.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.robe.pool.PoolHandshake;

/**
 * The gateway's side of the HAAP pool handshake (docs/warm-pool.md): sends a pool hello
 * signed with the cookie, waits for the pool ack under a timeout, then leaves the pipeline
 * empty and {@code AUTO_READ} off.
 */
public final class PoolHello implements PoolHandshake {

    private final byte[] cookie;
    private final Supplier<Duration> timeout;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param cookie  the gateway's cookie, which signs each hello
     * @param timeout how long each hello waits for the ack, read for every hello
     */
    public PoolHello(byte[] cookie, Supplier<Duration> timeout) {
        this.cookie = cookie.clone();
        this.timeout = timeout;
    }

    @Override
    public io.netty.util.concurrent.Future<Duration> prepare(Channel ch) {
        Promise<Duration> promise = ch.eventLoop().newPromise();
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        synchronized (random) {
            random.nextBytes(nonce);
        }
        ConvertMessageDecoder decoder = new ConvertMessageDecoder();
        ChannelInboundHandlerAdapter reader = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ConvertMessage m && m.poolAckTlv().isPresent()) {
                    done(ctx, promise.trySuccess(Duration.ofMillis(m.poolAckTlv().get().idleTimeoutMillis())));
                } else {
                    promise.tryFailure(new IllegalStateException("pool hello refused: " + msg));
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                promise.tryFailure(new IllegalStateException("aggregation point closed during the pool hello"));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                promise.tryFailure(cause);
            }

            private void done(ChannelHandlerContext ctx, boolean ok) {
                ctx.pipeline().remove(this);
            }
        };
        ch.pipeline().addLast(decoder, reader);
        Duration timeout = this.timeout.get();
        ScheduledFuture<?> timer = ch.eventLoop().schedule(
                () -> promise.tryFailure(new IllegalStateException("no pool ack within " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        promise.addListener(f -> {
            timer.cancel(false);
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        ch.writeAndFlush(Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.poolHello(
                PoolHelloTlv.sign(cookie, System.currentTimeMillis(), nonce)))));
        ch.read();
        return promise;
    }
}
