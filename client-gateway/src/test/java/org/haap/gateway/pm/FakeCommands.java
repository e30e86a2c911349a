package org.haap.gateway.pm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.haap.core.pm.MptcpPmException;

/** A {@link PmCommands} that records every command as a line and fails while told to. */
public final class FakeCommands implements PmCommands {

    /** Every command sent, e.g. {@code "create 1 lte 203.0.113.7 active"}. */
    public final List<String> sent = new ArrayList<>();
    /** The remote end of every subflow created, in order, e.g. {@code "1 lte -> 192.0.2.20:5124"}. */
    public final List<String> createdTo = new ArrayList<>();
    /** While true, every command throws. */
    public boolean failing;
    /** This many next creates are refused with ENOTCONN (the connection not fully established yet). */
    public int notReady;
    /** Connections the fake kernel no longer knows: commands for them are refused with "invalid token". */
    public final Set<Long> closedInKernel = new HashSet<>();

    @Override
    public void createSubflow(long token, PmWan wan, InetAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        gone(token, "SUBFLOW_CREATE");
        if (notReady > 0) {
            notReady--;
            throw new MptcpPmException("SUBFLOW_CREATE", 107, "errno 107", "connect error: -107");
        }
        record("create " + token + ' ' + wan.name() + ' ' + local.getHostAddress() + " id" + wan.localId() + ' '
                + (backup ? "backup" : "active"));
        createdTo.add(token + " " + wan.name() + " -> " + remote.getAddress().getHostAddress() + ':' + remote.getPort());
    }

    @Override
    public void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        gone(token, "SUBFLOW_DESTROY");
        record("destroy " + token + ' ' + local.getAddress().getHostAddress() + ':' + local.getPort());
    }

    @Override
    public void setBackup(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        gone(token, "SET_FLAGS");
        record("flag " + token + ' ' + local.getAddress().getHostAddress() + ':' + local.getPort() + ' '
                + (backup ? "backup" : "active"));
    }

    /** The commands sent since the last call. */
    public List<String> take() {
        List<String> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    private void gone(long token, String command) throws MptcpPmException {
        if (closedInKernel.contains(token)) {
            throw new MptcpPmException(command, 22, "EINVAL", "invalid token");
        }
    }

    private void record(String line) throws IOException {
        if (failing) {
            throw new IOException(line.split(" ")[0] + ": Operation not permitted (fake)");
        }
        sent.add(line);
    }
}
