package org.haap.ap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.haap.config.ApCluster;
import org.haap.config.ApConfig;
import org.haap.core.pm.Endpoint;
import org.haap.core.pm.EndpointFlag;
import org.haap.core.pm.MptcpPmClient;
import org.haap.core.pm.PmLimits;

/**
 * What makes this AP a node of a cluster behind an L4 load balancer ({@link ApCluster}), in
 * its network namespace: {@code net.mptcp.allow_join_initial_addr_port = 0} (the MP_CAPABLE
 * C flag: clients must not join the shared address), the in-kernel path manager's subflow
 * limit, and a {@code signal} endpoint for the node address, which makes the kernel announce
 * it (ADD_ADDR) on every MPTCP connection once established. With {@code manage} it sets them
 * up ({@link #setUp}) and {@link #close()} deletes the endpoint it added; without, it checks
 * them and refuses to start naming each difference. The sysctl is left as it is at stop.
 */
public final class ClusterNode implements AutoCloseable {

    /** The sysctl that sets the C flag, under {@code net.mptcp.}. */
    static final String C_FLAG_SYSCTL = "allow_join_initial_addr_port";

    private static final Logger LOG = System.getLogger(ClusterNode.class.getName());
    private static final String KEY = ApConfig.PATH + ".cluster.";

    private final MptcpPmClient pm;
    private final Optional<Endpoint> added;

    private ClusterNode(MptcpPmClient pm, Optional<Endpoint> added) {
        this.pm = pm;
        this.added = added;
    }

    /** A cluster node's set-up differs from what the configuration requires and may not be changed. */
    public static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    /**
     * Sets up (or checks) the node in the calling thread's namespace, whose MPTCP sysctls are
     * in {@code sysctls} (normally {@code /proc/sys/net/mptcp}). Returns {@code null} when
     * cluster mode is off: then nothing is read or changed.
     *
     * @throws IOException if the kernel refuses (e.g. EPERM without CAP_NET_ADMIN), or, not
     *         managing, the set-up differs (the message names every difference)
     */
    public static ClusterNode setUp(ApCluster cluster, Path sysctls) throws IOException {
        Objects.requireNonNull(cluster, "cluster");
        if (!cluster.enabled()) {
            return null;
        }
        InetAddress node = cluster.nodeAddress().orElseThrow();
        MptcpPmClient pm = MptcpPmClient.open();
        try {
            ClusterNode result = cluster.manage() ? manage(pm, cluster, node, sysctls) : check(pm, cluster, node, sysctls);
            LOG.log(Level.INFO, "cluster node: announcing " + node.getHostAddress()
                    + (cluster.nodePort() == 0 ? "" : " port " + cluster.nodePort()) + " on every MPTCP connection,"
                    + " no joins to the shared address (net.mptcp." + C_FLAG_SYSCTL + " = 0), up to "
                    + cluster.subflowsLimit() + " joins per connection" + (cluster.manage() ? "" : " (checked)"));
            return result;
        } catch (IOException | RuntimeException e) {
            pm.close();
            throw e;
        }
    }

    private static ClusterNode manage(MptcpPmClient pm, ApCluster cluster, InetAddress node, Path sysctls)
            throws IOException {
        Path file = sysctls.resolve(C_FLAG_SYSCTL);
        String was = read(file);
        if (!was.equals("0")) {
            Files.writeString(file, "0");
            if (!read(file).equals("0")) {
                throw new MismatchException("net.mptcp." + C_FLAG_SYSCTL + ": wrote 0 but it reads " + read(file));
            }
            LOG.log(Level.INFO, "set net.mptcp." + C_FLAG_SYSCTL + " = 0 (was " + was + ')');
        }
        PmLimits limits = pm.getLimits();
        if (limits.subflows() != cluster.subflowsLimit()) {
            pm.setLimits(cluster.subflowsLimit(), limits.addAddrAccepted());
        }
        for (Endpoint old : pm.listEndpoints()) {
            if (old.address().equals(node)) {
                LOG.log(Level.WARNING, "replacing existing MPTCP endpoint " + old);
                pm.deleteEndpoint(old.id());
            }
        }
        pm.addEndpoint(new Endpoint(0, node, 0, EnumSet.of(EndpointFlag.SIGNAL), cluster.nodePort()));
        Endpoint endpoint = pm.listEndpoints().stream().filter(e -> e.address().equals(node)).findFirst()
                .orElseThrow(() -> new IOException("the MPTCP endpoint " + node.getHostAddress()
                        + " is missing right after it was added"));
        LOG.log(Level.INFO, "added MPTCP endpoint id " + endpoint.id() + ' ' + node.getHostAddress()
                + (cluster.nodePort() == 0 ? "" : " port " + cluster.nodePort()) + " signal");
        return new ClusterNode(pm, Optional.of(endpoint));
    }

    private static ClusterNode check(MptcpPmClient pm, ApCluster cluster, InetAddress node, Path sysctls)
            throws IOException {
        List<String> problems = new ArrayList<>();
        String flag = read(sysctls.resolve(C_FLAG_SYSCTL));
        if (!flag.equals("0")) {
            problems.add("net.mptcp." + C_FLAG_SYSCTL + " is " + flag + ", expected 0 (sysctl -w net.mptcp."
                    + C_FLAG_SYSCTL + "=0)");
        }
        PmLimits limits = pm.getLimits();
        if (limits.subflows() < cluster.subflowsLimit()) {
            problems.add("MPTCP limit subflows is " + limits.subflows() + ", expected >= " + cluster.subflowsLimit()
                    + " (" + KEY + "subflows-limit; ip mptcp limits set subflows " + cluster.subflowsLimit() + ')');
        }
        boolean signalled = pm.listEndpoints().stream().anyMatch(e -> e.address().equals(node)
                && e.flags().contains(EndpointFlag.SIGNAL) && e.port() == cluster.nodePort());
        if (!signalled) {
            String port = cluster.nodePort() == 0 ? "" : " port " + cluster.nodePort();
            problems.add("no MPTCP signal endpoint for " + node.getHostAddress() + port + " (" + KEY
                    + "node-address" + (port.isEmpty() ? "" : ", " + KEY + "node-port") + "; ip mptcp endpoint add "
                    + node.getHostAddress() + port + " signal)");
        }
        if (!problems.isEmpty()) {
            throw new MismatchException(String.join("; ", problems) + "; or set " + KEY + "manage = true");
        }
        return new ClusterNode(pm, Optional.empty());
    }

    /** The endpoint this node added ({@code manage}), or empty when it only checked. */
    public Optional<Endpoint> added() {
        return added;
    }

    /**
     * Deletes the endpoint {@link #setUp} added, which withdraws the node address (RM_ADDR)
     * from the connections still open: call it once they are drained. Failures are logged.
     */
    @Override
    public void close() {
        try {
            if (added.isPresent()) {
                pm.deleteEndpoint(added.get().id());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete MPTCP endpoint id " + added.get().id() + ": " + e.getMessage());
        } finally {
            pm.close();
        }
    }

    /** Reads a /proc file to its end (procfs reports size 0, so {@code Files.readString} may fall short). */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }
}
