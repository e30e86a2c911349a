package org.haap.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.haap.core.relay.Direction;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelayConfig;
import org.haap.core.relay.RelayResult;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination;
import org.haap.gateway.GatewayMetrics.Result;
import org.haap.gateway.accounting.WanUsage;
import org.haap.gateway.flow.FlowClassifier;

/**
 * A session's end, whichever way it goes: the hand-over of the LAN connection and the
 * upstream connection to {@link Relay} (the session's record and meters completed when the
 * relay ends; a session on an MPTCP connection is watched for its flow class,
 * {@link FlowClassifier}), or, before that, the {@linkplain #finish finish} that closes or resets the LAN
 * connection. Also counts the bytes forwarded before the relay took over. Ends a session at
 * most once. Confined to the session's event loop.
 */
final class RelayHandover {

    private static final Logger LOG = System.getLogger(GatewaySessionHandler.class.getName());

    private final Channel lan;
    private final SessionRecord record;
    private final GatewayMetrics metrics;
    private final RelayConfig relayConfig;
    private boolean ended;

    RelayHandover(Channel lan, SessionRecord record, GatewayMetrics metrics, RelayConfig relayConfig) {
        this.lan = lan;
        this.record = record;
        this.metrics = metrics;
        this.relayConfig = relayConfig;
    }

    /** Counts {@code n} LAN bytes forwarded upstream before the relay took over. */
    void forwardedEarly(int n) {
        record.bytes(n, 0);
        metrics.relay().onBytes(Direction.UPSTREAM, n);
    }

    /** Writes (without flushing) bytes that came with the AP's reply to the LAN connection, counted. */
    void downstream(ByteBuf buf) {
        record.bytes(0, buf.readableBytes());
        metrics.relay().onBytes(Direction.DOWNSTREAM, buf.readableBytes());
        lan.write(buf);
    }

    /**
     * Hands both connections to the relay; the caller has taken its own handlers off the LAN
     * pipeline. An input shutdown either side saw before is passed on to the relay.
     */
    RelaySession start(Result result, Channel upstream, boolean lanInputShut, boolean upstreamInputShut) {
        ended = true;
        metrics.intercepted(result);
        WanUsage usage = record.usage();
        FlowClassifier.Flow flow = usage == null ? null : metrics.flows().watch(upstream, usage, metrics.relay());
        RelaySession session = Relay.start(lan, upstream, relayConfig, flow == null ? metrics.relay() : flow);
        if (lanInputShut) {
            lan.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        if (upstreamInputShut) {
            upstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        session.result().addListener(f -> {
            RelayResult r = session.result().getNow();
            record.bytes(r.bytesUpstream(), r.bytesDownstream());
            if (flow != null) {
                record.flow(flow.bulk() ? "bulk" : "short");
                flow.ended();
            }
            record.end(r.termination());
            metrics.sessionClosed();
        });
        return session;
    }

    /**
     * Ends a session that never reached the relay: closes {@code upstream} (may be {@code null}),
     * and closes or (with {@code reset}) resets the LAN connection so the client sees what it
     * would have seen without the proxy. Does nothing if the session had ended.
     */
    void finish(Result result, Termination t, boolean reset, Channel upstream) {
        if (ended) {
            return;
        }
        ended = true;
        if (upstream != null) {
            upstream.close();
        }
        if (lan.isOpen()) {
            if (reset) {
                try {
                    lan.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "SO_LINGER 0 failed: " + e.getMessage());
                }
            }
            lan.close();
        }
        metrics.intercepted(result);
        record.end(t);
        metrics.sessionClosed();
    }
}
