package org.haap.gateway.link.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.RawUnixChannelOption;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.haap.gateway.link.ProbeCodec;
import org.haap.robe.WanPath;

/**
 * The probe socket of one WAN: a Netty epoll UDP channel bound to the WAN's device
 * ({@code SO_BINDTODEVICE}, through Netty's raw socket option, so no other native code is
 * needed) and source address, like robe's attempts, registered on the monitor's event loop.
 * Opened on first use and again after a failure (the WAN's address may come later). Replies
 * from anywhere but the target, or that do not verify, are dropped.
 */
public final class WanProber implements ProbeSocket {

    private static final Logger LOG = System.getLogger(WanProber.class.getName());
    /** SOL_SOCKET. */
    private static final int SOL_SOCKET = 1;
    /** SO_BINDTODEVICE. */
    private static final int SO_BINDTODEVICE = 25;
    /** Interface name buffer size, NUL included. */
    private static final int IFNAMSIZ = 16;
    private static final RawUnixChannelOption BIND_TO_DEVICE =
            new RawUnixChannelOption("SO_BINDTODEVICE", SOL_SOCKET, SO_BINDTODEVICE, IFNAMSIZ);

    private final WanPath path;
    private final InetSocketAddress target;
    private final EventLoop loop;
    private final ProbeCodec codec;
    private final LongConsumer onReply;
    private EpollDatagramChannel channel;
    private String lastError;
    private boolean warnedDevice;

    /**
     * @param path    the WAN
     * @param target  where probes go
     * @param loop    the monitor's event loop; every method must be called on it
     * @param codec   the probe codec (used only on {@code loop})
     * @param onReply called on {@code loop} with the sequence number of each verified reply
     */
    public WanProber(WanPath path, InetSocketAddress target, EventLoop loop, ProbeCodec codec, LongConsumer onReply) {
        this.path = Objects.requireNonNull(path, "path");
        this.target = Objects.requireNonNull(target, "target");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.onReply = Objects.requireNonNull(onReply, "onReply");
    }

    /**
     * Sends probe {@code sequence}; a failure (no socket yet, send error) is logged at debug
     * once per distinct message and leaves the probe to time out.
     */
    @Override
    public void send(long sequence, long timestampNanos) {
        if (channel == null && !open()) {
            return;
        }
        ByteBuf buf = channel.alloc().buffer(ProbeCodec.LENGTH);
        codec.writeProbe(buf, sequence, timestampNanos);
        channel.writeAndFlush(new DatagramPacket(buf, target)).addListener(f -> {
            if (!f.isSuccess()) {
                debugOnce("send failed: " + f.cause());
            }
        });
    }

    private boolean open() {
        InetAddress source = path.sourceFor(target.getAddress());
        if (source == null) {
            debugOnce("no source address of the target's family");
            return false;
        }
        EpollDatagramChannel ch = new EpollDatagramChannel(target.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        try {
            byte[] name = path.interfaceName().getBytes(StandardCharsets.US_ASCII);
            // Netty checks a raw option's length: exactly IFNAMSIZ, the name NUL-padded.
            ByteBuffer device = ByteBuffer.allocateDirect(IFNAMSIZ).put(name, 0, Math.min(name.length, IFNAMSIZ - 1));
            device.clear();
            ch.config().setOption(BIND_TO_DEVICE, device);
        } catch (RuntimeException e) {
            if (!warnedDevice) {
                warnedDevice = true;
                LOG.log(Level.WARNING, "wan " + path.name() + ": SO_BINDTODEVICE " + path.interfaceName()
                        + " failed (" + e.getMessage() + "); probes are bound to the source address only");
            }
        }
        ch.pipeline().addLast(new ReplyHandler());
        ChannelFuture registered = loop.register(ch);
        if (!registered.isSuccess()) {
            ch.unsafe().closeForcibly();
            debugOnce("cannot register: " + registered.cause());
            return false;
        }
        ChannelFuture bound = ch.bind(new InetSocketAddress(source, 0));
        if (!bound.isSuccess()) {
            ch.close();
            debugOnce("cannot bind " + source + ": " + bound.cause());
            return false;
        }
        channel = ch;
        ch.closeFuture().addListener(f -> {
            if (channel == ch) {
                channel = null;
            }
        });
        lastError = null;
        return true;
    }

    /** The local address of the probe socket, or null while there is none. */
    @Override
    public InetSocketAddress localAddress() {
        EpollDatagramChannel ch = channel;
        return ch == null ? null : ch.localAddress();
    }

    /** The device the probe socket is bound to ({@code SO_BINDTODEVICE}), "" if none, null while no socket. */
    @Override
    public String boundDevice() {
        EpollDatagramChannel ch = channel;
        if (ch == null) {
            return null;
        }
        ByteBuffer b = ch.config().getOption(BIND_TO_DEVICE);
        b.clear(); // Netty 4.2.10 flips without advancing the position: the value is in [0, capacity)
        byte[] name = new byte[b.remaining()];
        b.get(name);
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.US_ASCII);
    }

    /** Closes the socket. */
    @Override
    public void close() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void debugOnce(String message) {
        if (!message.equals(lastError)) {
            lastError = message;
            LOG.log(Level.DEBUG, () -> "wan " + path.name() + ": probe " + message);
        }
    }

    private final class ReplyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!target.equals(packet.sender())) {
                return;
            }
            long seq = codec.readReply(packet.content());
            if (seq > 0) {
                onReply.accept(seq);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors on the socket (port unreachable...): the probe times out anyway.
            debugOnce("socket error: " + cause);
        }
    }
}
