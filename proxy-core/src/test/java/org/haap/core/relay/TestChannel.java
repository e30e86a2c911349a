package org.haap.core.relay;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DuplexChannel;

/**
 * An {@link EmbeddedChannel} that can half-close like a socket, can stop accepting writes
 * (as if the kernel send buffer were full) and can look inactive without telling anyone.
 */
final class TestChannel extends EmbeddedChannel implements DuplexChannel {

    private boolean inputShut;
    private boolean outputShut;
    private boolean blocked;
    private boolean pretendInactive;

    /** While blocked, flushed messages stay in the outbound buffer. */
    void blocked(boolean value) {
        blocked = value;
        if (!value) {
            flush();
            runPendingTasks();
        }
    }

    void pretendInactive() {
        pretendInactive = true;
    }

    long pendingOutboundBytes() {
        ChannelOutboundBuffer buf = unsafe().outboundBuffer();
        return buf == null ? 0 : buf.totalPendingWriteBytes();
    }

    @Override
    public boolean isActive() {
        return !pretendInactive && super.isActive();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!blocked) {
            super.doWrite(in);
        }
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShut = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        outputShut = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return inputShut && outputShut;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        inputShut = true;
        outputShut = true;
        return promise.setSuccess();
    }
}
