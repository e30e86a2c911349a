package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.haap.config.internal.InetLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {

    /** The least a gateway needs: the AP and one WAN. */
    private static final String MINIMAL = "haap.gateway { aggregation-point = \"192.0.2.10:5124\","
            + " wan = [{ name = dsl, interface = dsl0, source = \"198.51.100.2\" }] }\n";

    /** Two WANs, for the per-element and cross-element checks. */
    private static final String TWO_WANS = twoWans("", "");

    /**
     * Two WANs with extra settings inside each element (in HOCON a later duplicate key
     * wins; {@code wan.1.name = x} outside the list would replace the whole list).
     */
    private static String twoWans(String first, String second) {
        return "haap.gateway { aggregation-point = \"192.0.2.10:5124\", wan = ["
                + " { name = dsl, interface = dsl0, source = \"198.51.100.2\", " + first + " },"
                + " { name = lte, interface = wwan0, source = \"203.0.113.7\", " + second + " } ] }\n";
    }

    private static GatewayConfig gw(String hocon) {
        return HaapConfigLoader.gateway(ConfigFactory.parseString(hocon));
    }

    private static String error(String hocon) {
        ConfigError e = assertThrows(ConfigError.class, () -> gw(hocon));
        return e.getMessage();
    }

    private static InetAddress ip(String text) {
        return InetLiterals.parseAddress(text);
    }

    private static InetSocketAddress socket(String ip, int port) {
        return new InetSocketAddress(ip(ip), port);
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        GatewayConfig expected = new GatewayConfig(
                List.of(socket("0.0.0.0", 15124), socket("::", 15124)),
                socket("192.0.2.10", 5124),
                List.of(new WanConfig("dsl", "dsl0", ip("198.51.100.2"), null, 101, false, Optional.empty())),
                Optional.empty(),
                ApUnreachable.RESET,
                new RobeSettings(RobeMode.SIM, Optional.empty(),
                        new WarmPoolSettings(false, 0, 16, Duration.ofSeconds(60))),
                new PathManagerSettings(PathManagerMode.KERNEL, PathPolicy.FULLMESH),
                new GatewayTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(5),
                        Duration.ofSeconds(60), Duration.ofSeconds(10)),
                new RelaySettings(true, 32 * 1024, 64 * 1024, 1024),
                new MetricsSettings(true, socket("127.0.0.1", 9125)),
                new SysctlSettings(true, Duration.ZERO, 255, 8, 8),
                0,
                CidrSet.EMPTY,
                new LinkMonitorSettings(true, Optional.empty(), Duration.ofMillis(200), Duration.ofMillis(300), 3, 2,
                        10, 20, Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(10)),
                CongestionControl.auto());
        assertEquals(expected, gw(MINIMAL));
        assertEquals(LinkMonitorSettings.defaults(), expected.linkMonitor());
        assertEquals(Duration.ofMillis(900), expected.linkMonitor().detectionBound());
    }

    @Test
    void exampleFileIsValid() {
        GatewayConfig gw = HaapConfigLoader.gateway(HaapConfigLoader.load(Path.of("examples/gateway.conf")));
        assertEquals(socket("192.0.2.10", 5124), gw.aggregationPoint());
        assertEquals(List.of(
                new WanConfig("dsl", "dsl0", ip("198.51.100.2"), ip("2001:db8:10::2"), 101, false, Optional.empty()),
                new WanConfig("lte", "wwan0", ip("203.0.113.7"), null, 102, false, Optional.of(Duration.ofSeconds(5)))),
                gw.wans());
        assertEquals("dsl", gw.primaryWan().name());
        assertTrue(gw.cookie().isPresent());
        assertEquals(ApUnreachable.BYPASS, gw.onApUnreachable());
        assertEquals(new PathManagerSettings(PathManagerMode.USERSPACE, PathPolicy.LATENCY_FIRST), gw.pathManager());
        assertEquals(new WarmPoolSettings(true, 4, 16, Duration.ofSeconds(50)), gw.robe().pool());
        assertEquals(2, gw.effectiveEventLoops());
        assertTrue(gw.bypassDestinations().contains(ip("198.51.100.53")));
    }

    @Test
    void aggregationPointIsRequired() {
        assertEquals("haap.gateway.aggregation-point: missing (expected: host:port of the aggregation point)",
                error("haap.gateway.wan = [{ name = dsl, interface = dsl0, source = \"198.51.100.2\" }]"));
    }

    @Test
    void anEmptyConfigLacksTheAggregationPointAndTheWans() {
        ConfigError e = assertThrows(ConfigError.class, () -> HaapConfigLoader.gateway(ConfigFactory.empty()));
        assertEquals(List.of(
                "haap.gateway.aggregation-point: missing (expected: host:port of the aggregation point)",
                "haap.gateway.wan: [] (expected: 1..8 WAN links)"),
                e.all().stream().map(ConfigError::getMessage).collect(Collectors.toList()));
    }

    @Test
    void valuesAreRead() {
        GatewayConfig gw = gw(twoWans("source6 = \"2001:db8:1::2\"", "source6 = \"2001:db8:1::7\"")
                + "haap.gateway { aggregation-point = \"[2001:db8::10]:443\", cookie = s3cret, on-ap-unreachable = bypass,"
                + " robe { mode = timer, timer.syn-timeout = 1500ms, pool { enabled = true, min = 2, max = 2 } },"
                + " path-manager { mode = userspace, policy = smart-backup },"
                + " timeouts.convert-reply = 2s, sysctl { manage = false, blackhole-timeout = 1h },"
                + " event-loops = 3, bypass.destinations = [\"10.0.0.0/8\", \"fd00::/8\"] }");
        assertEquals(socket("2001:db8::10", 443), gw.aggregationPoint());
        assertEquals(ip("2001:db8:1::2"), gw.wans().get(0).source6());
        assertEquals(ip("2001:db8:1::2"), gw.wans().get(0).sourceFor(gw.aggregationPoint().getAddress()));
        assertNull(gw(TWO_WANS).wans().get(1).sourceFor(ip("2001:db8::10")));
        assertEquals(ip("203.0.113.7"), gw.wans().get(1).sourceFor(ip("192.0.2.1")));
        assertEquals(102, gw.wans().get(1).table());
        assertEquals(Optional.of("s3cret"), gw.cookie());
        assertEquals(ApUnreachable.BYPASS, gw.onApUnreachable());
        assertEquals(new RobeSettings(RobeMode.TIMER, Optional.of(Duration.ofMillis(1500)),
                new WarmPoolSettings(true, 2, 2, Duration.ofSeconds(60))), gw.robe());
        assertEquals(new PathManagerSettings(PathManagerMode.USERSPACE, PathPolicy.SMART_BACKUP), gw.pathManager());
        assertEquals(Duration.ofSeconds(2), gw.timeouts().convertReply());
        assertEquals(new SysctlSettings(false, Duration.ofHours(1), 255, 8, 8), gw.sysctl());
        assertEquals(3, gw.effectiveEventLoops());
        assertEquals(CidrSet.of("10.0.0.0/8", "fd00::/8"), gw.bypassDestinations());
    }

    @Test
    void everyPolicyNameIsAccepted() {
        for (String name : List.of("fullmesh", "dsl-first", "overflow", "smart-backup", "latency-first")) {
            PathPolicy policy = gw(MINIMAL + "haap.gateway.path-manager { mode = userspace, policy = " + name
                    + ", overflow.capacity = 50Mbit/s }")
                    .pathManager().policy();
            assertEquals(name, policy.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    @Test
    void pathManagerThresholdsAreRead() {
        PathManagerSettings pm = gw(MINIMAL + "haap.gateway.path-manager { mode = userspace, policy = overflow,"
                + " overflow { capacity = \"1.5Mbit/s\", saturation = 0.9, release = 0.4, hold = 3s, budget = 20GiB,"
                + " budget-reset-day = 15 }, smart-backup { rto-threshold = 800ms, retrans-threshold = 2, retry = 1m } }")
                .pathManager();
        assertEquals(new PathManagerSettings(PathManagerMode.USERSPACE, PathPolicy.OVERFLOW,
                new PathManagerSettings.Overflow(OptionalLong.of(1_500_000), 0.9, 0.4, Duration.ofSeconds(3),
                        OptionalLong.of(20L << 30), 15),
                new PathManagerSettings.SmartBackup(Duration.ofMillis(800), 2, Duration.ofMinutes(1))), pm);
        assertEquals(OptionalLong.of(800), gw(MINIMAL + "haap.gateway.path-manager.overflow.capacity = 800bit/s")
                .pathManager().overflow().capacityBitsPerSecond());
        assertEquals(OptionalLong.of(2_000_000_000L), gw(MINIMAL + "haap.gateway.path-manager.overflow.capacity = 2Gbit/s")
                .pathManager().overflow().capacityBitsPerSecond());
        assertEquals(OptionalLong.of(1000), gw(MINIMAL + "haap.gateway.path-manager.overflow.budget = 1000")
                .pathManager().overflow().budgetBytes());
    }

    @Test
    void pathManagerDefaultsMatchTheRecordDefaults() {
        PathManagerSettings pm = gw(MINIMAL).pathManager();
        assertEquals(PathManagerSettings.Overflow.DEFAULTS, pm.overflow());
        assertEquals(PathManagerSettings.SmartBackup.DEFAULTS, pm.smartBackup());
        assertEquals(PathManagerSettings.Bulk.DEFAULTS, pm.bulk());
        assertEquals(new PathManagerSettings.Bulk(64 * 1024, Duration.ofMillis(150), 0.5),
                gw(MINIMAL + "haap.gateway.path-manager.bulk { bytes = 64KiB, busy = 150ms, wan-saturation = 0.5 }")
                        .pathManager().bulk());
        assertThrows(IllegalArgumentException.class, () -> new PathManagerSettings.Overflow(OptionalLong.empty(),
                0.5, 0.5, Duration.ofSeconds(1), OptionalLong.empty(), 1));
    }

    @Test
    void anIpv6OnlyWanReachesAnIpv6AggregationPoint() {
        GatewayConfig gw = gw("haap.gateway { aggregation-point = \"[2001:db8::10]:5124\","
                + " wan = [{ name = lte, interface = wwan0, source = \"2001:db8:2::7\" }] }");
        assertEquals(ip("2001:db8:2::7"), gw.primaryWan().source());
    }

    @Test
    void theCookieIsNeverShown() {
        GatewayConfig gw = gw(MINIMAL + "haap.gateway.cookie = topsecret");
        assertFalse(gw.toString().contains("topsecret"), gw.toString());
        assertTrue(gw.toString().contains("cookie=<set>"), gw.toString());
        assertTrue(gw(MINIMAL).toString().contains("cookie=<none>"));
        String longSecret = "s".repeat(1017);
        assertEquals("haap.gateway.cookie: <cookie of 1017 bytes> (expected: 1..1016 bytes)",
                error(MINIMAL + "haap.gateway.cookie = " + longSecret));
        assertEquals("haap.gateway.cookie: <list> (expected: a string)",
                error(MINIMAL + "haap.gateway.cookie = [topsecret]"));
        assertEquals("haap.gateway.cookie: <cookie of 0 bytes> (expected: 1..1016 bytes)",
                error(MINIMAL + "haap.gateway.cookie = \"\""));
        assertEquals(Optional.of("é".repeat(508)), gw(MINIMAL + "haap.gateway.cookie = " + "é".repeat(508)).cookie());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "listen = []                         | listen: [] (expected: at least one address)",
        "listen = [\"0.0.0.0:0\"]            | listen: 0.0.0.0:0 (expected: a port in 1..65535)",
        "listen = [\"lan.home:15124\"]       | listen: lan.home:15124 (expected: a literal IP address, not a host name)",
        "aggregation-point = \"ap.example:5124\" | aggregation-point: ap.example:5124 (expected: a literal IP address, not a host name)",
        "aggregation-point = \"192.0.2.10\"  | aggregation-point: 192.0.2.10 (expected: host:port, e.g. 0.0.0.0:5124 or [::]:5124)",
        "aggregation-point = \"192.0.2.10:0\" | aggregation-point: 192.0.2.10:0 (expected: a port in 1..65535)",
        "aggregation-point = \"0.0.0.0:5124\" | aggregation-point: 0.0.0.0:5124 (expected: a unicast address, not a wildcard or multicast address)",
        "aggregation-point = \"[ff02::1]:5124\" | aggregation-point: [ff02::1]:5124 (expected: a unicast address, not a wildcard or multicast address)",
        "on-ap-unreachable = retry           | on-ap-unreachable: retry (expected: one of reset, bypass)",
        "robe.mode = fast                    | robe.mode: fast (expected: one of sim, timer, ips, classic)",
        "robe.timer.syn-timeout = never      | robe.timer.syn-timeout: never (expected: auto or a duration such as 10s)",
        "robe.timer.syn-timeout = 0s         | robe.timer.syn-timeout: 0s (expected: auto or > 0)",
        "robe.timer.syn-timeout = 5s         | robe.timer.syn-timeout: 5s (expected: auto or < timeouts.connect (5s))",
        "robe.pool.enabled = maybe           | robe.pool.enabled: maybe (expected: true or false)",
        "robe.pool.min = -1                  | robe.pool.min: -1 (expected: 0..1024)",
        "robe.pool.max = 0                   | robe.pool.max: 0 (expected: 1..1024)",
        "robe.pool.max = 1025                | robe.pool.max: 1025 (expected: 1..1024)",
        "robe.pool.min = 17                  | robe.pool.min: 17 (expected: <= max (16))",
        "robe.pool.max-idle = 0s             | robe.pool.max-idle: 0s (expected: > 0)",
        "robe.pool.enabled = true            | robe.pool.enabled: true (expected: false unless haap.gateway.cookie is set (the pool hello is signed with it))",
        "path-manager.mode = mptcpd          | path-manager.mode: mptcpd (expected: one of kernel, userspace)",
        "path-manager.policy = random        | path-manager.policy: random (expected: one of fullmesh, dsl-first, overflow, smart-backup, latency-first)",
        "path-manager.policy = rtt-aware     | path-manager.policy: rtt-aware (expected: one of fullmesh, dsl-first, overflow, smart-backup, latency-first)",
        "path-manager.policy = dsl-first     | path-manager.policy: dsl-first (expected: fullmesh while mode = kernel; the other policies need mode = userspace)",
        "path-manager { mode = userspace, policy = overflow } | path-manager.overflow.capacity: missing (expected: the preferred WAN's rate such as 50Mbit/s, required with policy = overflow)",
        "path-manager.overflow.capacity = 50Mbps | path-manager.overflow.capacity: 50Mbps (expected: a rate such as 50Mbit/s (units bit/s, kbit/s, Mbit/s, Gbit/s))",
        "path-manager.overflow.capacity = 0bit/s | path-manager.overflow.capacity: 0bit/s (expected: 1bit/s..1000Gbit/s)",
        "path-manager.overflow.saturation = 1.5 | path-manager.overflow.saturation: 1.5 (expected: a number in (0, 1])",
        "path-manager.overflow.saturation = high | path-manager.overflow.saturation: high (expected: a number in (0, 1])",
        "path-manager.overflow.release = 0   | path-manager.overflow.release: 0 (expected: a number in (0, 1])",
        "path-manager.overflow.release = 0.9 | path-manager.overflow.release: 0.9 (expected: < saturation (0.8))",
        "path-manager.overflow.hold = 0s     | path-manager.overflow.hold: 0s (expected: > 0)",
        "path-manager.overflow.budget = lots | path-manager.overflow.budget: lots (expected: a size such as 20GiB)",
        "path-manager.overflow.budget = 0    | path-manager.overflow.budget: 0 (expected: > 0)",
        "path-manager.overflow.budget-reset-day = 31 | path-manager.overflow.budget-reset-day: 31 (expected: 1..28)",
        "path-manager.bulk.bytes = 0         | path-manager.bulk.bytes: 0 (expected: > 0)",
        "path-manager.bulk.bytes = lots      | path-manager.bulk.bytes: lots (expected: a size such as 256KiB)",
        "path-manager.bulk.busy = 0s         | path-manager.bulk.busy: 0s (expected: > 0)",
        "path-manager.bulk.wan-saturation = 0 | path-manager.bulk.wan-saturation: 0 (expected: a number in (0, 1])",
        "path-manager.smart-backup.rto-threshold = 0ms | path-manager.smart-backup.rto-threshold: 0ms (expected: > 0)",
        "path-manager.smart-backup.retrans-threshold = 0 | path-manager.smart-backup.retrans-threshold: 0 (expected: 1..255)",
        "path-manager.smart-backup.retry = -1s | path-manager.smart-backup.retry: -1s (expected: > 0)",
        "path-manager.smart-backup.retrans = 1 | path-manager.smart-backup.retrans: unknown key (expected: one of retrans-threshold, retry, rto-threshold)",
        "timeouts.connect = 0s               | timeouts.connect: 0s (expected: > 0)",
        "timeouts.convert-reply = -1s        | timeouts.convert-reply: -1s (expected: > 0)",
        "timeouts.idle = 0                   | timeouts.idle: 0 (expected: > 0)",
        "timeouts.half-close = 0ms           | timeouts.half-close: 0ms (expected: > 0)",
        "timeouts.drain = soon               | timeouts.drain: soon (expected: a duration such as 10s)",
        "relay.low-watermark = 64KiB         | relay.low-watermark: 64KiB (expected: < high-watermark (65536 bytes))",
        "relay.high-watermark = 2GiB         | relay.high-watermark: 2GiB (expected: <= 1GiB)",
        "metrics.listen = \"router.lan:9125\" | metrics.listen: router.lan:9125 (expected: a literal IP address, not a host name)",
        "metrics.enabled = 1                 | metrics.enabled: 1 (expected: true or false)",
        "metrics.max-connections = 2000      | metrics.max-connections: 2000 (expected: 1..1024)",
        "metrics.read-timeout = fast         | metrics.read-timeout: fast (expected: a duration such as 10s)",
        "sysctl.manage = auto                | sysctl.manage: auto (expected: true or false)",
        "sysctl.blackhole-timeout = -1s      | sysctl.blackhole-timeout: -1s (expected: >= 0s)",
        "sysctl.blackhole-timeout = 3600     | sysctl.blackhole-timeout: 3600 (expected: whole seconds, such as 3600s)",
        "sysctl.blackhole-timeout = 2147483648s | sysctl.blackhole-timeout: 2147483648s (expected: <= 2147483647s)",
        "sysctl.syn-retrans-before-tcp-fallback = 256 | sysctl.syn-retrans-before-tcp-fallback: 256 (expected: 0..255)",
        "sysctl.subflows-limit = 9           | sysctl.subflows-limit: 9 (expected: 0..8)",
        "sysctl.add-addr-accepted-limit = -1 | sysctl.add-addr-accepted-limit: -1 (expected: 0..8)",
        "event-loops = -1                    | event-loops: -1 (expected: >= 0)",
        "bypass.destinations = [\"10.0.0.0/33\"] | bypass.destinations: 10.0.0.0/33 (expected: a prefix length in 0..32)",
        "bypass = []                         | bypass: [] (expected: an object)",
        "wans = []                           | wans: unknown key (did you mean 'wan'?)",
        "robe.pool.maxidle = 1s              | robe.pool.maxidle: unknown key (did you mean 'max-idle'?)",
        "sysctl.subflow-limit = 1            | sysctl.subflow-limit: unknown key (did you mean 'subflows-limit'?)",
    })
    void everyCheckNamesTheKeyAndTheExpectedValue(String setting, String message) {
        assertEquals("haap.gateway." + message, error(MINIMAL + "haap.gateway." + setting));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "name = DSL                   | name: DSL (expected: 1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit)",
        "name = _lte                  | name: _lte (expected: 1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit)",
        "name = lte-backup-link-1234  | name: lte-backup-link-1234 (expected: 1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit)",
        "name = \"\"                  | name:  (expected: 1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit)",
        "name = null                  | name: missing (expected: a link name such as dsl)",
        "interface = \"wwan0:1\"      | interface: wwan0:1 (expected: a network interface name of 1..15 characters without '/', ':' or whitespace)",
        "interface = wwan0-with-a-long-name | interface: wwan0-with-a-long-name (expected: a network interface name of 1..15 characters without '/', ':' or whitespace)",
        "interface = \"..\"           | interface: .. (expected: a network interface name of 1..15 characters without '/', ':' or whitespace)",
        "source = \"10.0.0.x\"        | source: 10.0.0.x (expected: a literal IP address, not a host name)",
        "source = \"203.0.113.300\"   | source: 203.0.113.300 (expected: an IPv4 address with octets 0..255)",
        "source = \"0.0.0.0\"         | source: 0.0.0.0 (expected: a unicast address of the link, not a wildcard, loopback or multicast address)",
        "source = \"127.0.0.1\"       | source: 127.0.0.1 (expected: a unicast address of the link, not a wildcard, loopback or multicast address)",
        "source = \"2001:db8::7\"     | source: 2001:db8::7 (expected: an IPv4 address: the aggregation point's address is IPv4)",
        "source6 = \"198.51.100.9\"   | source6: 198.51.100.9 (expected: an IPv6 address)",
        "source6 = \"[2001:db8::7]\"  | source6: [2001:db8::7] (expected: a literal IP address, not a host name)",
        "table = 0                    | table: 0 (expected: 1..2147483647)",
        "table = 254                  | table: 254 (expected: not 253..255 (the kernel's default, main and local tables))",
        "table = main                 | table: main (expected: an integer)",
        "backup = maybe               | backup: maybe (expected: true or false)",
        "probe-interval = 9ms         | probe-interval: 9ms (expected: >= 10ms)",
        "probe-interval = 0s          | probe-interval: 0s (expected: > 0)",
        "probe-interval = soon        | probe-interval: soon (expected: a duration such as 10s)",
        "probe-intervall = 5s         | probe-intervall: unknown key (did you mean 'probe-interval'?)",
        "iface = wwan0                | iface: unknown key (expected: one of backup, interface, name, probe-interval, source, source6, table)",
    })
    void everyWanCheckNamesTheElement(String setting, String message) {
        assertEquals("haap.gateway.wan[1]." + message, error(twoWans("", setting)));
    }

    @Test
    void aWansProbeIntervalIsItsOwnOrTheLinkMonitors() {
        GatewayConfig gw = gw(twoWans("", "probe-interval = 5s"));
        WanConfig dsl = gw.wans().get(0);
        WanConfig lte = gw.wans().get(1);
        assertEquals(Optional.empty(), dsl.probeInterval());
        assertEquals(Optional.of(Duration.ofSeconds(5)), lte.probeInterval());
        LinkMonitorSettings m = gw.linkMonitor();
        assertEquals(Duration.ofMillis(200), m.intervalFor(dsl), "inherits link-monitor.probe.interval");
        assertEquals(Duration.ofSeconds(5), m.intervalFor(lte));
        assertEquals(Duration.ofMillis(900), m.detectionBound(m.intervalFor(dsl)));
        assertEquals(Duration.ofMillis(15_300), m.detectionBound(m.intervalFor(lte)), "5s x 3 + 300ms");

        GatewayConfig faster = gw(twoWans("probe-interval = 10ms", "")
                + "haap.gateway.link-monitor.probe.interval = 1s");
        assertEquals(Duration.ofMillis(10), faster.linkMonitor().intervalFor(faster.wans().get(0)), "the least allowed");
        assertEquals(Duration.ofSeconds(1), faster.linkMonitor().intervalFor(faster.wans().get(1)),
                "the default follows a changed link-monitor.probe.interval");
    }

    @Test
    void aBadProbeIntervalNamesItsElement() {
        assertEquals("haap.gateway.wan[0].probe-interval: 5ms (expected: >= 10ms)",
                error(twoWans("probe-interval = 5ms", "")));
        ConfigError e = assertThrows(ConfigError.class,
                () -> gw(twoWans("probe-interval = 1ms", "probe-interval = -1s")));
        assertEquals(List.of(
                "haap.gateway.wan[0].probe-interval: 1ms (expected: >= 10ms)",
                "haap.gateway.wan[1].probe-interval: -1s (expected: > 0)"),
                e.all().stream().map(ConfigError::getMessage).collect(Collectors.toList()));
    }

    @Test
    void wanListChecks() {
        assertEquals("haap.gateway.wan: [] (expected: 1..8 WAN links)", error(MINIMAL + "haap.gateway.wan = []"));
        assertEquals("haap.gateway.wan: dsl (expected: a list of WAN objects such as"
                + " { name = dsl, interface = dsl0, source = \"198.51.100.2\" })",
                error(MINIMAL + "haap.gateway.wan = dsl"));
        StringBuilder nine = new StringBuilder("haap.gateway.wan = [");
        for (int i = 0; i < 9; i++) {
            nine.append("{ name = w").append(i).append(", interface = eth").append(i)
                    .append(", source = \"198.51.100.").append(i + 1).append("\" }\n");
        }
        assertEquals("haap.gateway.wan: 9 WAN links (expected: 1..8)", error(MINIMAL + nine + "]"));
        assertEquals(8, gw(MINIMAL + nine.toString().replace("{ name = w8, interface = eth8, source = \"198.51.100.9\" }", "")
                + "]").wans().size());
        assertEquals("haap.gateway.wan: every link has backup = true (expected: at least one link with backup = false)",
                error(twoWans("backup = true", "backup = true")));
        assertTrue(gw(twoWans("", "backup = true")).wans().get(1).backup());
    }

    @Test
    void namesInterfacesAddressesAndTablesAreUnique() {
        assertEquals("haap.gateway.wan[1].name: dsl (expected: a name not used by wan[0])",
                error(twoWans("", "name = dsl")));
        assertEquals("haap.gateway.wan[1].interface: dsl0 (expected: an interface not used by wan[0])",
                error(twoWans("", "interface = dsl0")));
        assertEquals("haap.gateway.wan[1].source: 198.51.100.2 (expected: an address not used by wan[0])",
                error(twoWans("", "source = \"198.51.100.2\"")));
        assertEquals("haap.gateway.wan[1].source6: 2001:db8::1 (expected: an address not used by wan[0])",
                error(twoWans("source6 = \"2001:db8::1\"", "source6 = \"2001:db8::1\"")));
        assertEquals("haap.gateway.wan[1].table: 7 (expected: a table not used by wan[0])",
                error(twoWans("table = 7", "table = 7")));
        assertEquals("haap.gateway.wan[1].table: default 102 (expected: a table not used by wan[0])",
                error(twoWans("table = 102", "")));
    }

    @Test
    void wanAddressFamiliesMatchTheAggregationPoint() {
        String v6ap = TWO_WANS + "haap.gateway.aggregation-point = \"[2001:db8::10]:5124\"";
        assertEquals("haap.gateway.wan[0].source6: missing (expected: an IPv6 address: the aggregation point's address is IPv6)\n"
                + "haap.gateway.wan[1].source6: missing (expected: an IPv6 address: the aggregation point's address is IPv6)",
                error(v6ap));
        assertEquals("haap.gateway.wan[0].source6: 2001:db8::3 (expected: unset while source is IPv6)",
                error(v6ap + ", haap.gateway.wan = [{ name = a, interface = a0, source = \"2001:db8::2\","
                        + " source6 = \"2001:db8::3\" }]"));
    }

    @Test
    void subflowsLimitCoversEveryWan() {
        assertEquals("haap.gateway.sysctl.subflows-limit: 0 (expected: >= 1: one subflow per WAN after the first)",
                error(TWO_WANS + "haap.gateway.sysctl.subflows-limit = 0"));
        assertEquals(0, gw(MINIMAL + "haap.gateway.sysctl.subflows-limit = 0").sysctl().subflowsLimit());
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        ConfigError e = assertThrows(ConfigError.class, () -> gw(twoWans("name = BAD", "source = x")
                + "haap.gateway { event-loops = -1, timeouts.idle = 0s }"));
        assertEquals(List.of(
                "haap.gateway.wan[0].name",
                "haap.gateway.wan[1].source",
                "haap.gateway.timeouts.idle",
                "haap.gateway.event-loops"),
                e.all().stream().map(ConfigError::key).collect(Collectors.toList()));
    }

    @Test
    void theSectionMustBeAnObject() {
        assertEquals("haap.gateway: 5 (expected: an object)", error("haap.gateway = 5"));
    }

    @Test
    void linkMonitorKeysAreReadAndChecked() {
        LinkMonitorSettings m = gw(MINIMAL + "haap.gateway.link-monitor { enabled = false, probe {"
                + " target = \"192.0.2.11:7000\", interval = 100ms, timeout = 150ms, down-after = 5,"
                + " up-after = 4, window = 20, degraded-loss = 50, degraded-rtt = 1s, all-silent-hold = 1ms } }")
                .linkMonitor();
        assertEquals(new LinkMonitorSettings(false, Optional.of(socket("192.0.2.11", 7000)), Duration.ofMillis(100),
                Duration.ofMillis(150), 5, 4, 20, 50, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(1)), m);
        assertEquals("haap.gateway.link-monitor.probe.all-silent-hold: 0 (expected: > 0)",
                error(MINIMAL + "haap.gateway.link-monitor.probe.all-silent-hold = 0"));
        assertEquals(Duration.ofMillis(650), m.detectionBound());
        assertEquals("haap.gateway.link-monitor.probe.interval: 5ms (expected: >= 10ms)",
                error(MINIMAL + "haap.gateway.link-monitor.probe.interval = 5ms"));
        assertEquals("haap.gateway.link-monitor.probe.down-after: 0 (expected: 1..100)",
                error(MINIMAL + "haap.gateway.link-monitor.probe.down-after = 0"));
        assertEquals("haap.gateway.link-monitor.probe.down-after: 11 (expected: <= window (10))",
                error(MINIMAL + "haap.gateway.link-monitor.probe.down-after = 11"));
        assertEquals("haap.gateway.link-monitor.probe.degraded-loss: 101 (expected: 1..100)",
                error(MINIMAL + "haap.gateway.link-monitor.probe.degraded-loss = 101"));
        assertEquals("haap.gateway.link-monitor.probe.target: 0.0.0.0:1 (expected: a unicast address, not a"
                + " wildcard or multicast address)", error(MINIMAL + "haap.gateway.link-monitor.probe.target = \"0.0.0.0:1\""));
        assertTrue(error(MINIMAL + "haap.gateway.link-monitor.probe.intervall = 1s").contains("did you mean 'interval'"));
    }
}
