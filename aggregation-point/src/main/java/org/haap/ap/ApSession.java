package org.haap.ap;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import org.haap.ap.ApMetrics.PoolClose;
import org.haap.ap.ApMetrics.Rejection;
import org.haap.ap.internal.AdmissionBudget;
import org.haap.ap.internal.ClientKey;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.net.SocketFailure;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;

import java.net.InetSocketAddress;

/**
 * The state one client connection's stages share ({@link AdmissionHandler},
 * {@link HeaderHandler}, {@link PooledHandler}, {@link UpstreamConnector}, then the relay):
 * the configuration snapshot it was accepted under, its {@link SessionRecord}, which budget
 * slots it holds (an unauthenticated ticket, then a session slot, and a pool slot while
 * pooled), its stage, and its upstream channel or relay once there. Every slot is returned
 * exactly once, when the client channel closes ({@link #onClosed}). Confined to the client
 * channel's event loop, except {@link #evicted}, {@link #drainStart} and
 * {@link #drainDeadline}, which hand themselves to it.
 */
final class ApSession {

    /** Where on a client channel its session is found (for the drain). */
    static final AttributeKey<ApSession> KEY = AttributeKey.valueOf(ApSession.class, "session");

    /** The stages of a session, in order ({@code DONE} once it is recorded). */
    enum Stage { HEADER, POOLED, CONNECTING, RELAYING, DONE }

    final ApContext ap;
    /** The configuration this session was accepted under (a reload does not change it). */
    final ApContext.Settings settings;
    final SessionRecord record;
    final Channel client;
    final ClientKey clientKey;
    private Stage stage = Stage.HEADER;
    private AdmissionBudget.Ticket ticket;
    private boolean sessionSlot;
    private boolean poolSlot;
    private boolean anyByte;
    private Channel upstream;
    private RelaySession relay;

    ApSession(ApContext ap, Channel client, boolean mptcp) {
        this.ap = ap;
        this.settings = ap.settings();
        this.client = client;
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        this.record = new SessionRecord(ap, ap.nextSessionId(), remote, mptcp);
        this.clientKey = settings.clientKey(remote.getAddress());
    }

    Stage stage() {
        return stage;
    }

    void stage(Stage next) {
        if (stage != Stage.DONE) {
            stage = next;
        }
    }

    // --- budgets

    /** Takes an unauthenticated ticket; {@code false} when the client is over its budget. */
    boolean admit() {
        ticket = ap.admission().tryAdmit(clientKey, () -> client.eventLoop().execute(this::evicted));
        return ticket != null;
    }

    /**
     * The connection authenticated (a valid header or pool hello): its unauthenticated
     * ticket becomes a session slot. {@code false} (and the ticket kept until close) when
     * the client or the AP is at its session limit.
     */
    boolean authenticate() {
        if (sessionSlot) {
            return true; // a pooled connection, authenticated by its hello
        }
        if (!ap.limiter().tryAcquire(clientKey)) {
            return false;
        }
        sessionSlot = true;
        releaseTicket();
        return true;
    }

    /** Takes a pool slot (granted by {@link org.haap.ap.internal.PoolAdmission}). */
    void pooled() {
        poolSlot = true;
    }

    /** Returns the pool slot: the connection carries a session or closes. */
    void leavePool() {
        if (poolSlot) {
            poolSlot = false;
            ap.pool().release(clientKey);
        }
    }

    private void releaseTicket() {
        if (ticket != null) {
            ap.admission().release(ticket);
            ticket = null;
        }
    }

    /** The budget took this connection's ticket for a newer one: reset it, counted. */
    private void evicted() {
        if (stage != Stage.HEADER || sessionSlot) {
            return; // authenticated meanwhile
        }
        ticket = null;
        ap.metrics().rejected(Rejection.UNAUTHENTICATED_EVICTED);
        record.note("evicted: unauthenticated connections at limits.max-unauthenticated");
        end(new Termination(Side.PROXY, Reason.LIMIT, Phase.HEADER), true);
        Relay.abortiveClose(client);
    }

    // --- bytes seen

    /** The client sent at least one byte. */
    void sawByte() {
        anyByte = true;
    }

    // --- upstream and relay

    void upstream(Channel upstream) {
        this.upstream = upstream;
    }

    void relaying(RelaySession relay) {
        this.relay = relay;
        stage(Stage.RELAYING);
    }

    private void closeUpstream() {
        if (upstream != null && relay == null) {
            upstream.close();
        }
    }

    // --- ending

    /** The phase for termination records. */
    Phase phase() {
        return switch (stage) {
            case HEADER, POOLED -> Phase.HEADER;
            case CONNECTING -> Phase.CONNECT;
            default -> Phase.RELAY;
        };
    }

