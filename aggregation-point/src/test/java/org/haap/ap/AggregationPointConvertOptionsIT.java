package org.haap.ap;

import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.haap.core.convert.ConnectTlv;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertTlv;
import org.haap.core.convert.CookieTlv;
import org.haap.core.convert.InfoTlv;
import org.haap.core.convert.TcpOption;
import org.haap.core.mptcp.ClientSocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * RFC 8803's Info, Connect TCP options, port 0 and Extended TCP Header on the real kernel:
 * what the client gets back and what the SYN towards the server carried, as the server's
 * accepted socket reports it ({@code TCP_INFO}).
 *
 * <pre>
 *   client c1 198.18.51.2/24 ── a1 198.18.51.1/24  ap  a3 198.18.53.1/24 ── s3 198.18.53.2/24  srv
 * </pre>
 * The AP's namespace has {@code net.ipv4.tcp_sack = 0} (so SACK Permitted is an option it
 * cannot use) and only its two on-link routes; the server's namespace advertises an MSS of
 * 1000 towards the AP ({@code advmss} on its route), so the server's SYN+ACK differs from
 * the AP's own defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointConvertOptionsIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.51.1", 5124);
    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.53.2", 7001);
    private static final byte[] COOKIE = "options-secret".getBytes(StandardCharsets.UTF_8);
    /** TCPI_OPT_* bits of tcpi_options (linux/tcp.h). */
    private static final long OPT_TIMESTAMPS = 1;
    private static final long OPT_SACK = 2;
    private static final long OPT_WSCALE = 4;

    @AutoClose
    private ApItFixture bed;
    private MultiThreadIoEventLoopGroup serverGroup;
    private Channel serverChannel;
    /** TCP_INFO of every connection the server accepted, read when it became active. */
    private final LinkedBlockingQueue<EpollTcpInfo> accepted = new LinkedBlockingQueue<>();

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("rfcopt");
        bed.linkThrough(51, 53);
        bed.ap.sysctl("net.ipv4.tcp_sack", "0");
        bed.server.route("198.18.53.1/32", "dev", "s3", "advmss", "1000");
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        serverChannel = bed.server.call(() -> new ServerBootstrap().group(serverGroup)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel ch) {
                        ch.pipeline().addLast(new Echo());
                    }
                }).bind(SERVER).sync().channel());
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["198.18.51.1:5124"]
                  event-loops = 1
                  clients.allow = ["198.18.51.0/24"]
                  cookies = ["options-secret"]
                  destinations.allow = ["198.18.53.0/24"]
                  metrics.listen = "127.0.0.1:9124"
                }
                """);
    }

    @AfterAll
    void stopServer() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (serverGroup != null) {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Records the accepted socket's TCP_INFO, then echoes. */
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.add(((EpollSocketChannel) ctx.channel()).tcpInfo());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private TestClient client() throws Exception {
        return bed.connect(AP, ClientSocketOptions.tcp().withSource(new InetSocketAddress("198.18.51.2", 0)));
    }

    private static byte[] message(ConvertTlv... tlvs) {
        return ConvertCodec.encode(new ConvertMessage(List.of(tlvs)));
    }

    private static ConnectTlv connect(int port, TcpOption... options) {
        return new ConnectTlv(new InetSocketAddress(SERVER.getAddress(), port), TcpOption.encodeList(List.of(options)));
    }

    private double metric(String series) {
        return bed.metricSum(series);
    }

    /**
     * Sections 6.2.3 and 7.2: Info is answered with timestamps and MPTCP; SACK Permitted is off
     * in the AP's namespace, and window scale is never announced.
     */
    @Test
    void infoIsAnsweredWithWhatTheApsKernelAndListenersOffer() throws Exception {
        try (TestClient c = client()) {
            c.write(message(new InfoTlv(), new CookieTlv(COOKIE)));
            assertEquals("01 03 22 63 15 02 00 00 08 1e 00 00", HEX.formatHex(c.readToEnd(T)));
        }
    }

    /**
     * Sections 6.2.5, 6.2.6, 7.1 and 7.2: the SYN to the server carries the timestamps asked
     * for, the kernel's own window scale (the 7 asked for is ignored) and no SACK Permitted
     * (the AP's kernel has it off, and it was not asked for), with the AP's own MSS (1460 on
     * this link: the 1200 asked for is ignored); the reply returns the server's SYN+ACK
     * options, its MSS of 1000 and its window scale.
     */
    @Test
    void connectOptionsReachTheSynAndTheSynAckComesBack() throws Exception {
        try (TestClient c = client()) {
            byte[] data = "ping".getBytes(StandardCharsets.US_ASCII);
            c.write(concat(message(new InfoTlv(), connect(SERVER.getPort(),
                    new TcpOption(TcpOption.MSS, new byte[] {4, (byte) 0xb0}),
                    new TcpOption(TcpOption.WINDOW_SCALE, new byte[] {7}), TcpOption.of(TcpOption.TIMESTAMPS)),
                    new CookieTlv(COOKIE)), data));
            EpollTcpInfo server = accepted.poll(T.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(server, "the server accepted no connection");
            assertEquals(OPT_TIMESTAMPS | OPT_WSCALE, server.options() & (OPT_TIMESTAMPS | OPT_SACK | OPT_WSCALE),
                    "options negotiated on the server's socket");
            assertTrue(server.sndWscale() > 0, "the AP's SYN carried a window scale");
            assertEquals(1460 - 12, server.sndMss(), "the AP advertised its own MSS, less the timestamps");

            String shift = String.format("%02x", server.rcvWscale());
            assertEquals("01 06 22 63"
                    + " 15 02 00 00 08 1e 00 00" // Supported TCP Extensions: the Info TLV's answer
                    + " 14 03 00 00 02 04 03 e8 03 03 " + shift + " 00", // Extended TCP Header: MSS 1000, WS
                    HEX.formatHex(c.readExactly(24, T)));
            assertArrayEquals(data, c.readExactly(data.length, T), "relayed after the reply");
        }
    }

    /**
     * Sections 6.2.5 and 7.1: No-Operation and End of Option List bytes in the TCP Options
     * field are ignored, not refused; the field still makes it an Extended Connect TLV, so the
     * reply carries the server's SYN+ACK options (section 6.2.6).
     */
    @Test
    void noOperationAndEndOfOptionListBytesAreIgnored() throws Exception {
        try (TestClient c = client()) {
            byte[] data = "nop".getBytes(StandardCharsets.US_ASCII);
            c.write(concat(message(new ConnectTlv(SERVER, new byte[] {1, 1, 1, 0}), new CookieTlv(COOKIE)), data));
            assertNotNull(accepted.poll(T.toSeconds(), TimeUnit.SECONDS), "the server accepted no connection");
            byte[] reply = c.readExactly(4, T);
            assertEquals("01 04 22 63", HEX.formatHex(reply), "a success reply of 4 words");
            assertEquals("14 03 00 00 02 04 03 e8", HEX.formatHex(c.readExactly(8, T)),
                    "Extended TCP Header, MSS 1000 first");
            c.readExactly(4, T);
            assertArrayEquals(data, c.readExactly(data.length, T), "relayed after the reply");
        }
    }

    /** Section 6.2.8: Error 33 lists the kinds the AP cannot use; no upstream connect. */
    @Test
    void optionsTheApCannotUseGetError33AndNoConnect() throws Exception {
        double attempts = metric("haap_ap_upstream_connect_attempts_total");
        double errors = metric("haap_ap_convert_errors_sent_total{code=\"unsupported_tcp_option\"");
        double rejected = metric("haap_ap_rejected_total{reason=\"tcp_option\"");
        try (TestClient c = client()) {
            c.write(message(connect(SERVER.getPort(), TcpOption.of(TcpOption.SACK_PERMITTED),
                    new TcpOption(19, new byte[16])), new CookieTlv(COOKIE)));
            assertEquals("01 03 22 63 1e 02 21 04 13 00 00 00", HEX.formatHex(c.readToEnd(T)));
        }
        assertEquals(errors + 1, metric("haap_ap_convert_errors_sent_total{code=\"unsupported_tcp_option\""));
        assertEquals(rejected + 1, metric("haap_ap_rejected_total{reason=\"tcp_option\""));
        assertEquals(attempts, metric("haap_ap_upstream_connect_attempts_total"), "no upstream connect");
    }

    /** Port 0 names no service: Error 1 Malformed Message, no upstream connect. */
    @Test
    void aConnectToPortZeroIsRefused() throws Exception {
        double attempts = metric("haap_ap_upstream_connect_attempts_total");
        try (TestClient c = client()) {
            c.write(message(connect(0), new CookieTlv(COOKIE)));
            assertEquals("01 02 22 63 1e 01 01 00", HEX.formatHex(c.readToEnd(T)));
        }
        assertEquals(attempts, metric("haap_ap_upstream_connect_attempts_total"), "no upstream connect");
    }
}
