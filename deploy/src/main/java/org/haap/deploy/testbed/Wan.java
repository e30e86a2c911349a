package org.haap.deploy.testbed;

import java.util.Locale;

/**
 * The testbed's two WAN links. Each has a router namespace ({@link #node()}), an
 * interface of that name in the CPE namespace, a CPE-side address with its own routing
 * table, and two netfilter queue numbers (one per direction) for its {@link DelayLine}.
 */
public enum Wan {
    /** The DSL link: 198.18.10.0/24, routing table 10. */
    DSL(Node.DSL, 10, 1),
    /** The LTE link: 198.18.20.0/24, routing table 20. */
    LTE(Node.LTE, 20, 3);

    private final Node node;
    private final int table;
    private final int upQueue;

    Wan(Node node, int table, int upQueue) {
        this.node = node;
        this.table = table;
        this.upQueue = upQueue;
    }

    /** The router namespace of this link. */
    public Node node() {
        return node;
    }

    /** The interface name in the CPE namespace ({@code dsl} or {@code lte}). */
    public String interfaceName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The CPE's routing table for traffic from this WAN's address (10 or 20). */
    public int table() {
        return table;
    }

    /** The netfilter queue for packets from the CPE towards the AP. */
    public int upstreamQueue() {
        return upQueue;
    }

    /** The netfilter queue for packets from the AP towards the CPE. */
    public int downstreamQueue() {
        return upQueue + 1;
    }

    /** The CPE's address on this WAN, for example {@code 198.18.10.2}. */
    public String cpeAddress() {
        return AddressPlan.v4(table, 2);
    }

    /** The CPE's IPv6 address on this WAN, for example {@code 2001:db8:10::2}. */
    public String cpeAddress6() {
        return AddressPlan.v6(table, 2);
    }

    /** The router's address towards the CPE (the CPE's gateway on this WAN). */
    public String routerAddress() {
        return AddressPlan.v4(table, 1);
    }

    /** The router's IPv6 address towards the CPE. */
    public String routerAddress6() {
        return AddressPlan.v6(table, 1);
    }

    /** The router's address towards the AP. */
    String routerApAddress() {
        return AddressPlan.v4(table + 1, 1);
    }

    String routerApAddress6() {
        return AddressPlan.v6(table + 1, 1);
    }

    /** The AP's address on the link to this router. */
    String apAddress() {
        return AddressPlan.v4(table + 1, 2);
    }

    String apAddress6() {
        return AddressPlan.v6(table + 1, 2);
    }

    /** Parses {@code dsl} or {@code lte} (any case). */
    public static Wan of(String name) {
        for (Wan w : values()) {
            if (w.interfaceName().equalsIgnoreCase(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("wan: " + name + " (expected: dsl or lte)");
    }
}
