package org.haap.loadtest.failover;

import java.util.ArrayList;
import java.util.List;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;

/**
 * Injects and removes a {@link Fault} on the testbed's DSL link:
 * <ul>
 *   <li>{@link Fault#LINK_DOWN}: {@code ip link set dsl down} in the CPE namespace; the
 *       repair brings the link up and puts back what the kernel removed with it, as a
 *       router's DSL client does when the line resyncs: the IPv6 address and the routes
 *       over DSL (its policy-routing table and, when DSL is the profile's default WAN, the
 *       main default route);</li>
 *   <li>{@link Fault#BLACKHOLE}: {@link Testbed#setLinkUp}{@code (DSL, false)}: the DSL
 *       router drops every packet in both directions (100 % loss) while every interface
 *       stays up; the repair is {@code setLinkUp(DSL, true)}.</li>
 * </ul>
 */
final class FaultInjector {

    private static final Wan WAN = Wan.DSL;

    private final Testbed testbed;
    private final Profile profile;

    FaultInjector(Testbed testbed, Profile profile) {
        this.testbed = testbed;
        this.profile = profile;
    }

    /** Injects {@code fault}; returns once it is in effect. */
    void inject(Fault fault) {
        switch (fault) {
            case LINK_DOWN -> testbed.exec(Node.CPE, "ip", "link", "set", WAN.interfaceName(), "down").check();
            case BLACKHOLE -> testbed.setLinkUp(WAN, false);
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Removes {@code fault}; returns once DSL can carry traffic again. */
    void restore(Fault fault) {
        switch (fault) {
            case LINK_DOWN -> testbed.exec(Node.CPE, "sh", "-c", String.join(" && ", linkUpCommands())).check();
            case BLACKHOLE -> testbed.setLinkUp(WAN, true);
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Whatever state the link is in, puts it back as the testbed made it (for teardown and retries). */
    void restoreAll() {
        testbed.exec(Node.CPE, "sh", "-c", String.join(" && ", linkUpCommands())).check();
        testbed.setLinkUp(WAN, true);
    }

    /** The commands that bring DSL up with its address and routes, idempotent. */
    List<String> linkUpCommands() {
        String dev = WAN.interfaceName();
        int table = WAN.table();
        String v4 = WAN.cpeAddress();
        String net4 = v4.substring(0, v4.lastIndexOf('.') + 1) + "0/24";
        String v6 = WAN.cpeAddress6();
        String net6 = v6.substring(0, v6.lastIndexOf(':') + 1) + "/64";
        List<String> c = new ArrayList<>();
        c.add("ip link set " + dev + " up");
        c.add("ip -6 addr replace " + v6 + "/64 dev " + dev + " nodad");
        c.add("ip route replace " + net4 + " dev " + dev + " src " + v4 + " table " + table);
        c.add("ip route replace default via " + WAN.routerAddress() + " dev " + dev + " table " + table);
        c.add("ip -6 route replace " + net6 + " dev " + dev + " table " + table);
        c.add("ip -6 route replace default via " + WAN.routerAddress6() + " dev " + dev + " table " + table);
        if (profile.defaultWan() == WAN) {
            c.add("ip route replace default via " + WAN.routerAddress() + " dev " + dev);
            c.add("ip -6 route replace default via " + WAN.routerAddress6() + " dev " + dev);
        }
        return c;
    }
}
