package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Why an upstream connect failed, as the real kernel reports it, reaches the client as the
 * right Convert Error 97 value and the metric as the right {@code reason}: a missing on-link
 * neighbour (ARP or neighbour discovery unanswered: EHOSTUNREACH) is host unreachable, value
 * 1; no route (ENETUNREACH) is network unreachable, value 0.
 *
 * <pre>
 *   client c1 198.18.41.2/24 ── a1 198.18.41.1/24  ap  a3 198.18.43.1/24, 2001:db8:43::1/64 ── s3 (srv, no address)
 * </pre>
 * The AP's namespace has only these two on-link routes, no route off the machine: nothing
 * answers on 198.18.43.0/24 (the server end has no address, so ARP and neighbour
 * solicitations go unanswered) and 198.18.99.0/24 and 2001:db8:99::/64 have no route. The
 * destinations are allowed explicitly ({@code destinations.allow}), as a lab's would be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointUnreachableIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.41.1", 5124);
    private static final byte[] COOKIE = "unreachable-secret".getBytes(StandardCharsets.UTF_8);
    private static final String FAILURES = "haap_ap_upstream_failures_total{";

    @AutoClose
    private ApItFixture bed;

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("unreach");
        Veth.link(bed.client, "c1", "198.18.41.2/24", bed.ap, "a1", "198.18.41.1/24");
        Veth.link(bed.ap, "a3", "198.18.43.1/24", bed.server, "s3", null);
        Veth.addAddress(bed.ap, "a3", "2001:db8:43::1/64");
        // One solicitation, answered or not within 200 ms: a missing neighbour fails in about
        // 0.2 s instead of 3 s.
        bed.ap.sysctl("net.ipv4.neigh.a3.mcast_solicit", "1");
        bed.ap.sysctl("net.ipv4.neigh.a3.retrans_time_ms", "200");
        bed.ap.sysctl("net.ipv6.neigh.a3.mcast_solicit", "1");
        bed.ap.sysctl("net.ipv6.neigh.a3.retrans_time_ms", "200");
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124"]
                  event-loops = 1
                  clients.allow = ["198.18.41.0/24"]
                  cookies = ["unreachable-secret"]
                  destinations.allow = ["198.18.43.0/24", "198.18.99.0/24", "2001:db8:43::/64", "2001:db8:99::/64"]
                  timeouts { connect = 20s }
                  metrics.listen = "127.0.0.1:9124"
                }
                """);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "198.18.43.77,   host_unreachable,    01 02 22 63 1e 01 61 01",
        "2001:db8:43::77, host_unreachable,   01 02 22 63 1e 01 61 01",
        "198.18.99.1,    network_unreachable, 01 02 22 63 1e 01 61 00",
        "2001:db8:99::1, network_unreachable, 01 02 22 63 1e 01 61 00",
    })
    void upstreamFailureGetsItsError97ValueAndReason(String address, String reason, String reply) throws Exception {
        InetSocketAddress destination = new InetSocketAddress(address, 80);
        String series = FAILURES + "reason=\"" + reason + "\"";
        String detail = "detail=\"upstream: " + reason + "\"";
        double before = bed.metricSum(series);
        double allBefore = bed.metricSum(FAILURES);
        long logged = records(detail);
        try (TestClient c = bed.connect(AP, ClientSocketOptions.tcp()
                .withSource(new InetSocketAddress("198.18.41.2", 0)))) {
            c.write(ConvertCodec.encode(ConvertMessage.connect(destination, COOKIE)));
            assertEquals(reply, HEX.formatHex(c.readToEnd(T)));
        }
        assertEquals(before + 1, bed.metricSum(series), bed::metrics);
        assertEquals(allBefore + 1, bed.metricSum(FAILURES), "no other reason counted");
        await().atMost(T).until(() -> records(detail) == logged + 1);
    }

    /** The AP's session records so far with {@code detail}. */
    private long records(String detail) {
        return bed.log().lines().filter(l -> l.contains(detail)).count();
    }
}
