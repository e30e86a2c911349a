package org.haap.deploy.testbed;

import java.util.Map;

import org.haap.deploy.testbed.internal.DeployFiles;

/**
 * The testbed's topology as text: the {@code ip -batch} lines of each namespace's links,
 * addresses, routes and policy rules, and the CPE's nft rules, for the address plan of
 * {@link AddressPlan} and {@link Wan}. {@link Testbed#up} feeds them to {@code ip} and
 * {@code nft}; nothing here runs a command.
 */
final class Topology {

    private final String prefix;

    Topology(String prefix) {
        this.prefix = prefix;
    }

    private String namespace(Node node) {
        return prefix + node.suffix();
    }

    /** The {@code ip -batch} lines that create {@code n}'s links (veth pairs to the next namespaces) and addresses. */
    String linksAndAddresses(Node n) {
        StringBuilder b = new StringBuilder("link set lo up\n");
        switch (n) {
            case CLIENT -> {
                b.append("link add eth0 type veth peer name lan netns ").append(namespace(Node.CPE)).append('\n');
                addr(b, "eth0", AddressPlan.CLIENT + "/24", AddressPlan.CLIENT6 + "/64");
            }
            case CPE -> {
                addr(b, "lan", AddressPlan.CPE_LAN + "/24", AddressPlan.CPE_LAN6 + "/64");
                for (Wan w : Wan.values()) {
                    b.append("link add ").append(w.interfaceName()).append(" type veth peer name cpe netns ")
                            .append(namespace(w.node())).append('\n');
                    addr(b, w.interfaceName(), w.cpeAddress() + "/24", w.cpeAddress6() + "/64");
                }
            }
            case DSL, LTE -> {
                Wan w = n == Node.DSL ? Wan.DSL : Wan.LTE;
                b.append("link add ap type veth peer name ").append(w.interfaceName()).append(" netns ")
                        .append(namespace(Node.AP)).append('\n');
                addr(b, "cpe", w.routerAddress() + "/24", w.routerAddress6() + "/64");
                addr(b, "ap", w.routerApAddress() + "/24", w.routerApAddress6() + "/64");
            }
            case AP -> {
                b.append("addr add ").append(AddressPlan.AP).append("/32 dev lo\n");
                b.append("addr add ").append(AddressPlan.AP6).append("/128 dev lo\n");
                b.append("link add srv type veth peer name eth0 netns ").append(namespace(Node.SERVER)).append('\n');
                for (Wan w : Wan.values()) {
                    addr(b, w.interfaceName(), w.apAddress() + "/24", w.apAddress6() + "/64");
                }
                addr(b, "srv", AddressPlan.AP_SERVER_NET + "/24", AddressPlan.AP_SERVER_NET6 + "/64");
            }
            case SERVER -> addr(b, "eth0", AddressPlan.SERVER + "/24", AddressPlan.SERVER6 + "/64");
            default -> throw new IllegalStateException("unknown node " + n);
        }
        return b.toString();
    }

    private static void addr(StringBuilder b, String dev, String v4, String v6) {
        b.append("addr add ").append(v4).append(" dev ").append(dev).append('\n');
        b.append("addr add ").append(v6).append(" dev ").append(dev).append(" nodad\n");
        b.append("link set ").append(dev).append(" up\n");
    }

    /** The {@code ip -batch} lines of {@code n}'s routes (and the CPE's IPv4 policy rules). */
    String routes(Node n, Wan defaultWan) {
        StringBuilder b = new StringBuilder();
        switch (n) {
            case CLIENT -> defaults(b, AddressPlan.CPE_LAN, AddressPlan.CPE_LAN6, null);
            case CPE -> {
                for (Wan w : Wan.values()) {
                    wanRoutes(b, w, "add");
                    b.append("rule add from ").append(w.cpeAddress()).append(" lookup ").append(w.table())
                            .append(" pref ").append(1000 + w.table()).append('\n');
                }
                defaults(b, defaultWan.routerAddress(), defaultWan.routerAddress6(), defaultWan.interfaceName());
            }
            case DSL, LTE -> {
                Wan w = n == Node.DSL ? Wan.DSL : Wan.LTE;
                defaults(b, w.apAddress(), w.apAddress6(), "ap");
            }
            case AP -> {
                for (Wan w : Wan.values()) {
                    b.append("route add ").append(AddressPlan.v4(w.table(), 0)).append("/24 via ")
                            .append(w.routerApAddress()).append('\n');
                    b.append("route add ").append(AddressPlan.v6(w.table(), 0)).append("/64 via ")
                            .append(w.routerApAddress6()).append('\n');
                }
            }
            case SERVER -> defaults(b, AddressPlan.AP_SERVER_NET, AddressPlan.AP_SERVER_NET6, null);
            default -> throw new IllegalStateException("unknown node " + n);
        }
        return b.toString();
    }

