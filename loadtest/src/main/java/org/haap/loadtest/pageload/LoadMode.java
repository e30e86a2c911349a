package org.haap.loadtest.pageload;

import java.util.Locale;

import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.hybrid.GatewayMode;

/**
 * How the page is fetched: through the gateway in a {@link GatewayMode}, or directly
 * ({@code direct-dsl}, {@code direct-lte}): no gateway running, the CPE's default route on
 * that WAN, plain routed TCP with the CPE's masquerading, no proxy on the way.
 *
 * @param gateway the gateway's mode, or {@code null} for a direct fetch
 * @param direct  the WAN of a direct fetch, or {@code null} through the gateway
 */
public record LoadMode(GatewayMode gateway, Wan direct) {

    public LoadMode {
        if ((gateway == null) == (direct == null)) {
            throw new IllegalArgumentException("exactly one of gateway and direct (got " + gateway + ", " + direct + ")");
        }
    }

    /** Through the gateway in {@code mode}. */
    public static LoadMode via(GatewayMode mode) {
        return new LoadMode(mode, null);
    }

    /** Directly over {@code wan}. */
    public static LoadMode direct(Wan wan) {
        return new LoadMode(null, wan);
    }

    /** Parses {@code direct-dsl}, {@code direct-lte} or a gateway mode such as {@code sim+pool}. */
    public static LoadMode parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("direct-")) {
            return direct(Wan.of(t.substring("direct-".length())));
        }
        return via(GatewayMode.parse(t));
    }

    /** The JSON {@code mode} value: {@code classic}, {@code sim}, {@code sim:fullmesh}, {@code direct-dsl}, ... */
    public String jsonMode() {
        if (gateway == null) {
            return "direct-" + direct.interfaceName();
        }
        return gateway.policy() == null ? gateway.robe() : gateway.robe() + ':' + gateway.policy();
    }

    /** Whether the warm pool was on. */
    public boolean pool() {
        return gateway != null && gateway.pool();
    }

    /** {@code sim+pool}, {@code direct-lte}, ... */
    public String label() {
        return gateway != null ? gateway.label() : jsonMode();
    }

    @Override
    public String toString() {
        return label();
    }
}
