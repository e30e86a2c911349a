package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.haap.config.internal.HostCongestionControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return runWithOpenFilesLimit(OptionalLong.empty(), args);
    }

    /** As check-config would run under {@code limit}, the process's open-files hard limit. */
    private int runWithOpenFilesLimit(OptionalLong limit, String... args) {
        return runOn(limit, Optional.empty(), args);
    }

    /** As check-config would run on a host whose kernel offers {@code host} (empty: unknown). */
    private int runOn(OptionalLong limit, Optional<HostCongestionControl> host, String... args) {
        return CheckConfig.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), limit, host);
    }

    @Test
    void congestionControlIsDescribedForTheHost() throws IOException {
        String both = file("cc.conf", "haap.aggregation-point { congestion-control = cubic }\n"
                + "haap.gateway { aggregation-point = \"192.0.2.10:5124\", listen = [\"0.0.0.0:15124\"]\n"
                + "  wan = [{ name = dsl, interface = dsl0, source = \"198.51.100.2\" }] }\n");
        HostCongestionControl withBbr = new HostCongestionControl(List.of("reno", "cubic"), List.of("bbr"), "cubic");
        assertEquals(0, runOn(OptionalLong.empty(), Optional.of(withBbr), both));
        assertTrue(out().contains("haap.aggregation-point.congestion-control: cubic (this kernel has reno cubic;"
                + " as modules bbr)\n"), out());
        assertTrue(out().contains("haap.gateway.congestion-control: auto = bbr on this host"), out());
        assertEquals("", err());
    }

    @Test
    void congestionControlTheHostLacksIsWarnedAbout() throws IOException {
        String cc = file("cc.conf", "haap.aggregation-point { congestion-control = htcp }\n");
        HostCongestionControl plain = new HostCongestionControl(List.of("reno", "cubic"), List.of(), "cubic");
        assertEquals(0, runOn(OptionalLong.empty(), Optional.of(plain), cc));
        assertEquals(cc + ": warning: haap.aggregation-point.congestion-control = htcp: this kernel has no such"
                + " algorithm (this kernel has reno cubic); the application will not start on this host\n", err());
        out.reset();
        err.reset();
        String auto = file("auto.conf", "haap.aggregation-point { }\n");
        assertEquals(0, runOn(OptionalLong.empty(), Optional.of(plain), auto));
        assertTrue(out().contains("haap.aggregation-point.congestion-control: auto = cubic, the host's default"),
                out());
        assertTrue(err().contains("no bbr; the host's default cubic is used"), err());
    }

    private String file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void goodFileExitsZero() throws IOException {
        String good = file("good.conf", "haap.aggregation-point { timeouts.header = 3s }\n");
        assertEquals(0, run(good));
        assertTrue(out().startsWith(good + ": ok (aggregation-point)\ndestinations, in the order applied"), out());
        assertEquals("", err());
    }

    @Test
    void optionalCookiesAreValidButWarnedAbout() throws IOException {
        String optional = file("optional.conf",
                "haap.aggregation-point { cookies = [fleet], require-cookie = false }\n");
        assertEquals(0, run(optional));
        assertTrue(out().startsWith(optional + ": ok (aggregation-point)\ndestinations, in the order applied"), out());
        assertEquals(optional + ": warning: haap.aggregation-point.require-cookie: false while cookies are set:"
                + " a client that sends no cookie is served, so the cookies authenticate nothing"
                + " (expected: unset or true)\n", err());
    }

    @Test
    void sessionCapsOverTheOpenFilesLimitAreValidButWarnedAbout() throws IOException {
        String busy = file("busy.conf", "haap.aggregation-point {\n  listen = [\"0.0.0.0:5124\"], event-loops = 2\n"
                + "  limits { max-sessions = 3000, max-unauthenticated = 1000 }\n}\n");
        // 3000 x 2 + 1024 splice pipes x 2 + 1000 + 1 listener x 2 loops + 3 x 2 loops + 16 + 1 metrics + 64
        // = 9,137
        assertEquals(0, runWithOpenFilesLimit(OptionalLong.of(9_136), busy));
        assertTrue(out().startsWith(busy + ": ok (aggregation-point)\n"), out());
        assertEquals(busy + ": warning: haap.aggregation-point.limits.max-sessions: 3000 sessions x 2 fds,"
                + " 2048 for splice pipes (relay.splice-pipes), with max-unauthenticated 1000, listeners and the"
                + " process's own, need up to 9137 open files, over the limit of 9136 (RLIMIT_NOFILE hard limit;"
                + " expected: LimitNOFILE= / ulimit -Hn of at least 9137, or lower limits)\n", err());
        err.reset();
        assertEquals(0, runWithOpenFilesLimit(OptionalLong.of(9_137), busy));
        assertEquals("", err(), "exactly enough");
        String noSplice = file("nosplice.conf", "haap.aggregation-point {\n  listen = [\"0.0.0.0:5124\"], event-loops = 2, relay.splice = false\n"
                + "  limits { max-sessions = 3000, max-unauthenticated = 1000 }\n}\n");
        assertEquals(0, runWithOpenFilesLimit(OptionalLong.of(7_089), noSplice));
        assertEquals("", err(), "no splice pipes without splice");
    }

    @Test
    void exampleFileExitsZero() {
        assertEquals(0, run("examples/aggregation-point.conf"));
        assertTrue(out().startsWith("examples/aggregation-point.conf: ok (aggregation-point)\n"), out());
        assertTrue(out().contains("\n  nat64  2001:db8:64::/96 "), out());
    }

    @Test
    void gatewayExampleExitsZero() {
        assertEquals(0, run("examples/gateway.conf", "examples/aggregation-point.conf"));
        assertTrue(out().startsWith("examples/gateway.conf: ok (gateway)\n"
                + "examples/aggregation-point.conf: ok (aggregation-point)\n"), out());
        assertEquals("", err());
    }

    @Test
    void gatewayOnlyFile() throws IOException {
        String gw = file("gw.conf", "haap.gateway {\n  aggregation-point = \"192.0.2.10:5124\"\n"
                + "  wan = [{ name = dsl, interface = dsl0, source = \"198.51.100.2\" }]\n}\n");
        assertEquals(0, run(gw));
        assertEquals(gw + ": ok (gateway)\n", out(), "no destination policy for a gateway");
    }

    @Test
    void fileWithBothSections() throws IOException {
        String both = file("both.conf", "haap.aggregation-point.backlog = 10\n"
                + "haap.gateway {\n  aggregation-point = \"127.0.0.1:5124\"\n"
                + "  wan = [{ name = lo, interface = veth0, source = \"10.0.0.2\" }]\n}\n");
        assertEquals(0, run(both));
        assertTrue(out().startsWith(both + ": ok (aggregation-point, gateway)\n"), out());
    }

    @Test
    void printsTheEffectiveDestinationPolicy() throws IOException {
        String ap = file("policy.conf", """
                haap.aggregation-point.destinations {
                  allow = ["10.9.0.0/16", "[fd00::/8]:80-443", "10.1.2.3:443"]
                  deny = ["93.184.216.0/24"]
                  nat64-prefixes = ["2001:db8:64::/96"]
                  deny-own-addresses = false
                }
                """);
        assertEquals(0, run(ap));
        List<String> lines = out().lines().toList();
        assertEquals(ap + ": ok (aggregation-point)", lines.get(0));
        assertEquals(List.of(
                "  allow  10.9.0.0/16            allow[0]",
                "  allow  [fd00::/8]:80-443      allow[1]",
                "  allow  10.1.2.3/32:443        allow[2]",
                "  deny   93.184.216.0/24        deny[0]",
                "  nat64  2001:db8:64::/96       nat64-prefixes[0]: judged by the embedded IPv4 address,"
                        + " not by the blocks below"), lines.subList(2, 7));
        assertTrue(lines.contains("  deny   169.254.0.0/16         Link Local, RFC 3927 [IPv4 special-purpose, not global]"),
                out());
        assertTrue(lines.contains("  deny   192.0.0.9/32           Port Control Protocol Anycast, RFC 7723"
                + " [IPv4 special-purpose, global; anycast: may reach the AP's own network]"), out());
        assertTrue(lines.contains("  nat64  64:ff9b::/96           IPv4-IPv6 Translat., RFC 6052"
                + " [IPv6 special-purpose, global; judged by the embedded IPv4 address]"), out());
        assertTrue(lines.contains("  deny   fec0::/10              Site-Local Unicast (deprecated), RFC 3879"
                + " [IPv6 address space, not global unicast]"), out());
        assertEquals(2 + 5 + SpecialPurposeBlocks.all().size() + 3, lines.size(), out());
        assertEquals("  own    deny-own-addresses     false: the AP's own addresses are not denied",
                lines.get(lines.size() - 2));
        assertEquals("  allow  everything else", lines.get(lines.size() - 1));
    }

    @Test
    void describesClusterMode() throws IOException {
        String node = file("node.conf", """
                haap.aggregation-point {
                  listen = ["198.51.100.1:5124"]
                  cluster { enabled = true, node-address = "192.0.2.11", subflows-limit = 2 }
                }
                """);
        assertEquals(0, run(node));
        assertTrue(out().contains("haap.aggregation-point.cluster: node address 192.0.2.11 announced on every MPTCP"
                + " connection (signal endpoint), MP_CAPABLE C flag set (no joins to the shared listen addresses),"
                + " up to 2 joins per connection, also listening on [192.0.2.11:5124]; set up at start (needs"
                + " CAP_NET_ADMIN)\n"), out());
        out.reset();
        assertEquals(0, run(file("single.conf", "haap.aggregation-point.backlog = 8\n")));
        assertTrue(!out().contains(".cluster"), "cluster mode off is not described: " + out());
    }

    @Test
    void errorsOfBothSectionsAreReported() throws IOException {
        String bad = file("bad-both.conf", "haap.aggregation-point.backlog = 0\n"
                + "haap.gateway.wan = [{ name = DSL, interface = dsl0, source = \"198.51.100.2\", cookie = x }]\n");
        assertEquals(78, run(bad));
        assertEquals("", out());
        assertEquals(bad + ": haap.aggregation-point.backlog: 0 (expected: >= 1)\n"
                + bad + ": haap.gateway.aggregation-point: missing (expected: host:port of the aggregation point)\n"
                + bad + ": haap.gateway.wan[0].cookie: unknown key (expected: one of backup, interface, name, probe-interval, source, source6, table)\n"
                + bad + ": haap.gateway.wan[0].name: DSL (expected: 1..16 characters of a-z, 0-9, '_' and '-', starting with a letter or digit)\n",
                err());
    }

    @Test
    void badFileExitsWithExConfigAndEveryError() throws IOException {
        String bad = file("bad.conf", "haap.aggregation-point {\n  timeouts.header = -1s\n  listen = [\"gw.example:5124\"]\n}\n");
        assertEquals(78, run(bad));
        assertEquals("", out());
        assertEquals(bad + ": haap.aggregation-point.listen: gw.example:5124 (expected: a literal IP address, not a host name)\n"
                + bad + ": haap.aggregation-point.timeouts.header: -1s (expected: > 0)\n", err());
    }

    @Test
    void unknownSectionIsAnError() throws IOException {
        String typo = file("typo.conf", "haap.agregation-point.backlog = 10\n");
        assertEquals(78, run(typo));
        assertEquals(typo + ": haap.agregation-point: unknown key (did you mean 'aggregation-point'?)\n", err());
    }

    @Test
    void fileWithoutHaapSectionIsAnError() throws IOException {
        String empty = file("empty.conf", "other.library.setting = 1\n");
        assertEquals(78, run(empty));
        assertEquals(empty + ": haap: no section (expected: one of haap.aggregation-point, haap.gateway)\n", err());
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws IOException {
        String broken = file("broken.conf", "haap.aggregation-point {\n  backlog = 10\n  listen = [\n}\n");
        assertEquals(78, run(broken));
        assertTrue(err().startsWith(broken + ":4: "), err());
    }

    @Test
    void missingFileIsAConfigError() {
        String missing = dir.resolve("missing.conf").toString();
        assertEquals(78, run(missing));
        assertEquals(missing + ": file not found\n", err());
    }

    @Test
    void oneBadFileFailsTheRun() throws IOException {
        String good = file("good.conf", "haap.aggregation-point.backlog = 10\n");
        String bad = file("bad.conf", "haap.aggregation-point.backlog = 0\n");
        assertEquals(78, run(good, bad));
        assertTrue(out().startsWith(good + ": ok (aggregation-point)\n"), out());
        assertEquals(bad + ": haap.aggregation-point.backlog: 0 (expected: >= 1)\n", err());
    }

    @Test
    void helpAndUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: check-config FILE..."), out());
        assertEquals(CheckConfig.USAGE_EXIT_CODE, run());
        assertTrue(err().startsWith("usage: check-config FILE..."), err());
    }
}
