package org.haap.gateway.pm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link PmCommands} that records every command as a line and fails while told to. */
public final class FakeCommands implements PmCommands {

    /** Every command sent, e.g. {@code "create 1 lte 203.0.113.7 active"}. */
    public final List<String> sent = new ArrayList<>();
    /** While true, every command throws. */
    public boolean failing;

    @Override
    public void createSubflow(long token, PmWan wan, InetAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        record("create " + token + ' ' + wan.name() + ' ' + local.getHostAddress() + " id" + wan.localId() + ' '
                + (backup ? "backup" : "active"));
    }

    @Override
    public void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        record("destroy " + token + ' ' + local.getAddress().getHostAddress() + ':' + local.getPort());
    }

    @Override
    public void setBackup(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup)
            throws IOException {
        record("flag " + token + ' ' + local.getAddress().getHostAddress() + ':' + local.getPort() + ' '
                + (backup ? "backup" : "active"));
    }

    /** The commands sent since the last call. */
    public List<String> take() {
        List<String> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    private void record(String line) throws IOException {
        if (failing) {
            throw new IOException(line.split(" ")[0] + ": Operation not permitted (fake)");
        }
        sent.add(line);
    }
}
