package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.haap.config.internal.InetLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApConfigTest {

    private static ApConfig ap(String hocon) {
        return HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(hocon));
    }

    private static String error(String hocon) {
        ConfigError e = assertThrows(ConfigError.class, () -> ap(hocon));
        return e.getMessage();
    }

    private static InetSocketAddress socket(String ip, int port) {
        return new InetSocketAddress(InetLiterals.parseAddress(ip), port);
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        ApConfig expected = new ApConfig(
                List.of(socket("0.0.0.0", 5124), socket("::", 5124)),
                SocketProtocol.MPTCP, 0, 1024, new ApFastOpen(256, true, Duration.ofSeconds(60)),
                new ApTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(5),
                        Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(120)),
                CidrSet.of("0.0.0.0/0", "::/0"),
                new DestinationPolicy(AllowList.EMPTY, CidrSet.EMPTY, List.of(), true),
                new ApLimits(10_000, 1_000, 64, 4096, 256, 64),
                new RelaySettings(true, 32 * 1024, 64 * 1024, 1024),
                new MetricsSettings(true, socket("127.0.0.1", 9124)),
                new CookiePolicy(false, List.of()),
                new ApProbeSettings(true, List.of(), 20),
                CongestionControl.auto(),
                ApCluster.OFF);
        assertEquals(expected, ap(""));
        assertEquals(expected, HaapConfigLoader.aggregationPoint(ConfigFactory.empty()));
    }

    @Test
    void congestionControlIsAutoOrAName() {
        assertEquals(CongestionControl.of("cubic"), ap("haap.aggregation-point.congestion-control = cubic")
                .congestionControl());
        assertTrue(ap("haap.aggregation-point.congestion-control = auto").congestionControl().isAuto());
    }

    @Test
    void metricsEndpointLimitsAreRead() {
        assertEquals(new MetricsSettings(true, socket("127.0.0.1", 9124), Duration.ofSeconds(2), Duration.ofMinutes(1),
                4), ap("haap.aggregation-point.metrics { read-timeout = 2s, idle-timeout = 1m, max-connections = 4 }")
                .metrics());
    }

    @Test
    void exampleFileIsValid() {
        ApConfig ap = HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(Path.of("examples/aggregation-point.conf")));
        assertEquals(List.of(socket("0.0.0.0", 5124), socket("::", 5124)), ap.listen());
        assertEquals(CidrSet.of("192.0.2.0/24", "2001:db8:100::/48"), ap.destinations().deny(), "the DC's own prefixes");
        assertEquals(List.of(CidrRange.parse("2001:db8:64::/96")), ap.destinations().nat64Prefixes());
        assertEquals(true, ap.cookies().required());
        assertEquals(new MetricsSettings(true, socket("127.0.0.1", 9124)), ap.metrics());
    }

    @Test
    void valuesAreRead() {
        ApConfig ap = ap("haap.aggregation-point { protocol = tcp, event-loops = 3, listen = [\"[2001:db8::1]:0\"],"
                + " relay { low-watermark = 1MiB, high-watermark = 2MiB, splice = false, splice-pipes = 16 },"
                + " cookies = [a, b], require-cookie = true, timeouts.idle = 1h }");
        assertEquals(SocketProtocol.TCP, ap.protocol());
        assertEquals(3, ap.effectiveEventLoops());
        assertEquals(List.of(socket("2001:db8::1", 0)), ap.listen());
        assertEquals(new RelaySettings(false, 1 << 20, 2 << 20, 16), ap.relay());
        assertEquals(Duration.ofHours(1), ap.timeouts().idle());
        assertEquals("CookiePolicy[required=true, accepted=2 cookie(s)]", ap.cookies().toString());
    }

    @Test
    void cookiesAreRequiredOnceSetUnlessExplicitlyNot() {
        assertEquals(false, ap("").cookies().required());
        assertEquals(true, ap("haap.aggregation-point.cookies = [fleet]").cookies().required());
        ApConfig optional = ap("haap.aggregation-point { cookies = [fleet], require-cookie = false }");
        assertEquals(false, optional.cookies().required());
        assertEquals(1, optional.warnings().size());
        assertTrue(optional.warnings().get(0).startsWith("haap.aggregation-point.require-cookie: false"));
        assertEquals(List.of(), ap("haap.aggregation-point.cookies = [fleet]").warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "timeouts.header = -1s          | timeouts.header: -1s (expected: > 0)",
        "timeouts.header = 0s           | timeouts.header: 0s (expected: > 0)",
        "timeouts.connect = 0           | timeouts.connect: 0 (expected: > 0)",
        "timeouts.idle = -5m            | timeouts.idle: -5m (expected: > 0)",
        "timeouts.half-close = 0ms      | timeouts.half-close: 0ms (expected: > 0)",
        "timeouts.drain = -1s           | timeouts.drain: -1s (expected: > 0)",
        "timeouts.drain = soon          | timeouts.drain: soon (expected: a duration such as 10s)",
        "event-loops = -1               | event-loops: -1 (expected: >= 0)",
        "backlog = 0                    | backlog: 0 (expected: >= 1)",
        "backlog = many                 | backlog: many (expected: an integer)",
        "tcp-fast-open-queue = -1       | tcp-fast-open-queue: -1 (expected: >= 0)",
        "tcp-fast-open-cookies = maybe  | tcp-fast-open-cookies: maybe (expected: one of required, not-required)",
        "attempt-window = 5s            | attempt-window: 5s (expected: >= 10000ms)",
        "congestion-control = BBR       | congestion-control: BBR (expected: auto or a TCP congestion control algorithm name, e.g. bbr or cubic)",
        "congestion-control = a_very_long_name | congestion-control: a_very_long_name (expected: auto or a TCP congestion control algorithm name, e.g. bbr or cubic)",
        "limits.max-sessions = 0        | limits.max-sessions: 0 (expected: >= 1)",
        "limits.max-sessions-per-client = 0 | limits.max-sessions-per-client: 0 (expected: >= 1)",
        "limits.max-unauthenticated = 0 | limits.max-unauthenticated: 0 (expected: >= 1)",
        "limits.max-unauthenticated-per-client = 0 | limits.max-unauthenticated-per-client: 0 (expected: >= 1)",
        "limits.ipv6-client-prefix = 0  | limits.ipv6-client-prefix: 0 (expected: 1..128)",
        "relay.low-watermark = 64KiB    | relay.low-watermark: 64KiB (expected: < high-watermark (65536 bytes))",
        "relay.high-watermark = 2GiB    | relay.high-watermark: 2GiB (expected: <= 1GiB)",
        "relay.high-watermark = -1KiB   | relay.high-watermark: -1KiB (expected: a size such as 64KiB)",
        "relay.splice = maybe           | relay.splice: maybe (expected: true or false)",
        "relay.splice-pipes = 0         | relay.splice-pipes: 0 (expected: >= 1)",
        "protocol = sctp                | protocol: sctp (expected: one of mptcp, tcp)",
        "listen = []                    | listen: [] (expected: at least one address)",
        "listen = \"0.0.0.0:5124\"      | listen: 0.0.0.0:5124 (expected: a list of strings)",
        "listen = [\"0.0.0.0:70000\"]   | listen: 0.0.0.0:70000 (expected: a port in 0..65535)",
        "listen = [\"0.0.0.0\"]         | listen: 0.0.0.0 (expected: host:port, e.g. 0.0.0.0:5124 or [::]:5124)",
        "listen = [\"::1:5124\"]        | listen: ::1:5124 (expected: IPv6 addresses in brackets, e.g. [::]:5124)",
        "listen = [\"[::1]5124\"]       | listen: [::1]5124 (expected: [IPv6 address]:port, e.g. [::]:5124)",
        "listen = [\"300.1.1.1:1\"]     | listen: 300.1.1.1:1 (expected: an IPv4 address with octets 0..255)",
        "listen = [\"[1::2::3]:1\"]     | listen: [1::2::3]:1 (expected: a valid IPv6 address)",
        "listen = [\"example.com:5124\"] | listen: example.com:5124 (expected: a literal IP address, not a host name)",
        "listen = [\"localhost:5124\"]  | listen: localhost:5124 (expected: a literal IP address, not a host name)",
        "metrics.listen = \"db.internal:9124\" | metrics.listen: db.internal:9124 (expected: a literal IP address, not a host name)",
        "metrics.read-timeout = 50ms    | metrics.read-timeout: 50ms (expected: >= 100ms)",
        "metrics.idle-timeout = 0s      | metrics.idle-timeout: 0s (expected: > 0)",
        "metrics.max-connections = 0    | metrics.max-connections: 0 (expected: 1..1024)",
        "clients.allow = [\"10.0.0.0/33\"] | clients.allow: 10.0.0.0/33 (expected: a prefix length in 0..32)",
        "destinations.deny = [\"fc00::/129\"] | destinations.deny[0]: fc00::/129 (expected: a prefix length in 0..128)",
        "destinations.allow = [\"lab.example\"] | destinations.allow[0]: lab.example (expected: a CIDR range such as 10.0.0.0/8 or fc00::/7 with a literal IP address, not a host name)",
        "destinations.allow = [\"10.0.0.0/8\", \"10.1.2.3/32:0\"] | destinations.allow[1]: 10.1.2.3/32:0 (expected: ports in 1..65535)",
        "destinations.allow = [\"10.0.0.0/8:65536\"] | destinations.allow[0]: 10.0.0.0/8:65536 (expected: ports in 1..65535)",
        "destinations.allow = [\"10.0.0.0/8:443-80\"] | destinations.allow[0]: 10.0.0.0/8:443-80 (expected: a port range low-high with low <= high)",
        "destinations.allow = [\"10.0.0.0/8:https\"] | destinations.allow[0]: 10.0.0.0/8:https (expected: a port 1..65535 or a port range such as 8000-8999 after the address range)",
        "destinations.allow = [\"10.0.0.0/8:\"] | destinations.allow[0]: 10.0.0.0/8: (expected: a port 1..65535 or a port range such as 8000-8999 after the address range)",
        "destinations.allow = [\"[10.0.0.0/8]:443\"] | destinations.allow[0]: [10.0.0.0/8]:443 (expected: an IPv6 range inside brackets, e.g. [fd00::/8]:443 (IPv4: 10.0.0.0/8:443))",
        "destinations.allow = [\"[fd00::/8]443\"] | destinations.allow[0]: [fd00::/8]443 (expected: a CIDR range, optionally with ports: 10.0.0.0/8, 10.1.2.3/32:443, 10.0.0.0/8:8000-8999, fd00::/8 or [fd00::/8]:80-443)",
        "destinations.allow = [\"[fd00::/8:443\"] | destinations.allow[0]: [fd00::/8:443 (expected: a CIDR range, optionally with ports: 10.0.0.0/8, 10.1.2.3/32:443, 10.0.0.0/8:8000-8999, fd00::/8 or [fd00::/8]:80-443)",
        "destinations.allow = [\"[fd00::/129]:443\"] | destinations.allow[0]: [fd00::/129]:443 (expected: a prefix length in 0..128)",
        "destinations.nat64-prefixes = [\"2001:db8:64::/80\"] | destinations.nat64-prefixes[0]: 2001:db8:64::/80 (expected: a prefix length of 32, 40, 48, 56, 64 or 96 (RFC 6052 section 2.2))",
        "destinations.nat64-prefixes = [\"2001:db8:64:0:ff00::/96\"] | destinations.nat64-prefixes[0]: 2001:db8:64:0:ff00::/96 (expected: bits 64..71 (the u octet) zero (RFC 6052 section 2.2))",
        "destinations.nat64-prefixes = [\"10.64.0.0/16\"] | destinations.nat64-prefixes[0]: 10.64.0.0/16 (expected: an IPv6 prefix)",
        "destinations.nat64-prefixes = [\"2001:db8:64::\"] | destinations.nat64-prefixes[0]: 2001:db8:64:: (expected: an IPv6 prefix with its length, e.g. 2001:db8:64::/96)",
        "destinations.nat64-prefixes = [\"fe80::/64\"] | destinations.nat64-prefixes[0]: fe80::/64 (expected: a prefix in 64:ff9b::/96, 64:ff9b:1::/48 (RFC 8215), fc00::/7 or 2000::/3)",
        "destinations.nat64-prefixes = [\"64:ff9b::/32\"] | destinations.nat64-prefixes[0]: 64:ff9b::/32 (expected: a prefix in 64:ff9b::/96, 64:ff9b:1::/48 (RFC 8215), fc00::/7 or 2000::/3)",
        "destinations.deny-own-addresses = 1 | destinations.deny-own-addresses: 1 (expected: true or false)",
        "require-cookie = true          | require-cookie: true (expected: false while cookies is empty)",
        "cookies = [\"\"]               | cookies: <cookie of 0 bytes> (expected: 1..1016 bytes)",
        "timeouts = 10s                 | timeouts: 10s (expected: an object)",
        "timeout.header = 1s            | timeout: unknown key (did you mean 'timeouts'?)",
        "cluster.enabled = true         | cluster.node-address: missing (expected: an IP address of this node while enabled = true)",
        "cluster.node-address = \"0.0.0.0\" | cluster.node-address: 0.0.0.0 (expected: a unicast address of this node, not a wildcard, loopback or multicast address)",
        "cluster.node-address = node1   | cluster.node-address: node1 (expected: a literal IP address, not a host name)",
        "cluster { node-address = \"192.0.2.5\", subflows-limit = 0 } | cluster.subflows-limit: 0 (expected: 1..8)",
        "cluster.manage = sometimes     | cluster.manage: sometimes (expected: true or false)",
        "cluster.node-port = 5124       | cluster.node-port: 5124 (expected: 0 or a port other than the listen ports)",
        "cluster.node-port = 70000      | cluster.node-port: 70000 (expected: 0..65535)",
        "relay.hi-watermark = 1MiB      | relay.hi-watermark: unknown key (did you mean 'high-watermark'?)",
        "zzz = 1                        | zzz: unknown key (expected: one of attempt-window, backlog, clients, cluster, congestion-control, cookies, destinations, event-loops, limits, listen, metrics, probe, protocol, relay, require-cookie, tcp-fast-open-cookies, tcp-fast-open-queue, timeouts)",
    })
    void everyCheckNamesTheKeyAndTheExpectedValue(String setting, String message) {
        assertEquals("haap.aggregation-point." + message, error("haap.aggregation-point." + setting));
    }

    @Test
    void aTooLongCookieIsNotEchoed() {
        String secret = "s".repeat(2000);
        assertEquals("haap.aggregation-point.cookies: <cookie of 2000 bytes> (expected: 1..1016 bytes)",
                error("haap.aggregation-point.cookies = [" + secret + "]"));
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        ConfigError e = assertThrows(ConfigError.class, () -> ap(
                "haap.aggregation-point { backlog = 0, timeouts { header = -1s, drain = 0s }, listen = [\"a:1\", \"b:2\"] }"));
        assertEquals(List.of(
                "haap.aggregation-point.listen",
                "haap.aggregation-point.listen",
                "haap.aggregation-point.backlog",
                "haap.aggregation-point.timeouts.header",
                "haap.aggregation-point.timeouts.drain"),
                e.all().stream().map(ConfigError::key).collect(Collectors.toList()));
        assertEquals(5, e.getMessage().lines().count());
        assertEquals("haap.aggregation-point.listen", e.key());
    }

    @Test
    void theSectionMustBeAnObject() {
        assertEquals("haap.aggregation-point: 5 (expected: an object)", error("haap.aggregation-point = 5"));
    }

    @Test
    void exitCodeIsExConfig() {
        assertEquals(78, ConfigError.EXIT_CODE);
    }

    @Test
    void probeKeysAreReadAndChecked() {
        ApConfig ap = ap("haap.aggregation-point.probe { enabled = false, listen = [\"192.0.2.1:7000\"],"
                + " max-per-second-per-source = 7 }");
        assertEquals(new ApProbeSettings(false, List.of(socket("192.0.2.1", 7000)), 7), ap.probe());
        assertEquals(List.of(socket("192.0.2.1", 7000)), ap.probe().effectiveListen(ap.listen()));
        assertEquals(ap("").listen(), ap("").probe().effectiveListen(ap("").listen()));
        assertEquals("haap.aggregation-point.probe.max-per-second-per-source: 0 (expected: 1..10000)",
                error("haap.aggregation-point.probe.max-per-second-per-source = 0"));
    }

    @Test
    void clusterModeIsOffByDefaultAndReadWhenEnabled() {
        assertEquals(ApCluster.OFF, ap("").cluster());
        assertEquals(List.of(), ap("").cluster().extraListen(ap("").listen()));
        ApConfig node = ap("haap.aggregation-point { listen = [\"198.51.100.1:5124\", \"[::]:5124\", \"198.51.100.1:443\"],"
                + " cluster { enabled = true, node-address = \"192.0.2.11\", manage = false, subflows-limit = 3 } }");
        assertEquals(new ApCluster(true, Optional.of(InetLiterals.parseAddress("192.0.2.11")), false, 3), node.cluster());
        assertEquals(List.of(socket("192.0.2.11", 5124), socket("192.0.2.11", 443)),
                node.cluster().extraListen(node.listen()), "one listener per port, the IPv6 wildcard does not cover it");
        ApConfig wildcard = ap("haap.aggregation-point.cluster { enabled = true, node-address = \"192.0.2.11\" }");
        assertEquals(List.of(), wildcard.cluster().extraListen(wildcard.listen()), "0.0.0.0:5124 covers it");
        ApConfig ported = ap("haap.aggregation-point { listen = [\"198.51.100.1:5124\"],"
                + " cluster { enabled = true, node-address = \"192.0.2.11\", node-port = 5125 } }");
        assertEquals(5125, ported.cluster().nodePort());
        assertEquals(List.of(), ported.cluster().extraListen(ported.listen()), "the kernel listens on a node port");
        assertTrue(ported.cluster().describe(ported.listen()).get(0).contains("192.0.2.11 port 5125 announced"));
    }

    @Test
    void theNodeAddressIsNeitherASharedAddressNorOfAnotherFamily() {
        assertEquals("haap.aggregation-point.cluster.node-address: 192.0.2.1 (expected: an address other than the"
                + " shared listen addresses)", error("haap.aggregation-point { listen = [\"192.0.2.1:5124\"],"
                + " cluster { enabled = true, node-address = \"192.0.2.1\" } }"));
        assertEquals("haap.aggregation-point.cluster.node-address: 2001:db8::5 (expected: an address of the family"
                + " of a listen address)", error("haap.aggregation-point { listen = [\"192.0.2.1:5124\"],"
                + " cluster { enabled = true, node-address = \"2001:db8::5\" } }"));
    }
}
