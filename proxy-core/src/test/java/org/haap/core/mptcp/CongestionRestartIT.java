package org.haap.core.mptcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.haap.core.net.TcpCongestion;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;
import org.haap.core.testing.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TcpCongestion#restart} on a real MPTCP connection whose BBR went into PROBE_RTT after
 * idling longer than its 10 s min-RTT window: what a warm-pool connection does when it is taken.
 * The state is read with {@code TCP_CC_INFO} (BBR's gains: 256 is 1.0; PROBE_RTT has a
 * congestion-window gain of 1.0, STARTUP of 2.89).
 */
class CongestionRestartIT {

    private static final int TCP_CC_INFO = 26;
    private static final int BBR_UNIT = 256;
    private static final int STARTUP_GAIN = BBR_UNIT * 2885 / 1000 + 1;
    /** BBR's min-RTT filter window (bbr_min_rtt_win_sec) and a margin. */
    private static final Duration BBR_MIN_RTT_WINDOW = Duration.ofMillis(10_500);

    @RegisterExtension
    static final KernelTestGroup GROUP = new KernelTestGroup();

    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private Netns ns;
    private Channel server;
    private Channel client;

    @AfterEach
    void cleanUp() {
        try {
            for (Channel ch : new Channel[] {client, server, accepted.peek()}) {
                if (ch != null && ch.isRegistered()) {
                    ch.close().awaitUninterruptibly();
                }
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void aConnectionIdleLongerThanBbrsWindowStartsAfreshInsteadOfProbingItsRtt() throws Exception {
        ns = Netns.create("ccrs");
        MptcpSockets sockets = ns.call(MptcpSockets::open);
        EpollServerSocketChannel listener = ns.call(() -> sockets.openServer(new InetSocketAddress("127.0.0.1", 0),
                ServerSocketOptions.defaults().withCongestionControl("bbr")));
        server = listener;
        Servers.register(GROUP.group(), listener, new Echo(), accepted);
        Recorder recorder = new Recorder();
        ChannelFuture f = ns.call(() -> sockets.connect(new Bootstrap().group(GROUP.group()).handler(recorder),
                listener.localAddress(), ClientSocketOptions.mptcp()));
        client = f.sync().channel();
        Channel echo = accepted.poll(10, TimeUnit.SECONDS);
        int fd = ((UnixChannel) echo).fd().intValue();
        assertEquals("bbr", TcpCongestion.get(fd));

        // traffic, so BBR has RTT samples; then silence beyond its min-RTT window
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[256 * 1024])).sync();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.bytesReceived.get() == 256 * 1024);
        Thread.sleep(BBR_MIN_RTT_WINDOW.toMillis());
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000])).sync();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.bytesReceived.get() == 256 * 1024 + 1000);
        // the echo's first ACK after the silence put it into PROBE_RTT (a window of 4 segments for
        // at least 200 ms): what a warm-pool connection taken after idling did before restart
        await().atMost(Duration.ofSeconds(2)).until(() -> cwndGain(fd) == BBR_UNIT);

        assertTrue(TcpCongestion.restart(fd));
        assertEquals("bbr", TcpCongestion.get(fd), "restart keeps the algorithm");
        assertEquals(0, cwndGain(fd), "BBR's state is initialised anew (its gains are set on the next ACK)");
        // the next exchange, well within PROBE_RTT's 200 ms: BBR is in STARTUP, not PROBE_RTT
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000])).sync();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.bytesReceived.get() == 256 * 1024 + 2000);
        assertEquals(STARTUP_GAIN, cwndGain(fd), "BBR starts over in STARTUP");
        assertEquals(STARTUP_GAIN, pacingGain(fd));
        assertTrue(TcpCongestion.restart(echo), "the channel form does the same");
    }

    @Test
    void renoHasNothingToRestart() throws Exception {
        int fd = Posix.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_TCP);
        try {
            TcpCongestion.set(fd, "reno");
            assertFalse(TcpCongestion.restart(fd));
            assertEquals("reno", TcpCongestion.get(fd));
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private static int cwndGain(int fd) throws Exception {
        return ccInfo(fd).getInt(16);
    }

    private static int pacingGain(int fd) throws Exception {
        return ccInfo(fd).getInt(12);
    }

    /** struct tcp_bbr_info: bw_lo, bw_hi, min_rtt, pacing_gain, cwnd_gain (u32 each). */
    private static ByteBuffer ccInfo(int fd) throws Exception {
        byte[] v = Posix.get(fd, Linux.SOL_TCP, TCP_CC_INFO, new byte[20], "TCP_CC_INFO");
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
    }
}
