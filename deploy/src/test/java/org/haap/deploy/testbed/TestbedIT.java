package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.haap.deploy.testbed.internal.Commands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's testbed ({@code haap-*}, a machine-wide singleton) on the real kernel:
 * routing end to end without the gateway, shaped rates and delays of the default
 * profile, the robe-paper default route, run-time link changes, and a complete
 * {@code down()} also after processes were killed with SIGKILL.
 */
class TestbedIT {

    private static final int PORT = 5401;
    private static final Testbed TESTBED = Testbed.create();
    private static final Probes PROBES = new Probes(TESTBED);

    @BeforeAll
    static void clean() {
        NetnsPrerequisites.require();
        TESTBED.down();
    }

    @AfterAll
    static void cleanUp() {
        TESTBED.down();
        assertNothingLeft();
    }

    private static void assertNothingLeft() {
        assertTrue(TESTBED.status().isEmpty(), () -> "left behind: " + TESTBED.status());
        String namespaces = Commands.run(List.of("ip", "netns", "list"), null, java.time.Duration.ofSeconds(10)).stdout();
        for (String line : namespaces.split("\n")) {
            assertFalse(line.startsWith(Testbed.DEFAULT_PREFIX), "namespace left: " + line);
        }
        assertEquals(0, ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("-D" + Testbed.TAG_PROPERTY + "=haap-")).orElse(false))
                .count(), "no testbed process left");
    }

    @Test
    void fastProfileRoutesClientToServerWithoutTheGateway() throws Exception {
        TESTBED.up(Profile.FAST);
        assertTrue(TESTBED.status().isComplete());
        PROBES.serve(Node.SERVER, PORT);
        WanCounters before = TESTBED.wanBytes(Wan.DSL);
        assertTrue(PROBES.connects(Node.CLIENT, AddressPlan.SERVER, PORT, null, 3000), "client -> server, IPv4");
        assertTrue(PROBES.connects(Node.CLIENT, AddressPlan.SERVER6, PORT, null, 3000), "client -> server, IPv6");
        assertTrue(PROBES.connects(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 3000), "cpe via lte");
        WanCounters dsl = TESTBED.wanBytes(Wan.DSL).minus(before);
        assertTrue(dsl.txBytes() > 0 && dsl.rxBytes() > 0, "the client's traffic left over dsl: " + dsl);
        assertTrue(TESTBED.exec(Node.CPE, "nft", "list", "table", "inet", "haap").check().stdout()
                .contains("tproxy ip to :15124"), "the gateway's TPROXY rules are loaded from deploy/nftables");
        assertTrue(TESTBED.exec(Node.CPE, "ip", "rule").check().stdout().contains("lookup 100"));
        assertTrue(TESTBED.status().namespaces().get(TESTBED.namespace(Node.DSL)).isEmpty(), "no delay line in fast");

        TESTBED.down();
        assertNothingLeft();
    }

    @Test
    void defaultProfileShapesDelaysAndChangesLinksAtRunTime() throws Exception {
        TESTBED.up(Profile.DEFAULT);
        PROBES.serve(Node.SERVER, PORT);
        PROBES.serve(Node.CPE, PORT);

        Probes.Rtt dslRtt = PROBES.connectRtt(Node.CLIENT, AddressPlan.SERVER, PORT, null, 60);
        Probes.Rtt lteRtt = PROBES.connectRtt(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 40);
        System.out.printf("testbed default: connect RTT dsl %s (20), lte %s (40)%n", dslRtt, lteRtt);
        Probes.assertRtt(20.0, dslRtt, "DSL RTT");
        Probes.assertRtt(40.0, lteRtt, "LTE RTT");

        for (Wan w : Wan.values()) {
            double rate = Profile.DEFAULT.link(w).rateMbit();
            double up = PROBES.sendMbit(Node.CPE, AddressPlan.SERVER, PORT, w.cpeAddress(), 3);
            double down = PROBES.sendMbit(Node.SERVER, w.cpeAddress(), PORT, null, 3);
            System.out.printf("testbed default: %s up %.1f Mbit/s, down %.1f Mbit/s (configured %.0f)%n",
                    w.interfaceName(), up, down, rate);
            assertTrue(up >= 0.7 * rate && up <= 1.05 * rate, w + " upstream " + up);
            assertTrue(down >= 0.7 * rate && down <= 1.05 * rate, w + " downstream " + down);
        }

        TESTBED.setLink(Wan.DSL, Profile.DEFAULT.dsl().withSynLoss(100));
        assertFalse(PROBES.connects(Node.CLIENT, AddressPlan.SERVER, PORT, null, 1000), "every SYN dropped");
        TESTBED.setLink(Wan.DSL, Profile.DEFAULT.dsl());
        assertTrue(PROBES.connects(Node.CLIENT, AddressPlan.SERVER, PORT, null, 3000), "SYN loss removed");
        TESTBED.setLinkUp(Wan.LTE, false);
        assertFalse(TESTBED.status().linksUp().get(Wan.LTE));
        assertFalse(PROBES.connects(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 1000), "lte down");
        assertTrue(PROBES.connects(Node.CLIENT, AddressPlan.SERVER, PORT, null, 3000), "dsl unaffected");
        TESTBED.setLinkUp(Wan.LTE, true);
        assertTrue(PROBES.connects(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 3000), "lte back");
        TESTBED.setLink(Wan.LTE, new LinkSpec(24, 5, 0, 0));
        Probes.Rtt newLte = PROBES.connectRtt(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 40);
        Probes.assertRtt(10.0, newLte, "LTE RTT after changing its delay at run time");
    }

    @Test
    void robePaperProfileRoutesViaLte() {
        TESTBED.up(Profile.ROBE_PAPER);
        assertEquals("robe-paper", TESTBED.status().profile().orElseThrow());
        String route = TESTBED.exec(Node.CPE, "ip", "route", "show", "default").check().stdout();
        assertTrue(route.contains("dev lte"), route);
        assertTrue(TESTBED.exec(Node.DSL, "tc", "qdisc", "show", "dev", "ap").check().stdout().contains("rate 10Mbit"));
    }

    @Test
    void downRemovesEverythingAfterSigkill() throws Exception {
        TESTBED.up(Profile.DEFAULT);
        // What a demo leaves when it is killed with -9: its own processes in the namespaces,
        // and delay lines that may have died too.
        PROBES.serve(Node.AP, PORT);
        PROBES.serve(Node.CPE, PORT);
        List<Long> dslPids = TESTBED.status().namespaces().get(TESTBED.namespace(Node.DSL));
        assertEquals(1, dslPids.size());
        ProcessHandle delayLine = ProcessHandle.of(dslPids.get(0)).orElseThrow();
        delayLine.destroyForcibly();
        delayLine.onExit().get(10, TimeUnit.SECONDS);

        // A fresh instance knows nothing of the one that called up().
        Testbed.create().down();
        assertNothingLeft();
    }
}
