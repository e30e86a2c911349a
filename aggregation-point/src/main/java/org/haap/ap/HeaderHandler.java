package org.haap.ap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.haap.ap.ApMetrics.Rejection;
import org.haap.ap.ApSession.Stage;
import org.haap.ap.internal.AttemptRegistry;
import org.haap.ap.internal.Handshake;
import org.haap.ap.internal.TcpOptionSupport;
import org.haap.config.DestinationPolicy.Verdict;
import org.haap.core.convert.ConnectTlv;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.TcpOption;
import org.haap.core.net.TcpCongestion;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Convert header stage, after the {@code ConvertMessageDecoder}: waits for the client's
 * Convert message under {@code timeouts.header} and checks it: a pool hello goes to the
 * {@link PooledHandler}; an Info TLV alone is answered with the Supported TCP Extensions TLV
 * (after the cookie); a Connect needs a port other than 0 (Error 1), an accepted cookie
 * (unless the connection is pooled: its hello proved the cookie), a destination its
 * {@code DestinationPolicy} allows (address and port; the verdict's reason goes to the
 * session record), TCP options the AP can use ({@link TcpOptionSupport}, else Error 33), a
 * session slot and, last, a connection id not seen before if it carries one
 * ({@link #firstAttempt}; a racing Connect from a SYN is first held until its handshake
 * completes, {@link #awaitHandshake}), and then the {@link UpstreamConnector} replaces this stage with the
 * {@link SuccessReply} to send. Anything else is refused with its RFC 8803 Error TLV (Error
 * 64 at the session limit). The refusals happen before any upstream connect.
 */
final class HeaderHandler extends ChannelInboundHandlerAdapter {

    private final ApSession session;
    /** The connection came from the warm pool: no header timer, no hello, cookie optional. */
    private final boolean pooled;
    private ScheduledFuture<?> timer;
    /** A racing Connect from a SYN whose handshake is still incomplete ({@link #awaitHandshake}). */
    private ConvertMessage awaiting;
    /** Bytes that came after {@link #awaiting}, for the upstream stage. */
    private final List<ByteBuf> held = new ArrayList<>(2);

    /** How often a racing Connect's handshake is checked while it is incomplete. */
    static final long HANDSHAKE_POLL_MICROS = 1000;

    HeaderHandler(ApSession session, boolean pooled) {
        this.session = session;
        this.pooled = pooled;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!pooled) {
            timer = ctx.executor().schedule(() -> onTimeout(ctx),
                    session.settings.config().timeouts().header().toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        awaiting = null;
        releaseHeld();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ConvertMessage message && session.stage() == Stage.HEADER && awaiting == null) {
            session.ap.metrics().convertDecoded(true);
            onHeader(ctx, message);
        } else if (msg instanceof ByteBuf buf && awaiting != null && session.stage() == Stage.HEADER) {
            held.add(buf); // bytes that came with a message waiting for its handshake
        } else {
            ReferenceCountUtil.release(msg); // bytes after a refusal
        }
    }

    private void onHeader(ChannelHandlerContext ctx, ConvertMessage message) {
        if (session.ap.isDraining()) {
            session.end(new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.HEADER), false);
            ctx.close(); // no session starts during a drain
            return;
        }
        if (message.poolHelloTlv().isPresent()) {
            if (pooled || message.tlvs().size() != 1) {
                session.record.note("pool hello with other TLVs or on a pooled connection");
                session.refuse(ctx, Rejection.MALFORMED, ConvertErrorCode.UNSUPPORTED_MESSAGE, Reason.PROTOCOL_ERROR);
                return;
            }
            PooledHandler.admit(ctx, session, message.poolHelloTlv().orElseThrow());
            return;
        }
        ConnectTlv connect = message.connectTlv().orElse(null);
        if (connect == null && message.infoTlv().isPresent()) {
            answerInfo(ctx, message);
            return;
        }
        if (connect == null) {
            session.record.note("convert message without Connect TLV");
            session.refuse(ctx, Rejection.MALFORMED, ConvertErrorCode.UNSUPPORTED_MESSAGE, Reason.PROTOCOL_ERROR);
            return;
        }
        InetSocketAddress destination = connect.destination();
        session.record.destination(destination);
        if (destination.getPort() == 0) {
            session.record.note("Connect TLV to port 0");
            session.refuse(ctx, Rejection.MALFORMED, ConvertErrorCode.MALFORMED_MESSAGE, Reason.PROTOCOL_ERROR);
            return;
        }
        if (!cookieAccepted(ctx, message)) {
            return;
        }
        if (message.attemptTlv().isPresent() && Handshake.pending(ctx.channel())) {
            awaitHandshake(ctx, message);
            return;
        }
        act(ctx, message, connect);
    }

    /**
     * A racing Connect that came in a SYN (TCP Fast Open) acts only once its handshake is
     * complete ({@link Handshake}): the attempt whose third ACK arrives first carries the
     * session, so a lost SYN/ACK on one WAN never leaves the session waiting on that WAN's SYN
     * retransmission while another attempt is connected (that one would only hear "duplicate").
     * Reading stops meanwhile; the bytes that came with the message are kept for the upstream
     * stage. Checked every {@link #HANDSHAKE_POLL_MICROS} µs, under the header timeout.
     */
    private void awaitHandshake(ChannelHandlerContext ctx, ConvertMessage message) {
        awaiting = message;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (awaiting != message || session.stage() != Stage.HEADER) {
                return;
            }
            if (Handshake.pending(ctx.channel())) {
                awaitHandshake(ctx, message);
                return;
            }
            awaiting = null;
            act(ctx, message, message.connectTlv().orElseThrow());
        }, HANDSHAKE_POLL_MICROS, TimeUnit.MICROSECONDS);
    }

    /** The checks after the cookie, then the upstream stage: see the class comment. */
    private void act(ChannelHandlerContext ctx, ConvertMessage message, ConnectTlv connect) {
        cancelTimer();
        InetSocketAddress destination = connect.destination();
        Verdict verdict = session.settings.config().destinations().verdict(destination, session.ap.ownAddresses());
        if (!verdict.allowed()) {
            releaseHeld();
            session.record.note("destination " + verdict);
            session.refuse(ctx, Rejection.DESTINATION, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            return;
        }
        SuccessReply reply = successReply(ctx, message, connect);
        if (reply == null) {
            releaseHeld();
            return;
        }
        if (!session.authenticate()) {
            releaseHeld();
            session.refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
            return;
        }
        if (!firstAttempt(ctx, message)) { // last: a refusal above leaves the id free for another attempt
            releaseHeld();
            return;
        }
        if (pooled) {
            TcpCongestion.restart(ctx.channel()); // idle since its hello: start like a fresh connection
        }
        session.stage(Stage.CONNECTING);
        UpstreamConnector next = new UpstreamConnector(session, destination, reply, pooled);
        held.forEach(next::hold);
        held.clear();
        ctx.pipeline().replace(this, "connect", next);
    }

    private void releaseHeld() {
        held.forEach(ByteBuf::release);
        held.clear();
    }

    /**
     * Whether this Connect may act: it has no attempt TLV, or the first with its connection id
     * within {@code attempt-window} ({@link AttemptRegistry}). A racing gateway sends the same
     * Connect and bytes on every WAN; every later copy gets Error 192 "duplicate attempt" before
     * anything of it is forwarded, so the client's bytes reach the server once.
     */
    private boolean firstAttempt(ChannelHandlerContext ctx, ConvertMessage message) {
        if (message.attemptTlv().isEmpty()) {
            return true;
        }
        switch (session.ap.attempts().claim(message.attemptTlv().get().id())) {
            case FIRST:
                return true;
            case DUPLICATE:
                session.record.note("duplicate attempt");
                session.refuse(ctx, Rejection.DUPLICATE_ATTEMPT, ConvertErrorCode.DUPLICATE_ATTEMPT,
                        Reason.DENIED);
                return false;
            default:
                session.record.note("attempt registry full");
                session.refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
                return false;
        }
    }

    /**
     * An Info TLV without a Connect TLV (RFC 8803 section 6.2.3): an authorized client gets the
     * Supported TCP Extensions TLV, then the connection closes.
     */
    private void answerInfo(ChannelHandlerContext ctx, ConvertMessage message) {
        if (!cookieAccepted(ctx, message)) {
            return;
        }
        session.record.note("info answered");
        session.replyAndClose(ctx, new ConvertMessage(List.of(session.ap.tcpOptions().supported())),
                new Termination(Side.PROXY, Reason.COMPLETED, Phase.HEADER), false);
    }

    /**
     * The success reply {@code connect} will get ({@link SuccessReply}); or null, having
     * refused it with Error 33, when it asks for TCP options the AP cannot use.
     */
    private SuccessReply successReply(ChannelHandlerContext ctx, ConvertMessage message, ConnectTlv connect) {
        TcpOptionSupport support = session.ap.tcpOptions();
        List<TcpOption> options;
        try {
            options = connect.options();
        } catch (ConvertException e) { // the decoder checked them: only for a TLV built otherwise
            session.refuse(ctx, Rejection.MALFORMED, e.errorCode(), Reason.PROTOCOL_ERROR);
            return null;
        }
        List<Integer> unsupported = support.unsupported(options);
        if (!unsupported.isEmpty()) {
            session.record.note("unsupported TCP options " + unsupported);
            session.refuse(ctx, Rejection.TCP_OPTION, ConvertMessage.unsupportedTcpOptions(unsupported),
                    Reason.PROTOCOL_ERROR);
            return null;
        }
        // Section 6.2.6: an Extended Connect TLV (one with a TCP Options field, even one of
        // ignored kinds only) gets the Extended TCP Header TLV.
        return new SuccessReply(message.infoTlv().isPresent() ? List.of(support.supported()) : List.of(),
                connect.tcpOptions().length > 0);
    }

    private boolean cookieAccepted(ChannelHandlerContext ctx, ConvertMessage message) {
        byte[] cookie = message.cookieTlv().map(c -> withoutPadding(c.opaque())).orElse(null);
        if (pooled && cookie == null) {
            return true; // the pool hello proved the cookie without sending it
        }
        if (session.settings.config().cookies().accepts(cookie)) {
            return true;
        }
        if (cookie == null) {
            session.refuse(ctx, Rejection.MISSING_COOKIE, ConvertErrorCode.MISSING_COOKIE, Reason.DENIED);
        } else {
            session.refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
        }
        return false;
    }

    /** A Cookie TLV's value is zero-padded to a word boundary; configured cookies have no NULs. */
    private static byte[] withoutPadding(byte[] opaque) {
        int end = opaque.length;
        while (end > 0 && opaque[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOf(opaque, end);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (session.stage() == Stage.HEADER) {
                // Closed without a byte: a losing RobE attempt or a probe, not an error.
                if (!session.abandonedBeforeAnyByte()) {
                    session.end(new Termination(Side.CLIENT, Reason.PROTOCOL_ERROR, Phase.HEADER), true);
                }
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ConvertException ce) {
            if (session.stage() == Stage.HEADER) {
                session.ap.metrics().convertDecoded(false);
                session.record.note("convert: " + ce.getMessage());
                session.refuse(ctx, Rejection.MALFORMED, ce.errorCode(), Reason.PROTOCOL_ERROR);
            }
            return;
        }
        session.clientFailed(cause);
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        if (session.stage() != Stage.HEADER) {
            return;
        }
        session.ap.metrics().rejected(Rejection.HEADER_TIMEOUT);
        session.end(new Termination(Side.PROXY, Reason.TIMEOUT, Phase.HEADER), true);
        ctx.close();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
