package org.haap.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.robe.WanPath;

/** What the session-stage tests share: meters, a WAN, a record, and byte helpers. */
final class StageFixture {

    static final InetSocketAddress DESTINATION = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    static final WanPath DSL = new WanPath("dsl", "dsl0", address("198.51.100.2"), null);

    final MeterRegistry registry = new SimpleMeterRegistry();
    final GatewayMetrics metrics = new GatewayMetrics(registry, List.of(DSL), "sim");
    final SessionRecord record = new SessionRecord(1, new InetSocketAddress(address("192.168.1.2"), 40000),
            DESTINATION, () -> 0L);

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Reads and releases the next outbound buffer of {@code ch} as text ({@code null}: none). */
    static String nextOutbound(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    /** The record's detail note, from its log line. */
    String note() {
        String line = record.toLine(new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.CONNECT));
        int at = line.indexOf(" detail=\"");
        return at < 0 ? null : line.substring(at + 9, line.length() - 1);
    }

    /** The record's log line (as if it ended now). */
    String line() {
        return record.toLine(new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.CONNECT));
    }

    double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }
}
