package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Admission on the real kernel: connections that never present a valid header take from
 * their own budget ({@code limits.max-unauthenticated[-per-client]}), never the session
 * slots of authenticated clients, and IPv6 clients are counted per /64.
 *
 * <pre>
 *  client ns                                   ap ns                      server ns
 *  198.18.21.2 (valid), .10-.29 (flood)  c1 ─ a1 198.18.21.1 :5124
 *  2001:db8:21::2 .. (1000 addresses)          2001:db8:21::1
 *                                              a3 198.18.23.1 ─── s3 198.18.23.2 (:7003 echo)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointAdmissionIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.21.1", 5124);
    private static final InetSocketAddress AP6 = new InetSocketAddress("2001:db8:21::1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.23.2", 7003);
    private static final byte[] COOKIE = "admission-secret".getBytes(StandardCharsets.UTF_8);
    private static final int PER_CLIENT = 64;
    private static final int FLOOD_ADDRESSES = 20;
    private static final int FLOOD_ATTEMPTS_PER_ADDRESS = 150;
    private static final int V6_ADDRESSES = 1000;

    @AutoClose
    private ApItFixture bed;
    private final List<SocketChannel> silent = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("adm");
        Netns client = bed.client;
        Netns ap = bed.ap;
        Veth.link(client, "c1", "198.18.21.2/24", ap, "a1", "198.18.21.1/24");
        Veth.link(ap, "a3", "198.18.23.1/24", bed.server, "s3", "198.18.23.2/24");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < FLOOD_ADDRESSES; i++) {
            batch.append("addr add 198.18.21.").append(10 + i).append("/24 dev c1\n");
        }
        for (int i = 0; i < V6_ADDRESSES; i++) {
            batch.append("addr add 2001:db8:21::").append(Integer.toHexString(0x1000 + i)).append("/64 dev c1 nodad\n");
        }
        Path file = Files.createTempFile("haap-adm", ".ip");
        try {
            Files.writeString(file, batch.toString());
            client.exec("ip", "-batch", file.toString());
        } finally {
            Files.delete(file);
        }
        ap.exec("ip", "-6", "addr", "add", "2001:db8:21::1/64", "dev", "a1", "nodad");
        bed.server.exec("ip", "route", "add", "default", "via", "198.18.23.1");
        bed.serve(ECHO, org.haap.ap.TestServer.Mode.ECHO);
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124", "[::]:5124"]
                  event-loops = 2
                  clients.allow = ["198.18.21.0/24", "2001:db8:21::/48"]
                  destinations.allow = ["198.18.23.0/24"]
                  cookies = ["admission-secret"]
                  timeouts { header = 60s, drain = 2s }
                  # 20 silent addresses x 64 would take every session slot if they counted as sessions
                  limits { max-sessions = 1000, max-unauthenticated-per-client = %d }
                  metrics.listen = "127.0.0.1:9124"
                }
                """.formatted(PER_CLIENT));
    }

    @AfterEach
    void closeSilentConnections() {
        synchronized (silent) {
            for (SocketChannel s : silent) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing is what matters
                }
            }
            silent.clear();
        }
        await().atMost(T).until(() -> bed.metricSum("haap_ap_unauthenticated_connections ") == 0);
    }

    /** Opens a connection from {@code source} in the client namespace that sends nothing. */
    private SocketChannel silentConnection(String source, InetSocketAddress ap) throws Exception {
        SocketChannel s = bed.client.call(() -> {
            SocketChannel ch = SocketChannel.open(ap.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            ch.bind(new InetSocketAddress(source, 0));
            ch.connect(ap);
            return ch;
        });
        silent.add(s);
        return s;
    }

    private double rejected(String reason) {
        return bed.metricSum("haap_ap_rejected_total{reason=\"" + reason + "\"");
    }

    private double errors64() {
        return bed.metricSum("haap_ap_convert_errors_sent_total{code=\"resource_exceeded\"");
    }

    /** One session of the valid client: Convert with cookie, 32 bytes echoed; the AP's reply. */
    private byte[] validSession(int n) throws Exception {
        byte[] data = ("session " + n + " of the valid client....").getBytes(StandardCharsets.US_ASCII);
        try (TestClient c = bed.connect(AP, ClientSocketOptions.mptcp()
                .withSource(new InetSocketAddress("198.18.21.2", 0)))) {
            c.write(concat(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)), data));
            c.shutdownOutput();
            byte[] got = c.readToEnd(T);
            assertArrayEquals(concat(HEX.parseHex("01 01 22 63"), data), got, () -> "session " + n);
            return got;
        }
    }

    @Test
    void aSilentFloodFromTwentyAddressesCostsAValidClientNothing() throws Exception {
        double limited = rejected("unauthenticated_limit");
        double errors64 = errors64();
        ExecutorService flooders = Executors.newFixedThreadPool(4);
        List<Future<Integer>> floods = new ArrayList<>();
        try {
            for (int i = 0; i < FLOOD_ADDRESSES; i++) {
                String source = "198.18.21." + (10 + i);
                floods.add(flooders.submit(() -> {
                    for (int a = 0; a < FLOOD_ATTEMPTS_PER_ADDRESS; a++) {
                        silentConnection(source, AP);
                    }
                    return FLOOD_ATTEMPTS_PER_ADDRESS;
                }));
            }
            // while the flood runs: 100 sessions of a client from another address, none refused
            int ok = 0;
            for (int n = 0; n < 100; n++) {
                validSession(n);
                ok++;
            }
            assertEquals(100, ok);
            for (Future<Integer> f : floods) {
                f.get();
            }
        } finally {
            flooders.shutdownNow();
        }
        await().atMost(T).until(() -> rejected("unauthenticated_limit") - limited
                == FLOOD_ADDRESSES * (FLOOD_ATTEMPTS_PER_ADDRESS - PER_CLIENT));
        assertEquals(FLOOD_ADDRESSES * PER_CLIENT, bed.metricSum("haap_ap_unauthenticated_connections "),
                "each flooding address holds its share, no more");
        assertEquals(FLOOD_ADDRESSES * (FLOOD_ATTEMPTS_PER_ADDRESS - PER_CLIENT), errors64() - errors64,
                "every Error 64 went to the flood");
        validSession(100);
    }

    @Test
    void aThousandAddressesOfOneIpv6Slash64AreOneClient() throws Exception {
        double limited = rejected("unauthenticated_limit");
        for (int i = 0; i < V6_ADDRESSES; i++) {
            silentConnection("2001:db8:21::" + Integer.toHexString(0x1000 + i), AP6);
        }
        await().atMost(T).until(() -> rejected("unauthenticated_limit") - limited == V6_ADDRESSES - PER_CLIENT);
        assertEquals(PER_CLIENT, bed.metricSum("haap_ap_unauthenticated_connections "));
        // the refused ones were answered with Error 64 and closed
        SocketChannel last = silent.get(silent.size() - 1);
        ByteBuffer reply = ByteBuffer.allocate(16);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                int n;
                while ((n = last.read(reply)) > 0) {
                    // until the AP closes
                }
                return n;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(-1, read.get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        reply.flip();
        byte[] got = new byte[reply.remaining()];
        reply.get(got);
        assertArrayEquals(ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED)), got);
        assertTrue(bed.apRunning());
    }
}
