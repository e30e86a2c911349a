package org.haap.core.mptcp;

import java.util.concurrent.BlockingQueue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;

/** Registers a listener from {@link MptcpSockets#openServer} the way production code does. */
final class Servers {

    private Servers() {
    }

    /** Registers {@code server}; every accepted child is added to {@code accepted} and gets {@code handler}. */
    static void register(EventLoopGroup group, EpollServerSocketChannel server, ChannelHandler handler,
                         BlockingQueue<Channel> accepted) throws InterruptedException {
        new ServerBootstrap()
                .group(group)
                .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> server)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(handler);
                    }
                })
                .register().sync();
    }
}
