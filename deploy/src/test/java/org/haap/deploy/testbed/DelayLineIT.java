package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The delay line on the real kernel, in a private testbed ({@code haapt-xxxx-*}): DSL
 * delayed 10 ms and LTE 2.5 ms each way, nothing shaped. Proves the delay matches the
 * configured RTT (fastest TCP connect of a series, see {@link Probes#assertRtt}), prints the throughput one
 * delayed link carries, and shows the link fails closed when its delay line dies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DelayLineIT {

    private static final int PORT = 5301;
    private static final Profile DELAYED = new Profile("delay-test",
            new LinkSpec(0, 10, 0, 0), new LinkSpec(0, 2.5, 0, 0), Wan.DSL);

    private static Testbed testbed;
    private static Probes probes;

    @BeforeAll
    static void up() throws Exception {
        NetnsPrerequisites.require();
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36)
                .toLowerCase(Locale.ROOT);
        testbed = Testbed.withPrefix("haapt-" + suffix + "-");
        testbed.up(DELAYED);
        probes = new Probes(testbed);
        probes.serve(Node.SERVER, PORT);
    }

    @AfterAll
    static void down() {
        if (testbed != null) {
            testbed.down();
            assertTrue(testbed.status().isEmpty(), "nothing left of " + testbed.prefix());
        }
    }

    @Test
    @Order(1)
    void delayMatchesTheConfiguredRtt() {
        Probes.Rtt dsl = probes.connectRtt(Node.CLIENT, AddressPlan.SERVER, PORT, null, 60);
        Probes.Rtt lte = probes.connectRtt(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 60);
        Probes.Rtt dsl6 = probes.connectRtt(Node.CLIENT, AddressPlan.SERVER6, PORT, null, 30);
        System.out.printf("delay line: connect RTT dsl %s (configured 20), lte %s (configured 5), dsl IPv6 %s%n",
                dsl, lte, dsl6);
        Probes.assertRtt(20.0, dsl, "DSL RTT");
        Probes.assertRtt(5.0, lte, "LTE RTT");
        Probes.assertRtt(20.0, dsl6, "DSL RTT over IPv6");
    }

    @Test
    @Order(2)
    void carriesHighRatesThroughOneDelayedLink() {
        double mbit = probes.sendMbit(Node.CLIENT, AddressPlan.SERVER, PORT, null, 4);
        // A measurement, not a correctness property of this machine's CPU: printed, never asserted.
        System.out.printf("delay line: %.1f Mbit/s through dsl (10 ms each way, unshaped)%n", mbit);
        assertTrue(mbit > 0);
    }

    @Test
    @Order(3)
    void linkDropsWhenItsDelayLineDies() throws Exception {
        List<Long> pids = testbed.status().namespaces().get(testbed.namespace(Node.DSL));
        assertEquals(1, pids.size(), "one delay line in the DSL router: " + pids);
        ProcessHandle delayLine = ProcessHandle.of(pids.get(0)).orElseThrow();
        delayLine.destroyForcibly();
        delayLine.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(probes.connects(Node.CLIENT, AddressPlan.SERVER, PORT, null, 1000),
                "no connect through a link whose delay line is gone");
        assertTrue(probes.connects(Node.CPE, AddressPlan.SERVER, PORT, Wan.LTE.cpeAddress(), 3000),
                "the other link still works");
    }
}
