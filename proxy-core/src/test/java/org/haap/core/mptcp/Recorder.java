package org.haap.core.mptcp;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.Socket;

/**
 * Records what a channel saw: how often channelActive fired, the peer the kernel reported at
 * that moment (getpeername, so "active before connected" would show as null), and the bytes
 * received (released at once).
 */
@ChannelHandler.Sharable
final class Recorder extends ChannelInboundHandlerAdapter {

    final AtomicInteger actives = new AtomicInteger();
    final AtomicLong bytesReceived = new AtomicLong();
    final StringBuffer text = new StringBuffer();
    volatile SocketAddress kernelPeerAtActive;
    volatile SocketAddress remoteAtActive;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        kernelPeerAtActive = ((Socket) ((io.netty.channel.unix.UnixChannel) ctx.channel()).fd()).remoteAddress();
        remoteAtActive = ctx.channel().remoteAddress();
        actives.incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            bytesReceived.addAndGet(buf.readableBytes());
            if (text.length() < 4096) {
                text.append(buf.toString(StandardCharsets.US_ASCII));
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
