package org.haap.core.testing;

import java.util.Objects;

/**
 * Virtual Ethernet links between {@link Netns} namespaces. Interfaces are created directly
 * inside their namespaces, so their names only need to be unique there; they disappear with
 * the namespace.
 */
public final class Veth {

    private Veth() {
    }

    /**
     * Creates a veth pair {@code ifA} (in {@code a}) — {@code ifB} (in {@code b}), gives each
     * end its address with prefix length (IPv4 like {@code "10.1.0.1/24"} or IPv6 like {@code
     * "fd00:1::1/64"}, added without duplicate address detection; {@code null} for none) and
     * sets both ends up.
     */
    public static void link(Netns a, String ifA, String addrA, Netns b, String ifB, String addrB) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        a.ip("link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name());
        configure(a, ifA, addrA);
        configure(b, ifB, addrB);
    }

    /** Adds another address to an interface of {@code ns}. */
    public static void addAddress(Netns ns, String dev, String addr) {
        if (addr.contains(":")) {
            ns.ip("addr", "add", addr, "dev", dev, "nodad");
        } else {
            ns.ip("addr", "add", addr, "dev", dev);
        }
    }

    private static void configure(Netns ns, String dev, String addr) {
        if (addr != null) {
            addAddress(ns, dev, addr);
        }
        ns.ip("link", "set", dev, "up");
    }
}