    /** The routes of {@code w}'s policy-routing table in the CPE ({@code verb}: add or replace). */
    private static void wanRoutes(StringBuilder b, Wan w, String verb) {
        String dev = w.interfaceName();
        int t = w.table();
        b.append("route ").append(verb).append(' ').append(AddressPlan.v4(t, 0)).append("/24 dev ").append(dev)
                .append(" src ").append(w.cpeAddress()).append(" table ").append(t).append('\n');
        b.append("route ").append(verb).append(" default via ").append(w.routerAddress()).append(" dev ").append(dev)
                .append(" table ").append(t).append('\n');
        b.append("route ").append(verb).append(' ').append(AddressPlan.v6(t, 0)).append("/64 dev ").append(dev)
                .append(" table ").append(t).append('\n');
        b.append("route ").append(verb).append(" default via ").append(w.routerAddress6()).append(" dev ").append(dev)
                .append(" table ").append(t).append('\n');
    }

    private static void defaults(StringBuilder b, String via4, String via6, String dev) {
        String d = dev == null ? "" : " dev " + dev;
        b.append("route add default via ").append(via4).append(d).append('\n');
        b.append("route add default via ").append(via6).append(d).append('\n');
    }

    /** The CPE's IPv6 policy rules, one table per WAN. */
    static String cpeRules6() {
        StringBuilder b = new StringBuilder();
        for (Wan w : Wan.values()) {
            b.append("rule add from ").append(w.cpeAddress6()).append(" lookup ").append(w.table())
                    .append(" pref ").append(1000 + w.table()).append('\n');
        }
        return b.toString();
    }

    /** The gateway's nft rules from {@code deploy/nftables/haap-gateway.nft} with the testbed's values. */
    static String gatewayRules() {
        return DeployFiles.substituteDefines(DeployFiles.read("nftables/haap-gateway.nft"), Map.of(
                "LAN_IF", "\"lan\"",
                "AP_V4", AddressPlan.AP,
                "AP_V6", AddressPlan.AP6,
                "TPROXY_PORT", Integer.toString(AddressPlan.GATEWAY_TPROXY_PORT)));
    }

    /**
     * Source NAT of LAN traffic leaving over a WAN, as every home router does: it gives the
     * testbed a route-only path (client to server without the gateway), and it is what a
     * real CPE does with the traffic the gateway does not intercept.
     */
    static String cpeMasquerade() {
        return "table inet haap-testbed\n"
                + "delete table inet haap-testbed\n"
                + "table inet haap-testbed {\n"
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    ip saddr 198.18.1.0/24 oifname { \"dsl\", \"lte\" } masquerade\n"
                + "    ip6 saddr 2001:db8:1::/64 oifname { \"dsl\", \"lte\" } masquerade\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * The {@code ip -batch} lines that bring the CPE's interface of {@code wan} up with its
     * addresses, its policy-routing table and, when it is the default WAN, the main default
     * routes; idempotent.
     */
    static String interfaceUpBatch(Wan wan, boolean defaultWan) {
        String dev = wan.interfaceName();
        StringBuilder b = new StringBuilder();
        b.append("link set ").append(dev).append(" up\n");
        // An IPv6 address may be flushed with the link (keep_addr_on_down = 0): put both back.
        b.append("addr replace ").append(wan.cpeAddress()).append("/24 dev ").append(dev).append('\n');
        b.append("addr replace ").append(wan.cpeAddress6()).append("/64 dev ").append(dev).append(" nodad\n");
        wanRoutes(b, wan, "replace");
        if (defaultWan) {
            b.append(defaultRoutes(wan));
        }
        return b.toString();
    }

    /** The {@code ip -batch} lines that make {@code wan} the CPE's default route (main table, IPv4 and IPv6). */
    static String defaultRoutes(Wan wan) {
        String dev = wan.interfaceName();
        return "route replace default via " + wan.routerAddress() + " dev " + dev + '\n'
                + "route replace default via " + wan.routerAddress6() + " dev " + dev + '\n';
    }
}
