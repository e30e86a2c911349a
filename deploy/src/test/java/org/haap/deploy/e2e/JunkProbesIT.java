package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.probe.ProbeFormat;
import org.haap.core.sys.NetworkNamespace;
import org.haap.deploy.demo.ProxyPair;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Junk probes spoofed from a gateway's WAN address (issue 12, defect 4: the responder charged
 * the per-source rate before checking the MAC, so 50 junk packets/s starved the gateway's
 * own probes and its link monitor declared a healthy WAN down). In a private testbed
 * ({@code haapt-xxxx-*}, {@code default} profile, demo configs: 200 ms probes, at most 20
 * answered per second per source), a socket in the CPE namespace bound to the gateway's DSL
 * address sends 100 junk datagrams per second for 10 s to the AP's probe port, half of them
 * well-formed probes with a wrong MAC, half random bytes. The gateway's link state must not
 * change (both WANs up throughout, no state change counted), the AP must count every junk
 * datagram as rejected (auth or malformed) and none of the gateway's probes as over the rate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JunkProbesIT {

    private static final int JUNK_PER_SECOND = 100;
    private static final Duration JUNK_FOR = Duration.ofSeconds(10);

    private Testbed testbed;
    private ProxyPair proxies;

    @BeforeAll
    void setUp() {
        E2ePrerequisites.requirePair();
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36)
                .toLowerCase(Locale.ROOT);
        testbed = Testbed.withPrefix("haapt-" + suffix + "-");
        testbed.up(Profile.DEFAULT, line -> System.out.println("testbed: " + line));
        proxies = ProxyPair.start(testbed);
    }

    @AfterAll
    void tearDown() {
        if (testbed == null) {
            return;
        }
        if (proxies != null) {
            proxies.close();
        }
        testbed.down();
        assertTrue(testbed.status().isEmpty(), () -> "left behind: " + testbed.status());
    }

    @Test
    void junkFromTheGatewaysAddressLeavesItsLinkStateUnchanged() throws Exception {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> state("dsl", "up") == 1 && state("lte", "up") == 1
                        && sample(proxies.gatewayMetrics(), "haap_gateway_wan_probe_rtt_seconds_count") >= 10);
        String gatewayBefore = proxies.gatewayMetrics();
        String apBefore = proxies.apMetrics();
        assertEquals(0, sample(gatewayBefore, "haap_gateway_wan_state_changes_total"), "stable before the junk");

        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName(Wan.DSL.cpeAddress()), 0);
        InetSocketAddress probePort = new InetSocketAddress(InetAddress.getByName(AddressPlan.AP), AddressPlan.AP_PORT);
        AtomicInteger sent = new AtomicInteger();
        List<String> notUp = new ArrayList<>();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try (DatagramChannel junk = NetworkNamespace.call(testbed.namespace(Node.CPE),
                () -> DatagramChannel.open().bind(source))) {
            ScheduledFuture<?> sending = sender.scheduleAtFixedRate(() -> {
                try {
                    junk.send(junk(sent.get()), probePort);
                    sent.incrementAndGet();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 1_000_000 / JUNK_PER_SECOND, TimeUnit.MICROSECONDS);
            long end = System.nanoTime() + JUNK_FOR.toNanos();
            while (System.nanoTime() < end) {
                String g = proxies.gatewayMetrics(); // the link state, observed while the junk flows
                for (String wan : List.of("dsl", "lte")) {
                    if (sample(g, "haap_gateway_wan_state{state=\"up\",wan=\"" + wan + "\"}") != 1) {
                        notUp.add(wan + " after " + sent.get() + " junk datagrams");
                    }
                }
                Thread.sleep(200); // a sampling interval, not a wait for a condition
            }
            sending.cancel(false);
        } finally {
            sender.shutdownNow();
            sender.awaitTermination(5, TimeUnit.SECONDS);
        }
        int junkSent = sent.get();
        // the AP counts the junk as it arrives; give the last datagrams time to cross the delay line
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> junkRejected(apBefore, proxies.apMetrics()) >= junkSent);
        } catch (org.awaitility.core.ConditionTimeoutException notAll) {
            // asserted below, with the figures
        }
        String gatewayAfter = proxies.gatewayMetrics();
        String apAfter = proxies.apMetrics();

        double auth = rejected(apAfter, "auth") - rejected(apBefore, "auth");
        double malformed = rejected(apAfter, "malformed") - rejected(apBefore, "malformed");
        double answered = sample(apAfter, "haap_ap_probes_answered_total") - sample(apBefore,
                "haap_ap_probes_answered_total");
        double lostDsl = lost(gatewayAfter, "dsl") - lost(gatewayBefore, "dsl");
        double lostLte = lost(gatewayAfter, "lte") - lost(gatewayBefore, "lte");
        System.out.printf(Locale.ROOT, "junk probes: %d sent from %s in %d s; AP rejected auth %.0f, malformed %.0f,"
                + " rate %.0f, client %.0f; answered %.0f gateway probes; gateway lost dsl %.0f, lte %.0f;"
                + " state changes %.0f%n",
                junkSent, Wan.DSL.cpeAddress(), JUNK_FOR.toSeconds(), auth, malformed,
                rejected(apAfter, "rate") - rejected(apBefore, "rate"),
                rejected(apAfter, "client") - rejected(apBefore, "client"), answered, lostDsl, lostLte,
                sample(gatewayAfter, "haap_gateway_wan_state_changes_total"));

        assertTrue(junkSent >= JUNK_PER_SECOND * JUNK_FOR.toSeconds() * 9 / 10, "sent " + junkSent);
        assertEquals(junkSent, auth + malformed, 0.0, "every junk datagram rejected before the rate");
        assertTrue(auth > 0 && malformed > 0, "both kinds of junk arrived");
        assertEquals(rejected(apBefore, "rate"), rejected(apAfter, "rate"), 0.0,
                "no gateway probe over the rate");
        assertEquals(List.of(), notUp, "a WAN was not up while the junk flowed");
        assertEquals(0, sample(gatewayAfter, "haap_gateway_wan_state_changes_total"), "link state changed");
        // 2 WANs x 5 probes/s for 10 s; the bound is loose because the machine is shared
        assertTrue(answered >= 50, "gateway probes answered while the junk flowed: " + answered);
    }

    /** Junk number {@code n}: a well-formed probe with a random MAC (even n) or 40 random bytes (odd n). */
    private static ByteBuffer junk(int n) {
        byte[] packet = new byte[ProbeFormat.LENGTH];
        ThreadLocalRandom.current().nextBytes(packet);
        if (n % 2 == 0) {
            byte[] header = ProbeFormat.header(ProbeFormat.TYPE_PROBE, n, System.nanoTime());
            System.arraycopy(header, 0, packet, 0, header.length);
        } else {
            packet[0] = 0; // never the magic
        }
        return ByteBuffer.wrap(packet);
    }

    private double state(String wan, String state) {
        return sample(proxies.gatewayMetrics(), "haap_gateway_wan_state{state=\"" + state + "\",wan=\"" + wan + "\"}");
    }

    private static double junkRejected(String before, String after) {
        return rejected(after, "auth") + rejected(after, "malformed") - rejected(before, "auth")
                - rejected(before, "malformed");
    }

    private static double rejected(String exposition, String reason) {
        return sample(exposition, "haap_ap_probes_rejected_total{reason=\"" + reason + "\"}");
    }

    private static double lost(String exposition, String wan) {
        return sample(exposition, "haap_gateway_wan_probes_lost_total{wan=\"" + wan + "\"}");
    }

    private static double sample(String exposition, String name) {
        return ProxyPair.sample(exposition, name).orElse(0);
    }
}
