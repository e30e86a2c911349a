package org.haap.gateway;

import static org.haap.gateway.StageFixture.ascii;
import static org.haap.gateway.StageFixture.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.haap.core.relay.RelayConfig;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.gateway.GatewayMetrics.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session's end: reset or close before the relay, or the hand-over to the relay, each once. */
class RelayHandoverTest {

    /** An EmbeddedChannel that remembers the SO_LINGER set on it. */
    private static final class LanChannel extends EmbeddedChannel {
        private DefaultChannelConfig config;
        private Integer linger;

        @Override
        public DefaultChannelConfig config() {
            if (config == null) {
                config = new DefaultChannelConfig(this) {
                    @Override
                    public <T> boolean setOption(ChannelOption<T> option, T value) {
                        if (option == ChannelOption.SO_LINGER) {
                            linger = (Integer) value;
                            return true;
                        }
                        return super.setOption(option, value);
                    }
                };
            }
            return config;
        }
    }

    private static final RelayConfig RELAY = new RelayConfig(1, 64 * 1024, Duration.ofMinutes(5),
            Duration.ofSeconds(30), false, 64 * 1024, RelayConfig.DEFAULT_SPLICE_PIPES);

    private final StageFixture fx = new StageFixture();
    private final LanChannel lan = new LanChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final RelayHandover handover = new RelayHandover(lan, fx.record, fx.metrics, RELAY);

    RelayHandoverTest() {
        fx.metrics.sessionOpened();
    }

    @AfterEach
    void release() {
        lan.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    private double intercepted(Result r) {
        return fx.counter("haap.gateway.connections.intercepted", "result", r.name().toLowerCase());
    }

    @Test
    void aFailedSetUpResetsTheLanConnectionOnce() {
        Termination t = new Termination(Side.SERVER, Reason.TIMEOUT, Phase.CONNECT);
        handover.finish(Result.AP_PROTOCOL_ERROR, t, true, upstream);
        assertEquals(0, lan.linger, "SO_LINGER 0: the client sees a reset");
        assertFalse(lan.isOpen());
        assertFalse(upstream.isOpen());
        assertEquals(1.0, intercepted(Result.AP_PROTOCOL_ERROR));
        assertEquals(0, fx.metrics.activeSessions());
        assertFalse(fx.record.end(t), "the record was logged");

        handover.finish(Result.CLIENT_GONE, t, false, upstream);
        assertEquals(0.0, intercepted(Result.CLIENT_GONE), "a session ends once");
        assertEquals(0, fx.metrics.activeSessions());
    }

    @Test
    void aRefusedLoopIsClosedNotReset() {
        handover.finish(Result.LOOP, new Termination(Side.PROXY, Reason.DENIED, Phase.CONNECT), false, null);
        assertNull(lan.linger);
        assertFalse(lan.isOpen());
        assertEquals(1.0, intercepted(Result.LOOP));
    }

    @Test
    void theRelayTakesOverAndTheRecordEndsWithIt() {
        handover.forwardedEarly(3);
        handover.downstream(ascii("hi"));
        lan.flush();
        assertEquals("hi", nextOutbound(lan));
        RelaySession session = handover.start(Result.RELAYED, upstream, false, false);
        assertEquals(1.0, intercepted(Result.RELAYED));
        lan.writeInbound(ascii("more"));
        assertEquals("more", nextOutbound(upstream), "the relay forwards LAN bytes");
        handover.finish(Result.CLIENT_GONE, new Termination(Side.CLIENT, Reason.RESET, Phase.CONNECT), true, upstream);
        assertEquals(0.0, intercepted(Result.CLIENT_GONE), "a relayed session is not finished as a failed set-up");
        assertTrue(upstream.isOpen());

        lan.close();
        upstream.close();
        lan.runPendingTasks();
        upstream.runPendingTasks();
        assertTrue(session.result().isDone());
        assertEquals(0, fx.metrics.activeSessions());
        assertTrue(fx.line().contains(" up=7 down=2 "), fx.line());
    }
}
