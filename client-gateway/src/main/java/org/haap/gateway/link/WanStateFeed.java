package org.haap.gateway.link;

import java.util.Objects;
import org.haap.robe.WanState;

/**
 * Gives the link monitor's verdict to robe: a down WAN is reported link-down to
 * {@link WanState} (so RobE strategies and the warm pool skip it), up or degraded as link-up.
 */
public final class WanStateFeed implements LinkListener {

    private final WanState wanState;

    public WanStateFeed(WanState wanState) {
        this.wanState = Objects.requireNonNull(wanState, "wanState");
    }

    @Override
    public void stateChanged(org.haap.robe.WanPath path, LinkState from, LinkState to, String reason) {
        if (from.usable() != to.usable()) {
            wanState.linkChanged(path, to.usable());
        }
    }
}
