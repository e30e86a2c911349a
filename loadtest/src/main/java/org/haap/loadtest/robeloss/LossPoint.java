package org.haap.loadtest.robeloss;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.Timings;

/**
 * The connections measured for one mode at one SYN loss.
 *
 * @param mode        the gateway's establishment mode
 * @param lossPct     SYN loss on the default WAN, 0..100
 * @param timings     set-up times of the successful connections (the client speaks first), and the failures
 * @param errors      up to a few distinct failure messages (server-first ones prefixed {@code server-first: })
 * @param poolHits    how many of the measured connections the gateway served from its warm pool
 *                    (its {@code haap_gateway_pool_takes_total{result="hit"}} over the point),
 *                    -1 without a pool or when unknown
 * @param serverFirst set-up times of the connections on which the server spoke first
 *                    ({@code --server-first}), or null when not measured
 */
public record LossPoint(GatewayMode mode, int lossPct, Timings timings, java.util.List<String> errors,
        long poolHits, Timings serverFirst) {

    /** A point without pool figures. */
    public LossPoint(GatewayMode mode, int lossPct, Timings timings, java.util.List<String> errors) {
        this(mode, lossPct, timings, errors, -1);
    }

    /** A point without server-first connections. */
    public LossPoint(GatewayMode mode, int lossPct, Timings timings, java.util.List<String> errors, long poolHits) {
        this(mode, lossPct, timings, errors, poolHits, null);
    }

    public LossPoint {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timings, "timings");
        errors = java.util.List.copyOf(errors);
    }

    /** The point as the JSON object of {@code points[]}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.robe());
        m.put("pool", mode.pool());
        m.put("loss_pct", lossPct);
        m.putAll(timings.toJson());
        m.put("errors", errors);
        m.put("pool_hits", poolHits < 0 ? null : poolHits);
        if (serverFirst != null) {
            m.put("server_first", serverFirst.toJson());
        }
        return m;
    }
}
