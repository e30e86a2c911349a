package org.haap.core.mptcp;

import java.util.concurrent.TimeUnit;

import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * The class-level set-up of the real-kernel socket tests: before the class, checks the
 * prerequisites (network namespaces, MPTCP) and starts an epoll event loop group of two
 * threads; after the class, shuts it down. Use it as
 * {@code @RegisterExtension static final KernelTestGroup GROUP = new KernelTestGroup();}.
 */
final class KernelTestGroup implements BeforeAllCallback, AfterAllCallback {

    private EventLoopGroup group;

    @Override
    public void beforeAll(ExtensionContext context) {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    /** The event loop group, between the class's first and last test. */
    EventLoopGroup group() {
        return group;
    }
}
