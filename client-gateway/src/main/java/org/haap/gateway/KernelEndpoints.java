package org.haap.gateway;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.haap.config.SysctlSettings;
import org.haap.config.WanConfig;
import org.haap.core.pm.Endpoint;
import org.haap.core.pm.EndpointFlag;
import org.haap.core.pm.MptcpPmClient;
import org.haap.core.pm.PmLimits;
import org.haap.gateway.internal.Interfaces;

/**
 * The in-kernel path manager's state the gateway owns: the limits, and one {@code subflow}
 * endpoint per address of every WAN (bound to the WAN's interface, plus {@code backup} for
 * backup WANs), so the kernel opens an MP_JOIN subflow over every WAN other than the one the
 * initial subflow uses, whichever WAN that is (RobE may establish on any of them). The
 * kernel skips the endpoint whose address the initial subflow already uses (it takes that
 * endpoint's id), so no WAN gets a second subflow (proven by {@code EndpointsKernelTest} in
 * the robe module's tests). Each endpoint is also {@code laminar} (Linux 6.18; older
 * kernels keep the flag and ignore it): when the aggregation point announces an address
 * (ADD_ADDR, a cluster node's own address), the kernel joins it from one laminar endpoint
 * whose address no subflow of the connection uses yet, so the WANs without a subflow join
 * the announced address; and with the AP's MP_CAPABLE "C" flag the kernel opens no
 * {@code subflow} joins to the shared initial address. {@link #close()} deletes exactly the
 * endpoints added here.
 */
public final class KernelEndpoints implements AutoCloseable {

    private static final Logger LOG = System.getLogger(KernelEndpoints.class.getName());

    private final MptcpPmClient pm;
    private final List<Endpoint> added;

    private KernelEndpoints(MptcpPmClient pm, List<Endpoint> added) {
        this.pm = pm;
        this.added = List.copyOf(added);
    }

    /**
     * Sets (or, without {@code sysctl.manage}, checks) the limits and adds the endpoints.
     * An existing endpoint with the same address (e.g. left by a crashed run) is replaced.
     *
     * @throws IOException if the kernel refuses, an interface does not exist, or (checking
     *         only) the limits are lower than needed
     */
    public static KernelEndpoints install(MptcpPmClient pm, List<WanConfig> wans, SysctlSettings sysctl)
            throws IOException {
        if (sysctl.manage()) {
            pm.setLimits(sysctl.subflowsLimit(), sysctl.addAddrAcceptedLimit());
        } else {
            PmLimits limits = pm.getLimits();
            if (limits.subflows() < wans.size() - 1) {
                throw new KernelSettings.MismatchException("MPTCP limit subflows is " + limits.subflows()
                        + ", expected >= " + (wans.size() - 1)
                        + " (haap.gateway.sysctl.subflows-limit; ip mptcp limits set subflows N)");
            }
        }
        List<Endpoint> existing = pm.listEndpoints();
        Set<Integer> used = new HashSet<>();
        existing.forEach(e -> used.add(e.id()));
        List<Endpoint> added = new ArrayList<>();
        KernelEndpoints result = null;
        try {
            for (WanConfig wan : wans) {
                int ifIndex = Interfaces.index(wan.interfaceName());
                Set<EndpointFlag> flags = EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.LAMINAR);
                if (wan.backup()) {
                    flags.add(EndpointFlag.BACKUP);
                }
                for (InetAddress address : wan.addresses()) {
                    for (Endpoint old : existing) {
                        if (old.address().equals(address)) {
                            LOG.log(Level.WARNING, "replacing existing MPTCP endpoint " + old);
                            pm.deleteEndpoint(old.id());
                        }
                    }
                    int id = freeId(used);
                    Endpoint e = new Endpoint(id, address, ifIndex, flags);
                    pm.addEndpoint(e);
                    added.add(e);
                    LOG.log(Level.INFO, "added MPTCP endpoint id " + id + " " + address.getHostAddress()
                            + " dev " + wan.interfaceName() + " " + flags + " for WAN " + wan.name());
                }
            }
            result = new KernelEndpoints(pm, added);
            return result;
        } finally {
            if (result == null) {
                new KernelEndpoints(pm, added).close();
            }
        }
    }

    /** The endpoints added by {@link #install}. */
    public List<Endpoint> added() {
        return added;
    }

    /** Deletes the endpoints added by {@link #install}; failures are logged. */
    @Override
    public void close() {
        for (Endpoint e : added) {
            try {
                pm.deleteEndpoint(e.id());
            } catch (IOException ex) {
                LOG.log(Level.WARNING, "could not delete MPTCP endpoint id " + e.id() + ": " + ex.getMessage());
            }
        }
    }

    private static int freeId(Set<Integer> used) throws IOException {
        for (int id = 1; id <= 255; id++) {
            if (used.add(id)) {
                return id;
            }
        }
        throw new IOException("no free MPTCP endpoint id (1..255 all in use)");
    }
}
