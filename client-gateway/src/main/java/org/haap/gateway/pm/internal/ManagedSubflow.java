package org.haap.gateway.pm.internal;

import java.net.InetSocketAddress;
import org.haap.core.mptcp.TcpInfo;
import org.haap.gateway.pm.PmSubflow;
import org.haap.gateway.pm.PmWan;

/** One established subflow in the engine's table. */
public final class ManagedSubflow implements PmSubflow {

    private final PmWan wan;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final long establishedNanos;
    private boolean backup;
    private TcpInfo tcp;
    /** When the engine last tried to destroy it; {@link Long#MIN_VALUE} = never. */
    long destroyAttemptNanos = Long.MIN_VALUE;
    /** Whether the kernel accepted a request to destroy it (its SUB_CLOSED is expected). */
    boolean destroyRequested;
    /** When the engine last asked the kernel to change its flag; {@link Long#MIN_VALUE} = never. */
    long flagRequestedNanos = Long.MIN_VALUE;

    ManagedSubflow(PmWan wan, InetSocketAddress local, InetSocketAddress remote, boolean backup,
            long establishedNanos) {
        this.wan = wan;
        this.local = local;
        this.remote = remote;
        this.backup = backup;
        this.establishedNanos = establishedNanos;
    }

    @Override
    public PmWan wan() {
        return wan;
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public boolean backup() {
        return backup;
    }

    @Override
    public TcpInfo tcp() {
        return tcp;
    }

    long establishedNanos() {
        return establishedNanos;
    }

    boolean destroyRequested() {
        return destroyRequested;
    }

    void backup(boolean backup) {
        this.backup = backup;
    }

    void tcp(TcpInfo tcp) {
        this.tcp = tcp;
    }

    boolean is(InetSocketAddress local, InetSocketAddress remote) {
        return this.local.equals(local) && this.remote.equals(remote);
    }

    @Override
    public String toString() {
        return (wan == null ? "?" : wan.name()) + ' ' + local + "->" + remote + (backup ? " backup" : "");
    }
}
