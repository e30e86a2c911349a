package org.haap.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.gateway.GatewayMetrics.PoolFailure;
import org.haap.gateway.GatewayMetrics.Result;
import org.haap.gateway.internal.PooledAttempt;

/**
 * The session's Convert exchange on a connection to the aggregation point: sends Convert
 * {Connect(destination), Cookie} followed at once by the LAN bytes read so far, or takes over
 * a connection that carried them in its SYN with the reply already read
 * ({@link #answered}, 0-RTT), forwards later LAN bytes behind them until the
 * reply, and reads the reply with a {@link ConvertReplyReader} under {@code
 * timeouts.convert-reply}: success → {@link Listener#accepted}; an Error TLV, a malformed reply,
 * a timeout or the AP closing → {@link Listener#failed} (the session resets the LAN connection).
 *
 * <p>On a warm-pool connection a client's bytes go upstream at most once ({@link PooledAttempt}):
 * it keeps a copy of every LAN byte sent until the reply, and if the connection is gone before
 * anything was written on it, or the AP refuses with an Error TLV it sends only before
 * connecting upstream and that a fresh connection may not get (3 or 64), it hands the copy
 * back to be sent on a fresh connection ({@link Listener#retry}, once per session, not while
 * the gateway stops); a close, reset or undecodable reply after the message was written
 * resets the LAN connection instead (both counted in {@code haap_gateway_pool_failures_total}).
 * Confined to the session's event loop.
 */
final class ConvertClient implements ConvertReplyReader.Listener {

    /** What the session does next. Exactly one method is called per {@link #send}. */
    interface Listener {
        /**
         * The AP accepted on {@code ap}: the bytes that came with the reply are written to the
         * LAN and flushed; the relay takes over.
         *
         * @param apInputShut whether the AP had already shut its output
         */
        void accepted(Channel ap, boolean apInputShut);

        /**
         * The pooled connection provably did not make the AP act: send {@code replay} (every
         * LAN byte sent so far, in order, already counted; owned by the callee) on a fresh
         * connection. The pooled connection is closed.
         */
        void retry(CompositeByteBuf replay);

        /** The exchange failed (noted in the record): end the session, resetting the LAN connection. */
        void failed(Result result, Termination termination);
    }

    private final Channel lan;
    private final RelayHandover handover;
    private final SessionRecord record;
    private final GatewayMetrics metrics;
    private final BooleanSupplier stopping;
    private final Duration replyTimeout;
    private final Listener listener;
    private Channel ap;
    private ConvertReplyReader reader;
    /** On a pooled connection until the reply: whether the AP can have acted on the Convert message. */
    private PooledAttempt attempt;
    /** On a pooled connection until the reply: a copy of every LAN byte sent, for a retry. */
    private CompositeByteBuf replay;

    /**
     * @param lan          the LAN connection (bytes that come with the reply go there)
     * @param handover     counts the bytes forwarded before the relay
     * @param stopping     whether the gateway stops (no retry then)
     * @param replyTimeout {@code timeouts.convert-reply}
     */
    ConvertClient(Channel lan, RelayHandover handover, SessionRecord record, GatewayMetrics metrics,
            BooleanSupplier stopping, Duration replyTimeout, Listener listener) {
        this.lan = lan;
        this.handover = handover;
        this.record = record;
        this.metrics = metrics;
        this.stopping = stopping;
        this.replyTimeout = replyTimeout;
        this.listener = listener;
    }

