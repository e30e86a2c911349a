package org.haap.gateway.pm.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haap.config.PathManagerSettings;
import org.haap.core.mptcp.TcpInfo;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmNetwork;
import org.haap.gateway.pm.PmSubflow;
import org.haap.gateway.pm.PmWan;

/**
 * {@code smart-backup} (SMAPP, CoNEXT'15, section 4.2): each connection has one subflow, on
 * the best WAN it has not abandoned (up before degraded, in configuration order). A WAN is
 * abandoned for a connection when a sample shows its subflow's retransmission timeout at or
 * above {@code rto-threshold}, or {@code retrans-threshold} timeouts in a row, or when its
 * subflow closes with an error: a subflow is then opened on the next WAN (active) and the
 * failing one closed once that one is up (make before break). An abandoned WAN is tried
 * again when the link monitor reports it up after it was degraded or down, or after
 * {@code retry} while it is up.
 */
final class SmartBackup implements PathManagerPolicy {

    private final long rtoThresholdMicros;
    private final int retransThreshold;
    private final long retryNanos;
    /** Per connection token: abandoned WAN to when. */
    private final Map<Long, Map<PmWan, Long>> abandoned = new HashMap<>();

    SmartBackup(PathManagerSettings.SmartBackup settings) {
        this.rtoThresholdMicros = settings.rtoThreshold().toNanos() / 1000;
        this.retransThreshold = settings.retransThreshold();
        this.retryNanos = settings.retry().toNanos();
    }

    @Override
    public String name() {
        return "smart-backup";
    }

    /** Whether {@code wan} is abandoned for {@code c} (for tests). */
    boolean abandoned(PmConnection c, PmWan wan) {
        return abandoned.getOrDefault(c.token(), Map.of()).containsKey(wan);
    }

    @Override
    public void update(PmConnection c) {
        PmNetwork n = c.network();
        Map<PmWan, Long> marks = abandoned.get(c.token());
        if (marks != null) {
            long now = n.nanoTime();
            marks.entrySet().removeIf(e -> n.state(e.getKey()) == LinkState.UP && now - e.getValue() >= retryNanos);
        }
        List<PmWan> ranked = Preference.ranked(c);
        PmWan serving = null;
        for (PmWan w : ranked) {
            if (marks == null || !marks.containsKey(w)) {
                serving = w;
                break;
            }
        }
        if (serving == null) {
            for (PmWan w : ranked) {
                if (c.subflow(w) != null) {
                    serving = w;
                    break;
                }
            }
        }
        if (serving == null && !ranked.isEmpty()) {
            serving = ranked.get(0);
        }
        for (PmWan w : n.wans()) {
            if (w.equals(serving)) {
                c.join(w, false);
            } else {
                c.close(w);
            }
        }
    }

    @Override
    public void sampled(PmConnection c) {
        for (PmSubflow s : c.subflows()) {
            TcpInfo t = s.tcp();
            if (s.wan() != null && t != null
                    && (t.rtoMicros() >= rtoThresholdMicros || t.retransmits() >= retransThreshold)) {
                abandon(c, s.wan());
            }
        }
    }

    @Override
    public void subflowClosed(PmConnection c, PmSubflow subflow, int errno) {
        if (errno != 0 && subflow.wan() != null) {
            abandon(c, subflow.wan());
        }
    }

    @Override
    public void wanStateChanged(PmWan wan, LinkState previous, PmNetwork network) {
        if (network.state(wan) == LinkState.UP && previous != LinkState.UP) {
            abandoned.values().forEach(m -> m.remove(wan));
        }
    }

    @Override
    public void connectionClosed(PmConnection c) {
        abandoned.remove(c.token());
    }

    private void abandon(PmConnection c, PmWan wan) {
        abandoned.computeIfAbsent(c.token(), t -> new HashMap<>())
                .putIfAbsent(wan, c.network().nanoTime());
    }
}
