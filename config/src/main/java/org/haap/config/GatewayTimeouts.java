package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The gateway's timeouts, one per session phase ({@code haap.gateway.timeouts}); all positive.
 *
 * @param connect for one MPTCP connect attempt to the aggregation point
 * @param convertReply from sending the Convert message until the aggregation point's reply
 * @param idle a relaying session with no bytes in either direction is closed after this
 * @param halfClose after one direction has ended, the other must end within this
 * @param drain on SIGTERM, how long in-flight sessions may run before they are closed
 */
public record GatewayTimeouts(Duration connect, Duration convertReply, Duration idle, Duration halfClose,
        Duration drain) {

    public GatewayTimeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(convertReply, "convertReply");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(halfClose, "halfClose");
        Objects.requireNonNull(drain, "drain");
    }

    static GatewayTimeouts read(Section s) {
        Problems p = new Problems();
        Duration connect = p.read(() -> s.positiveDuration("connect"));
        Duration convertReply = p.read(() -> s.positiveDuration("convert-reply"));
        Duration idle = p.read(() -> s.positiveDuration("idle"));
        Duration halfClose = p.read(() -> s.positiveDuration("half-close"));
        Duration drain = p.read(() -> s.positiveDuration("drain"));
        p.throwIfAny();
        return new GatewayTimeouts(connect, convertReply, idle, halfClose, drain);
    }
}