    /**
     * The Convert message {Connect(destination)}, with a Cookie TLV unless {@code cookie} is
     * {@code null}: the one place the gateway encodes it.
     */
    static ByteBuf connectMessage(InetSocketAddress destination, byte[] cookie) {
        return Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.connect(destination, cookie)));
    }

    /**
     * Sends the first flight on {@code channel} and awaits the reply.
     *
     * @param cookie       the Cookie TLV value, {@code null} for none (a pooled connection's hello proved it)
     * @param early        the LAN bytes read so far, or {@code null}; owned from now on
     * @param earlyCounted how many of them were already counted as forwarded (sent once on a dead pooled connection)
     * @param pooled       whether {@code channel} is a warm-pool connection (its exchange may be retried)
     */
    void send(Channel channel, InetSocketAddress destination, byte[] cookie, ByteBuf early, int earlyCounted,
            boolean pooled) {
        ap = channel;
        if (pooled) {
            replay = lan.alloc().compositeBuffer(64);
            if (early != null) {
                replay.addComponent(true, early.retainedDuplicate());
            }
            attempt = new PooledAttempt();
        }
        reader = ConvertReplyReader.install(channel, this);
        channel.write(connectMessage(destination, cookie), pooled ? attempt.track(channel) : channel.newPromise());
        if (early != null) {
            handover.forwardedEarly(early.readableBytes() - earlyCounted);
            channel.write(early, channel.voidPromise());
        }
        channel.flush();
        channel.read();
        if (reader.done()) {
            return; // a dead pooled connection was given up meanwhile
        }
        if (pooled && !channel.isActive()) {
            // closed before its handlers were added: no channelInactive may reach them
            reader.cancel();
            if (!retryIfNothingSent(channel, "closed")) {
                record.note("aggregation point closed before its Convert reply");
                listener.failed(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT));
            }
            return;
        }
        reader.arm(replyTimeout);
    }

    /**
     * The 0-RTT case: {@code channel} won a race with a {@link org.haap.gateway.internal.ConvertFlight}
     * that carried {@code flown} LAN bytes, and {@code answer} (owned from now on) is what the AP
     * sent back so far. Counts those bytes, sends {@code early} (LAN bytes read since, or
     * {@code null}; owned from now on) behind them, and reads the reply out of {@code answer} as
     * if it had just arrived, then reads on under {@code timeouts.convert-reply}.
     */
    void answered(Channel channel, ByteBuf answer, int flown, ByteBuf early) {
        ap = channel;
        reader = ConvertReplyReader.install(channel, this);
        handover.forwardedEarly(flown);
        if (early != null) {
            handover.forwardedEarly(early.readableBytes());
            channel.writeAndFlush(early, channel.voidPromise());
        }
        channel.pipeline().fireChannelRead(answer);
        channel.pipeline().fireChannelReadComplete();
        if (!reader.done()) {
            reader.arm(replyTimeout);
        }
    }

    /** LAN bytes read while the reply is awaited: they follow the ones already sent, in order. */
    void lanBytes(ByteBuf buf) {
        if (replay != null) {
            replay.addComponent(true, buf.retainedDuplicate());
        }
        int n = buf.readableBytes();
        ap.writeAndFlush(buf, ap.voidPromise());
        handover.forwardedEarly(n);
    }

    /** Stops awaiting the reply (the session ends or relays) and drops the copy kept for a retry. */
    void cancel() {
        if (reader != null) {
            reader.cancel();
        }
        releaseReplay();
    }

    @Override
    public void refused(Channel channel, ConvertErrorCode code) {
        metrics.convertError(code);
        if (awaitingPooledReply(channel) && !stopping.getAsBoolean() && PooledAttempt.worthAFreshConnection(code)) {
            record.note("pooled connection refused (" + code.name().toLowerCase(Locale.ROOT)
                    + ") before any upstream connect, establishing afresh");
            retryAfresh(channel);
            return;
        }
        record.note("convert error " + code.name().toLowerCase());
        listener.failed(Result.CONVERT_ERROR, new Termination(Side.SERVER, Reason.CONNECT_FAILED, Phase.CONNECT));
    }

    @Override
    public void data(Channel channel, ByteBuf buf) {
        handover.downstream(buf);
    }

    @Override
    public void accepted(Channel channel, boolean inputShut) {
        lan.flush();
        listener.accepted(channel, inputShut);
    }

    @Override
    public void failed(Channel channel, ConvertReplyReader.Failure failure, boolean accepted, String detail) {
        switch (failure) {
            case CLOSED -> {
                if (!retryIfNothingSent(channel, "closed")) {
                    record.note("aggregation point closed before its Convert reply");
                    listener.failed(Result.AP_PROTOCOL_ERROR,
                            new Termination(Side.SERVER, Reason.PROTOCOL_ERROR, Phase.CONNECT));
                }
            }
            case RESET -> {
                if (accepted || !retryIfNothingSent(channel, "reset")) {
                    record.note("aggregation point closed before the relay started");
                    listener.failed(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT));
                }
            }
            case ERROR -> {
                if (accepted || !retryIfNothingSent(channel, "failed (" + detail + ")")) {
                    record.note("aggregation point: " + detail);
                    listener.failed(Result.AP_PROTOCOL_ERROR,
                            new Termination(Side.SERVER, Reason.PROTOCOL_ERROR, Phase.CONNECT));
                }
            }
            case TIMEOUT -> {
                record.note("no Convert reply within " + replyTimeout.toMillis() + " ms");
                listener.failed(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.TIMEOUT, Phase.CONNECT));
            }
        }
    }

    /** Whether {@code ch} is this exchange's pooled connection and its reply is still awaited. */
    private boolean awaitingPooledReply(Channel ch) {
        return attempt != null && ch == ap;
    }

    /**
     * The pooled connection {@code dead} failed ({@code why}) before the reply. If nothing of
     * the Convert message left, hands the same bytes over for a fresh connection and returns
     * {@code true}. Otherwise the AP may have acted on them: counts and notes that, and returns
     * {@code false}; the caller fails the exchange.
     */
    private boolean retryIfNothingSent(Channel dead, String why) {
        if (!awaitingPooledReply(dead) || stopping.getAsBoolean()) {
            return false;
        }
        if (!attempt.sentNothing()) {
            metrics.poolFailure(PoolFailure.RESET);
            record.note("pooled connection " + why + " after the Convert message was written; not sent again,"
                    + " the aggregation point may have acted on it");
            return false;
        }
        record.note("pooled connection " + why + " before anything was written on it, establishing afresh");
        retryAfresh(dead);
        return true;
    }

    /** Counts the retry and hands every LAN byte so far over for a fresh connection instead of {@code dead}. */
    private void retryAfresh(Channel dead) {
        metrics.poolFailure(PoolFailure.RETRIED);
        reader.cancel();
        CompositeByteBuf bytes = replay;
        replay = null;
        attempt = null;
        ap = null;
        dead.close();
        listener.retry(bytes);
    }

    private void releaseReplay() {
        attempt = null;
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }
}
