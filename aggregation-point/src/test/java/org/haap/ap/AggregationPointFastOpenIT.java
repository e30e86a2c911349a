package org.haap.ap;

import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpInfoReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An RFC 8803 client that puts its Convert message in a SYN without a TCP Fast Open cookie
 * ({@code TCP_FASTOPEN_CONNECT} with {@code TCP_FASTOPEN_NO_COOKIE}, MPTCP), against an AP
 * in a namespace set up by the shipped sysctl file ({@code deploy/sysctl}): with the default
 * configuration it gets a correct reply and its bytes relayed, although the kernel ignores
 * the SYN's data, so the client sends them again after the handshake and the connection falls
 * back to plain TCP; with {@code tcp-fast-open-cookies = not-required} the AP takes the data
 * from the SYN and the connection stays MPTCP end to end.
 *
 * <pre>
 *   client c1 198.18.56.2/24 ── a1 198.18.56.1/24  ap  a3 198.18.57.1/24 ── s3 198.18.57.2/24  srv (echo)
 * </pre>
 */
class AggregationPointFastOpenIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.56.1", 5124);
    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.57.2", 7002);
    private static final byte[] COOKIE = "tfo-secret".getBytes(StandardCharsets.UTF_8);
    private static final Path SYSCTL = Path.of("..", "deploy", "sysctl", "90-haap-aggregation-point.conf");

    private ApItFixture bed;

    @AfterEach
    void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    private void start(String extraKeys) throws Exception {
        bed = ApItFixture.create("tfo");
        bed.linkThrough(56, 57);
        for (String line : Files.readAllLines(SYSCTL)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                String[] kv = l.split("=", 2);
                bed.ap.sysctl(kv[0].strip(), kv[1].strip());
            }
        }
        bed.serve(SERVER, TestServer.Mode.ECHO);
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["198.18.56.1:5124"]
                  event-loops = 1
                  clients.allow = ["198.18.56.0/24"]
                  cookies = ["tfo-secret"]
                  destinations.allow = ["198.18.57.0/24"]
                  metrics.listen = "127.0.0.1:9124"
                %s
                }
                """.formatted(extraKeys));
    }

    /** Convert in the SYN (no cookie), then the reply and the echo; returns the client for more checks. */
    private TestClient exchange() throws Exception {
        TestClient c = bed.connect(AP, ClientSocketOptions.mptcp().withSource(new InetSocketAddress("198.18.56.2", 0))
                .withFastOpenConnect(true).withFastOpenNoCookie(true));
        byte[] data = "ping".getBytes(StandardCharsets.US_ASCII);
        c.write(concat(ConvertCodec.encode(ConvertMessage.connect(SERVER, COOKIE)), data));
        assertEquals("01 01 22 63", HEX.formatHex(c.readExactly(4, T)), "the success reply");
        assertArrayEquals(data, c.readExactly(data.length, T), "relayed after the reply");
        return c;
    }

    private long apCounter(String name) {
        String out = bed.ap.exec("nstat", "-az", name);
        return out.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.split("\\s+")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + out));
    }

    @Test
    void byDefaultACookieLessSynIsServedAfterTheHandshake() throws Exception {
        start("");
        long passive = apCounter("TcpExtTCPFastOpenPassive");
        try (TestClient c = exchange()) {
            assertEquals(passive, apCounter("TcpExtTCPFastOpenPassive"), "the SYN's data was not taken");
            assertTrue(MptcpInfoReader.info(c.channel()).isEmpty(),
                    "the kernel falls back to TCP when a SYN's data is not acknowledged (docs/fast-open.md)");
        }
    }

    @Test
    void withCookiesNotRequiredTheSynsDataIsTakenAndTheConnectionStaysMptcp() throws Exception {
        start("tcp-fast-open-cookies = not-required");
        long passive = apCounter("TcpExtTCPFastOpenPassive");
        double mptcp = bed.metricSum("haap_ap_connections_accepted_total{protocol=\"mptcp\"");
        try (TestClient c = exchange()) {
            assertEquals(passive + 1, apCounter("TcpExtTCPFastOpenPassive"), "the SYN's data was taken");
            assertTrue(MptcpInfoReader.info(c.channel()).isPresent(), "still MPTCP at the client");
            assertEquals(mptcp + 1, bed.metricSum("haap_ap_connections_accepted_total{protocol=\"mptcp\""));
        }
    }

    @Test
    void theShippedSysctlFileTurnsOnTheServerBit() throws Exception {
        start("");
        assertEquals("3", bed.ap.exec("sysctl", "-n", "net.ipv4.tcp_fastopen").strip());
        assertTrue(!bed.log().contains("lacks the server bit"), bed.log());
    }
}
