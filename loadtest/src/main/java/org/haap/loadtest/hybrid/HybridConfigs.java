package org.haap.loadtest.hybrid;

import java.util.List;

import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.testbed.Wan;

/**
 * The configuration files of the RobE scenarios: the demo's templates
 * ({@code demo/aggregation-point.conf}, {@code demo/gateway.conf} from the deploy module)
 * filled with {@link DemoConfigs#values()}, with these changes appended as HOCON overrides:
 * <ul>
 *   <li>AP: every server address of {@link HybridBed#SERVER_NET} is an allowed destination,
 *       and {@link #COOKIE} is an accepted cookie (the warm pool's hello is signed with it);</li>
 *   <li>gateway: the WAN list starts with the testbed profile's default WAN (so the
 *       gateway's preferred WAN is the CPE's default route, as for an unmodified MPTCP
 *       host), {@code robe.mode} and the warm pool from the {@link GatewayMode}, the cookie
 *       {@link #COOKIE} in every mode (so the Convert messages are alike), and a
 *       connect timeout of {@link #CONNECT_TIMEOUT_SECONDS} s so that classic MPTCP shows its
 *       SYN retransmissions (1, 3, 7 s) before giving up;</li>
 *   <li>gateway: the demo's path manager (the in-kernel one, fullmesh), unless the mode
 *       names a policy ({@link GatewayMode#pathManager()}).</li>
 * </ul>
 */
public final class HybridConfigs {

    /** {@code haap.gateway.timeouts.connect} in seconds, below the client's per-connection timeout. */
    public static final int CONNECT_TIMEOUT_SECONDS = 9;
    /** Idle connections the warm pool keeps ready when it is enabled. */
    public static final int POOL_MIN = 16;
    /** Connections in the warm pool at most. */
    public static final int POOL_MAX = 64;
    /** The cookie the gateway sends and the AP accepts; the warm pool needs one. */
    public static final String COOKIE = "haap-loadtest";

    private HybridConfigs() {
    }

    /** The AP's configuration. */
    public static String aggregationPoint() {
        return DemoConfigs.render("demo/aggregation-point.conf")
                + "\n# robe scenarios: every server address on the server net\n"
                + "haap.aggregation-point.destinations.allow = [\"" + HybridBed.SERVER_NET + "\"]\n"
                + "haap.aggregation-point.cookies = [\"" + COOKIE + "\"]\n";
    }

    /** The gateway's configuration for {@code mode}, its preferred WAN being {@code preferred}. */
    public static String gateway(GatewayMode mode, Wan preferred) {
        StringBuilder b = new StringBuilder(DemoConfigs.render("demo/gateway.conf"));
        b.append("\n# robe scenarios: preferred WAN first, establishment mode, warm pool\n");
        b.append("haap.gateway.wan = [\n");
        List<Wan> order = preferred == Wan.DSL ? List.of(Wan.DSL, Wan.LTE) : List.of(Wan.LTE, Wan.DSL);
        for (Wan w : order) {
            b.append("  { name = ").append(w.interfaceName())
                    .append(", interface = ").append(w.interfaceName())
                    .append(", source = \"").append(w.cpeAddress())
                    .append("\", source6 = \"").append(w.cpeAddress6())
                    .append("\", table = ").append(w.table()).append(" }\n");
        }
        b.append("]\n");
        b.append("haap.gateway.cookie = \"").append(COOKIE).append("\"\n");
        b.append("haap.gateway.timeouts.connect = ").append(CONNECT_TIMEOUT_SECONDS).append("s\n");
        if (mode.pathManager() != null) {
            b.append("haap.gateway.path-manager = ").append(mode.pathManager()).append('\n');
        }
        b.append("haap.gateway.robe {\n");
        b.append("  mode = ").append(mode.robe()).append('\n');
        b.append("  pool { enabled = ").append(mode.pool());
        if (mode.pool()) {
            b.append(", min = ").append(POOL_MIN).append(", max = ").append(POOL_MAX);
        }
        b.append(" }\n");
        b.append("  fast-open.enabled = ").append(mode.fastOpen()).append('\n');
        b.append("}\n");
        return b.toString();
    }
}
