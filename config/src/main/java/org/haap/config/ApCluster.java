package org.haap.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Cluster mode of the aggregation point ({@code haap.aggregation-point.cluster}): many AP
 * nodes share the {@code listen} address behind an L4 load balancer. A node in cluster mode
 * sets the MP_CAPABLE "C" flag ({@code net.mptcp.allow_join_initial_addr_port = 0}: no
 * MP_JOIN to the shared address) and announces its own {@code nodeAddress} (ADD_ADDR, an
 * in-kernel {@code signal} endpoint) on every MPTCP connection, so the gateways' extra
 * subflows reach this node directly and never depend on the balancer's hash.
 *
 * @param enabled whether this AP runs as a cluster node; off, nothing of this record is used
 * @param nodeAddress the address only this node has and announces; present when enabled
 * @param manage true: the AP writes the sysctl, the limit and the endpoint at start (needs
 *     CAP_NET_ADMIN) and removes the endpoint it added when it stops; false: it only checks
 *     them and refuses to start naming what differs
 * @param subflowsLimit the MPTCP limit of extra subflows (joins) accepted per connection, 1..8
 * @param nodePort the port announced with the node address (the kernel listens there for
 *     joins), 0 = the address alone (joins go to the listen port). Needed where the balancer
 *     rewrites the shared address to the node address (kube-proxy, an nft DNAT): the kernel
 *     announces no address that the connection's first subflow already uses, port included
 */
public record ApCluster(boolean enabled, Optional<InetAddress> nodeAddress, boolean manage, int subflowsLimit,
                        int nodePort) {

    /** Cluster mode off (the default). */
    public static final ApCluster OFF = new ApCluster(false, Optional.empty(), true, 8, 0);

    public ApCluster {
        if (enabled && nodeAddress.isEmpty()) {
            throw new IllegalArgumentException("nodeAddress: empty (expected: an address while enabled)");
        }
        if (subflowsLimit < 1 || subflowsLimit > SysctlSettings.MAX_LIMIT) {
            throw new IllegalArgumentException("subflowsLimit: " + subflowsLimit + " (expected: 1.."
                    + SysctlSettings.MAX_LIMIT + ')');
        }
        if (nodePort < 0 || nodePort > 65535) {
            throw new IllegalArgumentException("nodePort: " + nodePort + " (expected: 0..65535)");
        }
    }

    /** Cluster settings announcing the node address without a port. */
    public ApCluster(boolean enabled, Optional<InetAddress> nodeAddress, boolean manage, int subflowsLimit) {
        this(enabled, nodeAddress, manage, subflowsLimit, 0);
    }

    /**
     * The sockets a cluster node listens on besides {@code listen}: the node address with
     * each port of {@code listen} whose addresses of the node address's family do not
     * already cover it (a wildcard or the node address itself), so that the gateways' joins
     * to the announced address find a listener. Empty when cluster mode is off.
     */
    public List<InetSocketAddress> extraListen(List<InetSocketAddress> listen) {
        if (!enabled || nodePort != 0) {
            return List.of(); // with a node port the kernel listens for the joins itself
        }
        InetAddress node = nodeAddress.orElseThrow();
        Set<Integer> ports = new LinkedHashSet<>();
        listen.forEach(a -> ports.add(a.getPort()));
        List<InetSocketAddress> out = new ArrayList<>();
        for (int port : ports) {
            boolean covered = listen.stream().anyMatch(a -> a.getPort() == port
                    && a.getAddress().getClass() == node.getClass()
                    && (a.getAddress().isAnyLocalAddress() || a.getAddress().equals(node)));
            if (!covered) {
                out.add(new InetSocketAddress(node, port));
            }
        }
        return List.copyOf(out);
    }

    /** What cluster mode does with these settings, for {@code check-config}: one line, or none while off. */
    public List<String> describe(List<InetSocketAddress> listen) {
        if (!enabled) {
            return List.of();
        }
        String node = InetLiterals.format(nodeAddress.orElseThrow());
        List<InetSocketAddress> extra = extraListen(listen);
        return List.of(ApConfig.PATH + ".cluster: node address " + node
                + (nodePort == 0 ? "" : " port " + nodePort) + " announced on every MPTCP connection"
                + " (signal endpoint), MP_CAPABLE C flag set (no joins to the shared listen addresses),"
                + " up to " + subflowsLimit + " joins per connection"
                + (extra.isEmpty() ? "" : ", also listening on " + extra.stream()
                        .map(ApCluster::hostPort).toList())
                + (manage ? "; set up at start (needs CAP_NET_ADMIN)" : "; checked at start, set up by the host"));
    }

    private static String hostPort(InetSocketAddress a) {
        String host = InetLiterals.format(a.getAddress());
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }

    static ApCluster read(Section s, List<InetSocketAddress> listen) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        Boolean manage = p.read(() -> s.bool("manage"));
        Integer limit = p.read(() -> s.intInRange("subflows-limit", 1, SysctlSettings.MAX_LIMIT));
        Integer port = p.read(() -> nodePort(s, listen));
        Optional<InetAddress> node = p.read(() -> nodeAddress(s, Boolean.TRUE.equals(enabled), listen));
        p.throwIfAny();
        return new ApCluster(enabled, node, manage, limit, port);
    }

    private static int nodePort(Section s, List<InetSocketAddress> listen) {
        int port = s.intInRange("node-port", 0, 65535);
        if (port != 0 && listen != null && listen.stream().anyMatch(a -> a.getPort() == port)) {
            throw s.invalid("node-port", "0 or a port other than the listen ports");
        }
        return port;
    }

    private static Optional<InetAddress> nodeAddress(Section s, boolean enabled, List<InetSocketAddress> listen) {
        if (!s.isSet("node-address")) {
            if (enabled) {
                throw s.invalid("node-address", "an IP address of this node while enabled = true");
            }
            return Optional.empty();
        }
        InetAddress node = s.address("node-address");
        if (node.isAnyLocalAddress() || node.isLoopbackAddress() || node.isMulticastAddress()) {
            throw s.invalid("node-address", "a unicast address of this node, not a wildcard, loopback or"
                    + " multicast address");
        }
        if (listen != null && listen.stream().anyMatch(a -> a.getAddress().equals(node))) {
            throw s.invalid("node-address", "an address other than the shared listen addresses");
        }
        if (listen != null && listen.stream().noneMatch(a -> a.getAddress().getClass() == node.getClass())) {
            throw s.invalid("node-address", "an address of the family of a listen address");
        }
        return Optional.of(node);
    }
}
