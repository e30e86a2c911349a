package org.haap.ap;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.unix.UnixChannel;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.mptcp.MptcpInfoReader;

/**
 * Builds an accepted client connection's pipeline: its {@link ApSession} and the first
 * stages, {@link AdmissionHandler}, the Convert decoder and the {@link HeaderHandler}. Later
 * stages ({@link PooledHandler}, {@link UpstreamConnector}, the relay) replace the header
 * stage as the session moves on.
 */
final class ApChannelInitializer extends ChannelInitializer<Channel> {

    private final ApContext ap;

    ApChannelInitializer(ApContext ap) {
        this.ap = ap;
    }

    @Override
    protected void initChannel(Channel ch) {
        // the listeners accept epoll channels; an embedded one (unit tests) is not MPTCP
        boolean mptcp = ch instanceof UnixChannel && MptcpInfoReader.isMptcp(ch);
        ApSession session = new ApSession(ap, ch, mptcp);
        ch.attr(ApSession.KEY).set(session);
        ch.pipeline()
                .addLast("admission", new AdmissionHandler(session))
                .addLast("convert", new ConvertMessageDecoder())
                .addLast("header", new HeaderHandler(session, false));
    }
}
