package org.haap.loadtest.hybrid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.haap.deploy.testbed.Wan;

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

    /** Parses each of {@code modes} ({@link #parse}). */
    public static List<LoadMode> parseAll(List<String> modes) {
        return modes.stream().map(LoadMode::parse).toList();
    }

    /**
     * {@code modes} with the direct fetches over each WAN appended where missing: every run,
     * at every rate, has the single-WAN baselines beside the gateway's modes.
     */
    public static List<LoadMode> withDirect(List<LoadMode> modes) {
        List<LoadMode> all = new ArrayList<>(modes);
        for (Wan w : List.of(Wan.DSL, Wan.LTE)) {
            if (!all.contains(direct(w))) {
                all.add(direct(w));
            }
        }
        return List.copyOf(all);
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
