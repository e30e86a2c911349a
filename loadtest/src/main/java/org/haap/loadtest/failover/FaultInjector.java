package org.haap.loadtest.failover;

import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;

/**
 * Injects and removes a {@link Fault} on the testbed's DSL link:
 * <ul>
 *   <li>{@link Fault#LINK_DOWN}: {@link Testbed#setInterfaceUp}{@code (DSL, false)}, i.e.
 *       {@code ip link set dsl down} in the CPE namespace; the repair brings the link up and
 *       puts back what the kernel removed with it, as a router's DSL client does when the
 *       line resyncs: the addresses and the routes over DSL;</li>
 *   <li>{@link Fault#BLACKHOLE}: {@link Testbed#setLinkUp}{@code (DSL, false)}: the DSL
 *       router drops every packet in both directions (100 % loss) while every interface
 *       stays up; the repair is {@code setLinkUp(DSL, true)}.</li>
 * </ul>
 */
final class FaultInjector {

    private static final Wan WAN = Wan.DSL;

    private final Testbed testbed;

    FaultInjector(Testbed testbed) {
        this.testbed = testbed;
    }

    /** Injects {@code fault}; returns once it is in effect. */
    void inject(Fault fault) {
        switch (fault) {
            case LINK_DOWN -> testbed.setInterfaceUp(WAN, false);
            case BLACKHOLE -> testbed.setLinkUp(WAN, false);
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Removes {@code fault}; returns once DSL can carry traffic again. */
    void restore(Fault fault) {
        switch (fault) {
            case LINK_DOWN -> testbed.setInterfaceUp(WAN, true);
            case BLACKHOLE -> testbed.setLinkUp(WAN, true);
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Whatever state the link is in, puts it back as the testbed made it (for teardown and retries). */
    void restoreAll() {
        testbed.setInterfaceUp(WAN, true);
        testbed.setLinkUp(WAN, true);
    }
}
