package org.haap.gateway.pm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.haap.config.WanConfig;
import org.haap.robe.WanPath;

/**
 * One WAN as the path manager sees it.
 *
 * @param index  its position in {@code haap.gateway.wan} (0 = preferred)
 * @param path   its name, interface and addresses
 * @param backup whether the configuration marks it as a backup link ({@code wan[i].backup})
 */
public record PmWan(int index, WanPath path, boolean backup) {

    public PmWan {
        Objects.requireNonNull(path, "path");
        if (index < 0 || index >= WanConfig.MAX_WANS) {
            throw new IllegalArgumentException("index: " + index + " (expected: 0.." + (WanConfig.MAX_WANS - 1) + ')');
        }
    }

    /** The WANs of the configuration, in its order. */
    public static List<PmWan> of(List<WanConfig> wans) {
        List<PmWan> out = new ArrayList<>(wans.size());
        for (int i = 0; i < wans.size(); i++) {
            WanConfig w = wans.get(i);
            out.add(new PmWan(i, new WanPath(w.name(), w.interfaceName(), w.source(), w.source6()), w.backup()));
        }
        return List.copyOf(out);
    }

    /** The WAN's name (metric label). */
    public String name() {
        return path.name();
    }

    /**
     * The MPTCP local address id the userspace path manager gives this WAN's addresses in
     * {@code SUBFLOW_CREATE}: {@code index + 1}, stable for the process's life and distinct
     * from 0, the id the kernel gives a connection's initial subflow.
     */
    public int localId() {
        return index + 1;
    }

    /** Whether {@code address} is one of this WAN's source addresses. */
    public boolean owns(InetAddress address) {
        return address != null && (address.equals(path.source()) || address.equals(path.source6()));
    }

    @Override
    public String toString() {
        return path.name();
    }
}
