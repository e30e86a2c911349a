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
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SIGHUP on the real kernel: an AP process that requires cookie A is told by a rewritten
 * file and {@code kill -HUP} to require cookie B and to stop serving the client's network;
 * new connections follow the new file while a session opened before keeps relaying, and a
 * broken file leaves the AP on its last good configuration.
 *
 * <pre>
 *  client ns                      ap ns                          server ns
 *  198.18.21.2 c1 ─── veth ─── a1 198.18.21.1 (:5124)
 *  198.18.22.2 c2 ─── veth ─── a2 198.18.22.1
 *                                 a3 198.18.23.1 ─── veth ─── s3 198.18.23.2 (:7003 echo)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointReloadIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.21.1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.23.2", 7003);
    private static final InetSocketAddress FROM_1 = new InetSocketAddress("198.18.21.2", 0);
    private static final InetSocketAddress FROM_2 = new InetSocketAddress("198.18.22.2", 0);
    private static final String NOT_AUTHORIZED = "01 02 22 63 1e 01 20 00";
    private static final String SUCCESS = "01 01 22 63";

    @AutoClose
    private ApItFixture bed;

    private static String config(String cookie, String allow) {
        return """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124"]
                  event-loops = 2
                  clients.allow = [%s]
                  destinations.allow = ["198.18.23.0/24"]
                  cookies = ["%s"]
                  require-cookie = true
                  timeouts { header = 2s, connect = 2s, drain = 5s }
                  metrics.listen = "127.0.0.1:9124"
                }
                """.formatted(allow, cookie);
    }

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("reload");
        Netns client = bed.client;
        for (int net : new int[] {21, 22}) {
            Veth.link(client, "c" + (net - 20), "198.18." + net + ".2/24", bed.ap, "a" + (net - 20),
                    "198.18." + net + ".1/24");
        }
        Veth.link(bed.ap, "a3", "198.18.23.1/24", bed.server, "s3", "198.18.23.2/24");
        client.exec("ip", "route", "add", "default", "via", "198.18.21.1");
        client.exec("ip", "rule", "add", "from", "198.18.22.2", "table", "122");
        client.exec("ip", "route", "add", "default", "via", "198.18.22.1", "dev", "c2", "table", "122");
        bed.server.exec("ip", "route", "add", "default", "via", "198.18.23.1");
        bed.serve(ECHO, TestServer.Mode.ECHO);
        bed.startAp("256m", config("cookie-a", "\"198.18.21.0/24\", \"198.18.22.0/24\""));
    }

    @AfterAll
    void stopApCleanly() throws Exception {
        if (bed != null && bed.apRunning()) {
            assertEquals(0, bed.stopAp(), () -> "AP exit code\n" + bed.log());
        }
    }

    private TestClient tcp(InetSocketAddress from) throws Exception {
        return bed.connect(AP, ClientSocketOptions.tcp().withSource(from));
    }

    private static byte[] connect(String cookie) {
        return ConvertCodec.encode(ConvertMessage.connect(ECHO, cookie.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A fresh connection from {@code from} with {@code cookie} that expects to be echoed. */
    private String echoed(InetSocketAddress from, String cookie) throws Exception {
        try (TestClient c = tcp(from)) {
            c.write(concat(connect(cookie), ascii("ping")));
            c.shutdownOutput();
            return HEX.formatHex(c.readToEnd(T));
        }
    }

    /** A fresh connection from {@code from} with {@code cookie} that expects the AP's refusal and close. */
    private String refused(InetSocketAddress from, String cookie) throws Exception {
        try (TestClient c = tcp(from)) {
            c.write(connect(cookie));
            return HEX.formatHex(c.readToEnd(T));
        }
    }

    private static final String ECHOED = SUCCESS + " " + HEX.formatHex(ascii("ping"));

    private double reloads(String result) {
        String prefix = "haap_ap_config_reloads_total{result=\"" + result + "\"} ";
        return bed.metrics().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(-1);
    }

    @Test
    void sighupAppliesNewCookiesAndClientsToNewConnectionsOnlyAndSurvivesABrokenFile() throws Exception {
        assertEquals(ECHOED, echoed(FROM_1, "cookie-a"));
        assertEquals(ECHOED, echoed(FROM_2, "cookie-a"));
        assertEquals(0.0, reloads("ok"));
        assertEquals(0.0, reloads("invalid"));

        try (TestClient open = tcp(FROM_1)) {
            open.write(concat(connect("cookie-a"), ascii("before")));
            assertArrayEquals(concat(HEX.parseHex(SUCCESS), ascii("before")), open.readExactly(10, T));

            // cookie A -> B, and 198.18.22.0/24 no longer allowed
            bed.rewriteApConfig(config("cookie-b", "\"198.18.21.0/24\""));
            bed.reloadAp("reload:");
            assertTrue(bed.log().contains("applied clients.allow, cookies to new connections"), bed::log);
            assertEquals(1.0, reloads("ok"));

            assertEquals(ECHOED, echoed(FROM_1, "cookie-b"));
            assertEquals(NOT_AUTHORIZED, refused(FROM_1, "cookie-a"));
            assertEquals(NOT_AUTHORIZED, refused(FROM_2, "cookie-b"), "client network removed");

            // the session opened under cookie A keeps relaying
            open.write(ascii("after"));
            assertArrayEquals(ascii("after"), open.readExactly(5, T));

            // a broken file: warned, counted, the last good configuration stays
            bed.rewriteApConfig(config("cookie-c", "\"198.18.21.0/24\"").replace("header = 2s", "header = -1s"));
            bed.reloadAp("is invalid, keeping the running configuration");
            assertTrue(bed.log().contains("haap.aggregation-point.timeouts.header"), bed::log);
            await().atMost(T).until(() -> reloads("invalid") == 1.0);
            assertEquals(1.0, reloads("ok"));
            assertEquals(ECHOED, echoed(FROM_1, "cookie-b"));
            assertEquals(NOT_AUTHORIZED, refused(FROM_1, "cookie-c"));

            open.write(ascii("still"));
            assertArrayEquals(ascii("still"), open.readExactly(5, T));
            open.shutdownOutput();
            open.readToEnd(T);
        }
        assertTrue(bed.apRunning(), bed::log);
    }
}
