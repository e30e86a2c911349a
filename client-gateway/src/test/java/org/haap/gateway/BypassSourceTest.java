package org.haap.gateway;

import static org.haap.gateway.StageFixture.DSL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.gateway.UpstreamSource.Upstream;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bypass: plain TCP to the destination on the preferred WAN of its family, with a fake dialer. */
class BypassSourceTest {

    private static final WanPath LTE6 = new WanPath("lte", "wwan0", StageFixture.address("2001:db8::2"), null);

    private final StageFixture fx = new StageFixture();
    private final EmbeddedChannel lan = new EmbeddedChannel();
    private final EmbeddedChannel direct = new EmbeddedChannel();
    private final ChannelPromise connect = direct.newPromise();
    private final List<ClientSocketOptions> dialled = new ArrayList<>();

    @AfterEach
    void release() {
        lan.finishAndReleaseAll();
        direct.finishAndReleaseAll();
    }

    private BypassSource source(InetSocketAddress destination) {
        return new BypassSource((b, remote, opts) -> {
            assertEquals(destination, remote);
            dialled.add(opts);
            return connect;
        }, destination, () -> List.of(LTE6, DSL), Duration.ofSeconds(3), "cubic", fx.record);
    }

    @Test
    void connectsOnTheFirstWanWithTheDestinationsFamily() {
        Future<Upstream> f = source(StageFixture.DESTINATION).open(lan.eventLoop());
        assertEquals(1, dialled.size());
        ClientSocketOptions opts = dialled.get(0);
        assertEquals(new InetSocketAddress(DSL.source(), 0), opts.source());
        assertEquals("dsl0", opts.device());
        assertEquals("cubic", opts.congestionControl());
        assertFalse(f.isDone());
        connect.setSuccess();
        lan.runPendingTasks();
        assertEquals(new Upstream(direct, DSL, -1), f.getNow());
        assertTrue(fx.line().contains(" via=bypass wan=dsl "), fx.line());
    }

    @Test
    void aRefusalIsTheServersReset() {
        Future<Upstream> f = source(StageFixture.DESTINATION).open(lan.eventLoop());
        connect.setFailure(new ConnectException("Connection refused"));
        lan.runPendingTasks();
        assertInstanceOf(ConnectException.class, f.cause());
        assertEquals(new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT), BypassSource.ended(f.cause()));
        assertTrue(fx.note().startsWith("direct connect: "), fx.note());
        assertFalse(direct.isOpen());
    }

    @Test
    void noWanOfTheDestinationsFamilyFailsWithoutDialling() {
        BypassSource v6only = new BypassSource((b, remote, opts) -> {
            throw new AssertionError("dialled");
        }, StageFixture.DESTINATION, () -> List.of(LTE6), Duration.ofSeconds(3), null, fx.record);
        Future<Upstream> f = v6only.open(lan.eventLoop());
        assertInstanceOf(BypassSource.NoWanException.class, f.cause());
        assertEquals(new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT), BypassSource.ended(f.cause()));
        assertEquals("no WAN with an address of the destination's family", fx.note());
        assertTrue(fx.line().contains(" via=bypass wan=- "), fx.line());
    }

    @Test
    void aConnectionMadeAfterTheSessionGaveUpIsClosed() {
        Future<Upstream> f = source(StageFixture.DESTINATION).open(lan.eventLoop());
        f.cancel(false);
        connect.setSuccess();
        lan.runPendingTasks();
        assertFalse(direct.isOpen());
        assertNull(fx.note());
    }
}
