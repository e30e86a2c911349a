package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ProfileTest {

    @Test
    void builtInProfilesMatchTheIssue() {
        assertEquals(16, Profile.DEFAULT.dsl().rateMbit());
        assertEquals(20, Profile.DEFAULT.dsl().rttMs());
        assertEquals(24, Profile.DEFAULT.lte().rateMbit());
        assertEquals(40, Profile.DEFAULT.lte().rttMs());
        assertEquals(Wan.DSL, Profile.DEFAULT.defaultWan());
        Profile robe = Profile.byName("robe-paper");
        assertEquals(10, robe.dsl().rateMbit());
        assertEquals(10, robe.lte().rateMbit());
        assertEquals(20, robe.dsl().rttMs());
        assertEquals(40, robe.lte().rttMs());
        assertEquals(Wan.LTE, robe.defaultWan());
        assertFalse(Profile.FAST.dsl().shaped() || Profile.FAST.dsl().delayed());
        assertThrows(IllegalArgumentException.class, () -> Profile.byName("nope"));
    }

    @Test
    void linkSpecValidatesAndRoundTrips() {
        assertThrows(IllegalArgumentException.class, () -> new LinkSpec(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinkSpec(0, 0, 101, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinkSpec(0, 0, 0, -1));
        LinkSpec s = new LinkSpec(16, 10, 3, 50);
        assertEquals(s, LinkSpec.decode(s.encode()));
        assertEquals(new LinkSpec(16, 10, 7, 50), s.withLoss(7));
    }

    @Test
    void lossRulesUseNumgenBelowOneHundredAndPlainDropAtOneHundred() {
        String some = LossRules.render(new LinkSpec(0, 0, 5, 30), true);
        assertTrue(some.contains("tcp flags & (syn | ack) == syn numgen random mod 100 < 30 drop"), some);
        String all = LossRules.render(new LinkSpec(0, 0, 0, 100), true);
        assertTrue(all.contains("tcp flags & (syn | ack) == syn drop"), all);
        assertFalse(all.contains("numgen"), all);
        String down = LossRules.render(LinkSpec.UNLIMITED, false);
        assertTrue(down.contains("    counter name \"dropped\" drop\n"), down);
        assertTrue(some.contains("numgen random mod 100 < 5 counter name \"dropped\" drop"), some);
        assertTrue(some.contains("    counter name \"seen\"\n"), some);
        assertFalse(LossRules.render(LinkSpec.UNLIMITED, true).contains("drop\n  }"));
    }

    @Test
    void nftPacketCountIsParsedAndItsAbsenceIsAnError() {
        String out = "table inet haap-link {\n\tcounter dropped {\n\t\tpackets 1234 bytes 98765\n\t}\n}\n";
        assertEquals(1234, LossRules.parseNftPackets(out));
        assertThrows(TestbedException.class, () -> LossRules.parseNftPackets("Error: No such file or directory"));
    }

    @Test
    void linkLossIsTheDroppedShareOfAnInterval() {
        LinkLoss d = new LinkLoss(10_300, 130).minus(new LinkLoss(300, 30));
        assertEquals(new LinkLoss(10_000, 100), d);
        assertEquals(1.0, d.percent(), 1e-9);
        assertTrue(Double.isNaN(new LinkLoss(0, 0).percent()));
    }

    @Test
    void anAllowedCongestionControlIsAppendedOnlyWhenMissing() {
        assertEquals("reno bbr cubic", Testbed.withAllowed("reno bbr\n", "cubic"));
        assertEquals("reno cubic bbr", Testbed.withAllowed("reno cubic bbr", "cubic"));
        assertEquals("cubic", Testbed.withAllowed("", "cubic"));
    }

    @Test
    void wanAddressesFollowThePlan() {
        assertEquals("198.18.10.2", Wan.DSL.cpeAddress());
        assertEquals("198.18.20.1", Wan.LTE.routerAddress());
        assertEquals("2001:db8:20::2", Wan.LTE.cpeAddress6());
        assertEquals(4, Wan.LTE.downstreamQueue());
        assertEquals(Wan.LTE, Wan.of("LTE"));
    }

    @Test
    void cliPrintsHelpAndRejectsBadArguments() {
        Testbed tb = new Testbed("haapt-cli-", Path.of("/nonexistent"), "java", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, TestbedMain.run(new String[] {"--help"}, tb, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("robe-paper"));
        assertEquals(2, TestbedMain.run(new String[] {"up", "--profile", "nope"}, tb, o, e));
        assertEquals(2, TestbedMain.run(new String[] {}, tb, o, e));
        assertEquals(2, TestbedMain.run(new String[] {"up", "down"}, tb, o, e));
        assertThrows(IllegalArgumentException.class, () -> new Testbed("bad", Path.of("/x"), "java", ""));
    }

    @Test
    void delayLineMainRejectsBadArguments() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, DelayLineMain.run(new String[] {}, sink, sink));
        assertEquals(2, DelayLineMain.run(new String[] {"--queue", "1"}, sink, sink));
        assertEquals(2, DelayLineMain.run(new String[] {"--delay-ms", "1"}, sink, sink));
        assertEquals(2, DelayLineMain.run(new String[] {"--queue", "70000", "--delay-ms", "1"}, sink, sink));
        assertEquals(0, DelayLineMain.run(new String[] {"--help"}, sink, sink));
    }
}
