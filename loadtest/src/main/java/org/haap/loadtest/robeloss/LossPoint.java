package org.haap.loadtest.robeloss;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.Timings;

/**
 * The connections measured for one mode at one SYN loss.
 *
 * @param mode    the gateway's establishment mode
 * @param lossPct SYN loss on the default WAN, 0..100
 * @param timings set-up times of the successful connections, and the failures
 * @param errors  up to a few distinct failure messages
 */
public record LossPoint(GatewayMode mode, int lossPct, Timings timings, java.util.List<String> errors) {

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
        return m;
    }
}