    /**
     * Refuses the session before any upstream connect: counts the rejection, answers with
     * the Error TLV and closes once it is flushed.
     */
    void refuse(ChannelHandlerContext ctx, Rejection why, ConvertErrorCode code, Reason reason) {
        refuse(ctx, why, ConvertMessage.error(code), reason);
    }

    /** {@link #refuse(ChannelHandlerContext, Rejection, ConvertErrorCode, Reason)} with an Error TLV that has a value. */
    void refuse(ChannelHandlerContext ctx, Rejection why, ConvertMessage error, Reason reason) {
        ap.metrics().rejected(why);
        replyAndClose(ctx, error, new Termination(Side.PROXY, reason, phase()), true);
    }

    /** Sends {@code reply} (an Error TLV, or the answer to an Info TLV), records {@code termination} and closes. */
    void replyAndClose(ChannelHandlerContext ctx, ConvertMessage reply, Termination termination,
                       boolean rejection) {
        leavePool();
        reply.errorTlv().ifPresent(e -> ap.metrics().errorSent(e.code()));
        end(termination, rejection);
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ConvertCodec.encode(reply)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Records the end once ({@code rejection}: a refusal before any upstream connect). */
    void end(Termination termination, boolean rejection) {
        if (stage == Stage.DONE) {
            return;
        }
        stage = Stage.DONE;
        record.end(termination, rejection);
    }

    /** Closes an idle pooled connection that never carried a session. */
    void closePooled(PoolClose reason) {
        leavePool();
        if (stage != Stage.DONE) {
            stage = Stage.DONE;
            record.pooledClosed(reason);
        }
        client.close();
    }

    /**
     * The client channel failed before the relay (the relay handles its own errors): a reset
     * before any byte is an abandoned attempt; anything else ends the session and resets both
     * sides.
     */
    void clientFailed(Throwable cause) {
        if (stage == Stage.DONE || stage == Stage.RELAYING) {
            return;
        }
        record.note(cause.toString());
        if (stage == Stage.POOLED) {
            closePooled(PoolClose.CLIENT);
            return;
        }
        Reason reason = isReset(cause) ? Reason.RESET : Reason.IO_ERROR;
        if (reason == Reason.RESET && abandonedBeforeAnyByte()) {
            Relay.abortiveClose(client);
            return;
        }
        end(new Termination(Side.CLIENT, reason, phase()), false);
        Relay.abortiveClose(client);
        closeUpstream();
    }

    private static boolean isReset(Throwable cause) {
        return SocketFailure.classify(cause).peerReset();
    }

    /**
     * A connection closed or reset in the header phase without a single byte from the client
     * (a gateway's losing RobE attempt, a health check) is abandoned, not an error: ends the
     * session as such and returns {@code true}.
     */
    boolean abandonedBeforeAnyByte() {
        if (stage != Stage.HEADER || anyByte) {
            return false;
        }
        stage = Stage.DONE;
        record.abandoned();
        return true;
    }

    /** The client channel closed: returns every slot; ends a session still open. */
    void onClosed() {
        releaseTicket();
        leavePool();
        if (sessionSlot) {
            sessionSlot = false;
            ap.limiter().release(clientKey);
        }
        if (stage == Stage.POOLED) {
            stage = Stage.DONE;
            record.pooledClosed(PoolClose.CLIENT);
        } else if ((stage == Stage.HEADER || stage == Stage.CONNECTING) && !abandonedBeforeAnyByte()) {
            end(new Termination(Side.CLIENT, Reason.RESET, phase()), false);
        }
        closeUpstream();
    }

    // --- drain

    /**
     * The AP started draining: a connection that has not started a session (header phase
     * or idle in the pool) is closed now, so none starts during the drain; sessions that
     * connect or relay go on.
     */
    void drainStart() {
        client.eventLoop().execute(() -> {
            if (stage == Stage.POOLED) {
                closePooled(PoolClose.DRAIN);
            } else if (stage == Stage.HEADER) {
                if (!abandonedBeforeAnyByte()) {
                    end(new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.HEADER), false);
                }
                client.close();
            }
        });
    }

    /**
     * The drain deadline passed with this session open: both sides are reset, so neither
     * takes the cut stream for a complete one; recorded as {@code drain_aborted}.
     */
    void drainDeadline() {
        client.eventLoop().execute(() -> {
            RelaySession r = relay;
            if (r != null) {
                r.abort(); // the relay's result records PROXY/DRAIN_ABORTED
                return;
            }
            end(new Termination(Side.PROXY, Reason.DRAIN_ABORTED, phase()), false);
            Relay.abortiveClose(client);
            if (upstream != null) {
                Relay.abortiveClose(upstream);
            }
        });
    }

    @Override
    public String toString() {
        return record + " " + stage;
    }
}
