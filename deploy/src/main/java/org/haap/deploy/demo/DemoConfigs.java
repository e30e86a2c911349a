package org.haap.deploy.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.Wan;

/**
 * The configuration files of the demo's aggregation point and client gateway: the
 * templates {@code demo/aggregation-point.conf} and {@code demo/gateway.conf} on the class
 * path with every {@code @NAME@} replaced by a value from {@link AddressPlan}.
 */
public final class DemoConfigs {

    /** Port of the AP's metrics endpoint (on the AP namespace's loopback). */
    public static final int AP_METRICS_PORT = 9124;
    /** Port of the gateway's metrics endpoint (on the CPE namespace's loopback). */
    public static final int GATEWAY_METRICS_PORT = 9125;

    private DemoConfigs() {
    }

    /** The values the templates use. */
    public static Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("AP", AddressPlan.AP);
        v.put("AP6", AddressPlan.AP6);
        v.put("AP_PORT", Integer.toString(AddressPlan.AP_PORT));
        v.put("TPROXY_PORT", Integer.toString(AddressPlan.GATEWAY_TPROXY_PORT));
        v.put("DSL_SOURCE", Wan.DSL.cpeAddress());
        v.put("DSL_SOURCE6", Wan.DSL.cpeAddress6());
        v.put("LTE_SOURCE", Wan.LTE.cpeAddress());
        v.put("LTE_SOURCE6", Wan.LTE.cpeAddress6());
        v.put("WAN_SUBNETS", quoted(subnet(Wan.DSL.cpeAddress(), 24), subnet(Wan.LTE.cpeAddress(), 24),
                subnet6(Wan.DSL.cpeAddress6()), subnet6(Wan.LTE.cpeAddress6())));
        v.put("SERVER_ADDRESSES", quoted(AddressPlan.SERVER + "/32", AddressPlan.SERVER6 + "/128"));
        v.put("AP_METRICS_PORT", Integer.toString(AP_METRICS_PORT));
        v.put("GATEWAY_METRICS_PORT", Integer.toString(GATEWAY_METRICS_PORT));
        return v;
    }

    /** The AP's configuration text. */
    public static String aggregationPoint() {
        return render("demo/aggregation-point.conf");
    }

    /** The gateway's configuration text. */
    public static String gateway() {
        return render("demo/gateway.conf");
    }

    /** Writes both files into {@code dir}; returns {@code [ap, gateway]}. */
    public static Path[] write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path ap = Files.writeString(dir.resolve("demo-aggregation-point.conf"), aggregationPoint());
            Path gw = Files.writeString(dir.resolve("demo-gateway.conf"), gateway());
            return new Path[] {ap, gw};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A class-path config template with every {@code @NAME@} placeholder replaced by
     * {@link #values()}; an unknown placeholder is an error.
     */
    public static String render(String resource) {
        String text;
        try (InputStream in = DemoConfigs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = values();
        Matcher m = java.util.regex.Pattern.compile("@([A-Z0-9_]+)@").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException(resource + ": unknown placeholder @" + m.group(1) + "@");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String subnet(String address, int bits) {
        return address.substring(0, address.lastIndexOf('.')) + ".0/" + bits;
    }

    private static String subnet6(String address) {
        return address.substring(0, address.lastIndexOf(':') + 1) + "/64";
    }

    private static String quoted(String... items) {
        StringBuilder b = new StringBuilder();
        for (String s : items) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append('"').append(s).append('"');
        }
        return b.toString();
    }
}
