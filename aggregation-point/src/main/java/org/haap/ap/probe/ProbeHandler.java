package org.haap.ap.probe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.haap.config.CidrSet;

/**
 * Answers the probes arriving on one UDP socket: source in {@code clients.allow}, then the
 * format and MAC, then the per-source rate; the reply goes back to the sender. Only
 * authenticated probes are charged to their source's rate, so junk spoofed from a
 * gateway's address costs one MAC check per key and never spends that gateway's tokens.
 * Everything dropped is counted by reason, never answered. One instance per channel (its authenticator and rate
 * limiter are not thread-safe); {@link #update} replaces the allow-list and the
 * authenticator and must be called on the channel's event loop.
 */
final class ProbeHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = System.getLogger(ProbeHandler.class.getName());

    private final SourceRateLimiter limiter;
    private CidrSet allow;
    private ProbeAuthenticator authenticator;
    private final ProbeMetrics metrics;

    ProbeHandler(CidrSet allow, SourceRateLimiter limiter, ProbeAuthenticator authenticator, ProbeMetrics metrics) {
        this.allow = allow;
        this.limiter = limiter;
        this.authenticator = authenticator;
        this.metrics = metrics;
    }

    /** Checks later probes against {@code newAllow} and {@code newAuthenticator} (on the channel's event loop). */
    void update(CidrSet newAllow, ProbeAuthenticator newAuthenticator) {
        this.allow = newAllow;
        this.authenticator = newAuthenticator;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        var sender = packet.sender();
        if (sender == null || !allow.contains(sender.getAddress())) {
            metrics.rejected(ProbeAuthenticator.Rejection.CLIENT);
            return;
        }
        ProbeAuthenticator.Verdict verdict = authenticator.verify(packet.content());
        if (verdict.rejection() != null) {
            metrics.rejected(verdict.rejection());
            return;
        }
        if (!limiter.tryAcquire(sender.getAddress())) {
            metrics.rejected(ProbeAuthenticator.Rejection.RATE);
            return;
        }
        ByteBuf reply = ctx.alloc().buffer(ProbeAuthenticator.LENGTH);
        verdict.writeReply(reply);
        metrics.answered();
        ctx.writeAndFlush(new DatagramPacket(reply, sender));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, () -> "probe socket " + ctx.channel().localAddress() + ": " + cause);
    }
}
