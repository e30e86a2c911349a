package org.haap.ap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.haap.ap.ApMetrics.Rejection;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.session.Termination.Reason;

import java.net.InetSocketAddress;

/**
 * The first stage of a client connection: at accept it refuses a client outside {@code clients.allow} (Error 32) and one over its budget of
 * unauthenticated connections (Error 64, {@code limits.max-unauthenticated-per-client});
 * an admitted connection holds an unauthenticated ticket until its header authenticates
 * it. The stage then stays only to note the client's first byte (a connection that closes
 * before any byte is abandoned, not an error) and removes itself.
 */
final class AdmissionHandler extends ChannelInboundHandlerAdapter {

    private final ApSession session;

    AdmissionHandler(ApSession session) {
        this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        ApContext ap = session.ap;
        ap.metrics().accepted(session.record.mptcp());
        ap.clients().add(ch);
        ch.closeFuture().addListener(f -> session.onClosed());
        if (ap.isDraining()) {
            // accepted just before the listeners closed: nothing starts during a drain
            session.abandonedBeforeAnyByte();
            ch.close();
            return;
        }
        if (!session.settings.config().clientsAllow()
                .contains(((InetSocketAddress) ch.remoteAddress()).getAddress())) {
            session.refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            return;
        }
        if (!session.admit()) {
            session.refuse(ctx, Rejection.UNAUTHENTICATED_LIMIT, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.stage() == ApSession.Stage.DONE) {
            ReferenceCountUtil.release(msg); // refused: nothing more is read
            return;
        }
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            session.sawByte();
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
