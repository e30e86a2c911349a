package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The AP's side of the warm pool (docs/warm-pool.md) on the real kernel: an AP process with
 * a cookie (so required by default), {@code header = 1s},
 * {@code pool-idle = 4s}, {@code max-pooled-per-client = 2}; a client namespace; an echo
 * server. Tests run one after another (the per-client cap is shared state).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointPoolIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.11.1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.13.2", 7003);
    private static final byte[] COOKIE = "pool-secret".getBytes(StandardCharsets.UTF_8);
    private static final String ACK = "01 03 22 63 c1 02 01 00 00 00 0f a0"; // 4000 ms
    private static final SecureRandom RANDOM = new SecureRandom();

    @AutoClose
    private ApItFixture bed;

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("pool");
        Netns client = bed.client;
        Netns ap = bed.ap;
        Netns server = bed.server;
        Veth.link(client, "c1", "198.18.11.2/24", ap, "a1", "198.18.11.1/24");
        Veth.link(ap, "a3", "198.18.13.1/24", server, "s3", "198.18.13.2/24");
        client.exec("ip", "route", "add", "default", "via", "198.18.11.1");
        server.exec("ip", "route", "add", "default", "via", "198.18.13.1");
        bed.serve(ECHO, TestServer.Mode.ECHO);

        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124"]
                  event-loops = 2
                  clients.allow = ["198.18.11.0/24"]
                  destinations.allow = ["198.18.13.0/24"]
                  cookies = ["pool-secret"]
                  timeouts { header = 1s, connect = 1s, drain = 5s, pool-idle = 4s }
                  limits { max-sessions = 100, max-sessions-per-client = 50, max-pooled-per-client = 2 }
                  metrics.listen = "127.0.0.1:9124"
                }
                """);
    }

    private TestClient mptcp() throws Exception {
        return bed.connect(AP, ClientSocketOptions.mptcp().withSource(new InetSocketAddress("198.18.11.2", 0)));
    }

    private static byte[] hello(byte[] key) {
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return ConvertCodec.encode(ConvertMessage.poolHello(PoolHelloTlv.sign(key, System.currentTimeMillis(), nonce)));
    }

    private double metric(String name) {
        String text = bed.metrics();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void pooledConnectionOutlivesTheHeaderTimeoutThenCarriesANormalSession() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(hello(COOKIE));
            assertEquals(ACK, HEX.formatHex(c.readExactly(12, T)));
            await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 1.0);
            // Twice the header timeout: a non-pooled connection would have been closed by now.
            await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3)).until(() -> c.channel().isActive());
            byte[] data = "through the pool".getBytes(StandardCharsets.US_ASCII);
            c.write(concat(ConvertCodec.encode(ConvertMessage.connect(ECHO)), data)); // no Cookie TLV
            c.shutdownOutput();
            assertEquals("01 01 22 63 " + HEX.formatHex(data), HEX.formatHex(c.readToEnd(T)));
        }
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
        assertTrue(metric("haap_ap_pool_used_total") >= 1.0);
    }

    @Test
    void helloConnectAndDataCoalescedIntoOneWriteStillWork() throws Exception {
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
        byte[] data = "coalesced".getBytes(StandardCharsets.US_ASCII);
        try (TestClient c = mptcp()) {
            c.write(concat(hello(COOKIE), concat(ConvertCodec.encode(ConvertMessage.connect(ECHO)), data)));
            c.shutdownOutput();
            assertEquals(ACK + " 01 01 22 63 " + HEX.formatHex(data), HEX.formatHex(c.readToEnd(T)));
        }
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
    }

    @Test
    void helloAndAPartOfTheConnectInOneWriteWaitForTheRest() throws Exception {
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
        byte[] connect = ConvertCodec.encode(ConvertMessage.connect(ECHO));
        byte[] data = "split".getBytes(StandardCharsets.US_ASCII);
        try (TestClient c = mptcp()) {
            c.write(concat(hello(COOKIE), java.util.Arrays.copyOf(connect, 10)));
            assertEquals(ACK, HEX.formatHex(c.readExactly(12, T)));
            c.write(concat(java.util.Arrays.copyOfRange(connect, 10, connect.length), data));
            c.shutdownOutput();
            assertEquals("01 01 22 63 " + HEX.formatHex(data), HEX.formatHex(c.readToEnd(T)));
        }
    }

    @Test
    void badMacGetsNotAuthorizedAndClose() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(hello("wrong".getBytes(StandardCharsets.UTF_8)));
            assertEquals("01 02 22 63 1e 01 20 00", HEX.formatHex(c.readToEnd(T)));
        }
    }

    @Test
    void replayedHelloGetsNotAuthorized() throws Exception {
        byte[] h = hello(COOKIE);
        try (TestClient c = mptcp()) {
            c.write(h);
            assertEquals(ACK, HEX.formatHex(c.readExactly(12, T)));
        }
        try (TestClient c = mptcp()) {
            c.write(h);
            assertEquals("01 02 22 63 1e 01 20 00", HEX.formatHex(c.readToEnd(T)));
        }
    }

    @Test
    void perClientCapGetsResourceExceededAndIdlePooledConnectionsAreClosed() throws Exception {
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
        try (TestClient a = mptcp(); TestClient b = mptcp(); TestClient c = mptcp()) {
            a.write(hello(COOKIE));
            assertEquals(ACK, HEX.formatHex(a.readExactly(12, T)));
            b.write(hello(COOKIE));
            assertEquals(ACK, HEX.formatHex(b.readExactly(12, T)));
            c.write(hello(COOKIE));
            assertEquals("01 02 22 63 1e 01 40 00", HEX.formatHex(c.readToEnd(T)));
            assertEquals(2.0, metric("haap_ap_pool_connections"));
            // pool-idle = 4s: the AP closes both, with nothing more sent
            assertEquals(0, a.readToEnd(T).length);
            assertEquals(0, b.readToEnd(T).length);
        }
        await().atMost(T).until(() -> metric("haap_ap_pool_connections") == 0.0);
        assertTrue(metric("haap_ap_pool_closed_total{reason=\"idle_timeout\"}") >= 2.0);
        assertTrue(metric("haap_ap_pool_hellos_total{result=\"over_limit\"}") >= 1.0);
    }

    @Test
    void plainRfc8803ClientWithCookieStillWorks() throws Exception {
        try (TestClient c = mptcp()) {
            byte[] data = "plain".getBytes(StandardCharsets.US_ASCII);
            c.write(concat(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)), data));
            c.shutdownOutput();
            assertEquals("01 01 22 63 " + HEX.formatHex(data), HEX.formatHex(c.readToEnd(T)));
        }
    }

    @Test
    void connectWithoutCookieOnAFreshConnectionIsStillJudgedByTheCookiePolicy() throws Exception {
        // cookies configured, so required: only a pooled connection may leave its cookie out
        try (TestClient c = mptcp()) {
            c.write(ConvertCodec.encode(ConvertMessage.connect(ECHO)));
            c.shutdownOutput();
            assertArrayEquals(ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.MISSING_COOKIE)),
                    c.readToEnd(T));
        }
    }
}
