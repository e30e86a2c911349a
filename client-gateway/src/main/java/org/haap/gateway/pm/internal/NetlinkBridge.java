package org.haap.gateway.pm.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.haap.core.pm.Endpoint;
import org.haap.core.pm.EndpointFlag;
import org.haap.core.pm.MptcpEvent;
import org.haap.core.pm.MptcpEventListener;
import org.haap.core.pm.MptcpEventMonitor;
import org.haap.core.pm.MptcpEventType;
import org.haap.core.pm.MptcpSubflow;
import org.haap.core.pm.MptcpPmClient;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkMessageException;
import org.haap.gateway.internal.Interfaces;
import org.haap.gateway.pm.PmCommands;
import org.haap.gateway.pm.PmWan;
import org.haap.gateway.pm.UserspacePathManager;

/**
 * Connects the {@link UserspacePathManager} to the kernel: its commands go out as
 * {@code mptcp_pm} generic-netlink requests ({@link MptcpPmClient}), and the kernel's
 * {@code mptcp_pm_events} ({@link MptcpEventMonitor}, on the monitor's own thread) come in
 * as engine calls. Server-side connections (a listener in the gateway's namespace) are not
 * the gateway's to manage and are dropped. The open event subscription is also what lets
 * the kernel's userspace path manager accept joins at all.
 */
public final class NetlinkBridge implements PmCommands, MptcpEventListener, AutoCloseable {

    private static final Logger LOG = System.getLogger(NetlinkBridge.class.getName());

    private final MptcpPmClient client;
    private final MptcpEventMonitor monitor;
    private volatile UserspacePathManager pm;
    /** Per connection token: the kernel's local address id of each subflow (0 = the initial one). */
    private final Map<Long, Map<InetSocketAddress, Integer>> localIds = new ConcurrentHashMap<>();

    private NetlinkBridge(MptcpPmClient client, MptcpEventMonitor monitor) {
        this.client = client;
        this.monitor = monitor;
    }

    /** Opens the command socket and subscribes to the events of the calling thread's namespace. */
    public static NetlinkBridge open() throws NetlinkException {
        return open(new NetlinkEventStats());
    }

    /** As {@link #open()}, counting what the event subscription drops or loses into {@code stats}. */
    public static NetlinkBridge open(NetlinkEventStats stats) throws NetlinkException {
        MptcpPmClient client = MptcpPmClient.open();
        try {
            return new NetlinkBridge(client, client.openEventMonitor(stats));
        } catch (NetlinkException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Starts delivering the kernel's events to {@code engine} (once). */
    public void deliverTo(UserspacePathManager engine) {
        if (pm != null) {
            throw new IllegalStateException("already delivering");
        }
        pm = Objects.requireNonNull(engine, "engine");
        monitor.start(this);
    }

    // ---- commands

    @Override
    public void createSubflow(long token, PmWan wan, InetAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        int ifIndex = Interfaces.index(wan.path().interfaceName());
        client.createSubflow(token, new Endpoint(wan.localId(), local, ifIndex,
                backup ? EnumSet.of(EndpointFlag.BACKUP) : EnumSet.noneOf(EndpointFlag.class)), remote);
    }

    /**
     * {@code SUBFLOW_DESTROY}, then {@code REMOVE} of the subflow's local address id, which
     * sends the peer an RM_ADDR over a remaining subflow. When the subflow's path is dead
     * (the usual reason to close it), its own FIN or RST never arrives; the RM_ADDR makes the
     * aggregation point close its end and reinject what was in flight on it at once, instead
     * of after its retransmission timeouts.
     */
    @Override
    public void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        client.destroySubflow(token, local, remote);
        Map<InetSocketAddress, Integer> ids = localIds.get(token);
        Integer id = ids == null ? null : ids.remove(local);
        if (id != null && !ids.containsValue(id)) {
            try {
                client.removeAddress(token, id);
            } catch (NetlinkException | RuntimeException e) {
                // Only a hint to the peer: the subflow itself is closed already.
                LOG.log(Level.DEBUG, () -> "path manager: RM_ADDR id " + id + " not sent: " + e.getMessage());
            }
        }
    }

    @Override
    public void setBackup(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        client.setSubflowBackup(token, local, remote, backup);
    }

    // ---- events

    @Override
    public void onEvent(MptcpEvent event) {
        UserspacePathManager engine = pm;
        if (engine == null) {
            return;
        }
        if (event instanceof MptcpEvent.Connection c) {
            if (c.serverSide()) {
                return;
            }
            localIds.computeIfAbsent(c.token(), t -> new ConcurrentHashMap<>()).put(c.local(), 0);
            if (c.type() == MptcpEventType.CREATED) {
                engine.connectionCreated(c.token(), c.local(), c.remote());
            } else {
                engine.connectionEstablished(c.token(), c.local(), c.remote(), c.denyJoinId0());
            }
        } else if (event instanceof MptcpEvent.Closed c) {
            localIds.remove(c.token());
            engine.connectionClosed(c.token());
        } else if (event instanceof MptcpEvent.Announced a) {
            engine.addressAnnounced(a.token(), a.remoteId(), a.address());
        } else if (event instanceof MptcpEvent.Removed r) {
            engine.addressRemoved(r.token(), r.remoteId());
        } else if (event instanceof MptcpEvent.Subflow s) {
            MptcpSubflow sf = s.subflow();
            if (s.type() == MptcpEventType.SUB_ESTABLISHED && sf.local() != null) {
                Map<InetSocketAddress, Integer> ids = localIds.get(s.token());
                if (ids != null) {
                    ids.put(sf.local(), sf.localId());
                }
            }
            switch (s.type()) {
                case SUB_ESTABLISHED -> engine.subflowEstablished(s.token(), sf.local(), sf.remote(), sf.backup());
                case SUB_CLOSED -> engine.subflowClosed(s.token(), sf.local(), sf.remote(), sf.error());
                case SUB_PRIORITY -> engine.subflowPriority(s.token(), sf.local(), sf.remote(), sf.backup());
                default -> { }
            }
        }
        // listener events: the path manager does not use them
    }

    @Override
    public void onEventsLost() {
        // The engine's periodic samples heal missed subflow events; a missed CREATED only
        // means that connection keeps its initial subflow.
        LOG.log(Level.WARNING, "path manager: kernel events were lost (receive queue overrun)");
    }

    @Override
    public void onFailure(NetlinkException cause) {
        if (cause instanceof NetlinkMessageException) {
            // one event dropped (counted); like an overrun, the periodic samples heal it
            LOG.log(Level.WARNING, "path manager: a kernel event was dropped: " + cause.getMessage());
            return;
        }
        LOG.log(Level.ERROR, "path manager: the kernel event subscription failed: " + cause.getMessage());
    }

    @Override
    public void close() {
        monitor.close();
        client.close();
    }
}
