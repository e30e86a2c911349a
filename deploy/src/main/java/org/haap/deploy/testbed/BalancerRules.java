package org.haap.deploy.testbed;

import java.util.List;

/**
 * The nftables rules of the scale-out testbed's load balancer, built the way kube-proxy's
 * nftables mode builds a Service: new TCP flows to the shared address and port jump to a
 * service chain that picks an endpoint chain with {@code numgen random mod N vmap} (or, in
 * {@link Pick#HASH}, {@code jhash} of the client address and port), and the endpoint chain
 * DNATs to the node; conntrack keeps every later packet of the flow on that node, so a
 * rule change moves only new flows. With no endpoint the service rejects (TCP reset, ICMP
 * port unreachable), as kube-proxy does for a Service without ready endpoints.
 *
 * <p>UDP to the same port (the gateways' link probes to the AP's responder) is balanced
 * statelessly instead: {@code jhash} of the client address and port picks the node and
 * the destination is rewritten without conntrack, the node's answers get the shared
 * address back. A probe flow therefore follows the current endpoint set at once, where a
 * conntrack entry would keep it on a dead node for as long as probes keep it alive
 * (kube-proxy deletes such UDP entries with {@code conntrack -D}).
 *
 * <p>Loading the text replaces the whole table atomically ({@code nft -f}).
 */
public final class BalancerRules {

    /** The table's name (family {@code ip}). */
    public static final String TABLE = "haap-lb";

    /** How the service chain picks an endpoint for a new flow. */
    public enum Pick {
        /** {@code numgen random mod N}, kube-proxy's choice. */
        RANDOM,
        /** {@code jhash ip saddr . tcp sport mod N}: the same client port always lands on the same node. */
        HASH
    }

    /** One endpoint: a name for the chain ({@code [a-z0-9]+}) and the node's address. */
    public record Endpoint(String name, String address) {
        /** Checks the name and that the address is dotted IPv4. */
        public Endpoint {
            if (!name.matches("[a-z0-9]{1,20}")) {
                throw new IllegalArgumentException("endpoint name: " + name + " (expected: [a-z0-9]{1,20})");
            }
            if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException("endpoint address: " + address + " (expected: dotted IPv4)");
            }
        }
    }

    private BalancerRules() {
    }

    /**
     * The table for the shared address {@code vip} and {@code port}, balancing over
     * {@code endpoints} (in order; may be empty) with {@code pick}.
     */
    public static String render(String vip, int port, List<Endpoint> endpoints, Pick pick) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        int n = endpoints.size();
        StringBuilder b = new StringBuilder()
                .append("table ip ").append(TABLE).append('\n')
                .append("delete table ip ").append(TABLE).append('\n')
                .append("table ip ").append(TABLE).append(" {\n");
        // UDP: stateless, before conntrack sees the packet
        b.append("  chain raw {\n")
                .append("    type filter hook prerouting priority raw; policy accept;\n")
                .append("    ip daddr ").append(vip).append(" udp dport ").append(port).append(" notrack\n");
        if (n > 0) {
            b.append("    ip saddr ").append(set(endpoints)).append(" udp sport ").append(port)
                    .append(" notrack ip saddr set ").append(vip).append('\n');
            b.append("    ip daddr ").append(vip).append(" udp dport ").append(port)
                    .append(" ip daddr set jhash ip saddr . udp sport mod ").append(n).append(" map { ");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(i).append(" : ").append(endpoints.get(i).address());
            }
            b.append(" }\n");
        }
        b.append("  }\n");
        // TCP: kube-proxy's shape
        b.append("  chain prerouting {\n")
                .append("    type nat hook prerouting priority dstnat; policy accept;\n")
                .append("    ip daddr ").append(vip).append(" tcp dport ").append(port).append(" goto service\n")
                .append("  }\n");
        b.append("  chain service {\n");
        if (n == 0) {
            b.append("    reject with tcp reset\n");
        } else {
            b.append("    ").append(pick == Pick.RANDOM ? "numgen random" : "jhash ip saddr . tcp sport")
                    .append(" mod ").append(n).append(" vmap { ");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(i).append(" : goto endpoint-").append(endpoints.get(i).name());
            }
            b.append(" }\n");
        }
        b.append("  }\n");
        for (Endpoint e : endpoints) {
            b.append("  chain endpoint-").append(e.name()).append(" {\n")
                    .append("    meta l4proto tcp dnat to ").append(e.address()).append(':').append(port).append('\n')
                    .append("  }\n");
        }
        return b.append("}\n").toString();
    }

    private static String set(List<Endpoint> endpoints) {
        StringBuilder b = new StringBuilder("{ ");
        for (int i = 0; i < endpoints.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(endpoints.get(i).address());
        }
        return b.append(" }").toString();
    }
}
