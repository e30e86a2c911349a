package org.haap.deploy.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;

/**
 * What a demo run measured: the summary text and the {@code --json} line.
 *
 * @param profile the testbed profile's name
 * @param seconds the transfer's length
 * @param wan bytes per WAN over the whole transfer, counted on the CPE's WAN interfaces
 *        ({@code txBytes} = up, {@code rxBytes} = down; headers included)
 * @param goodputUp upload goodput at the server, Mbit/s (seconds 1..N)
 * @param goodputDown download goodput at the client, Mbit/s (seconds 1..N)
 * @param lineRateMbps the sum of the WANs' shaped rates per direction; 0 when unshaped
 * @param intact whether SHA-256 and byte count matched at both ends on every connection
 * @param connectMsMedian median time from connect() to the server's first byte through the gateway, ms
 * @param errors failed connections, empty when all were fine
 */
public record DemoReport(String profile, int seconds, Map<Wan, WanCounters> wan, double goodputUp,
                         double goodputDown, double lineRateMbps, boolean intact, double connectMsMedian,
                         List<String> errors) {

    /** The share of the WAN's bytes in one direction, 0..1. */
    public double share(Wan w, boolean up) {
        long total = 0;
        for (WanCounters c : wan.values()) {
            total += up ? c.txBytes() : c.rxBytes();
        }
        WanCounters c = wan.get(w);
        return total == 0 ? 0 : (double) (up ? c.txBytes() : c.rxBytes()) / total;
    }

    /** The human-readable summary, several lines. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add("summary (profile " + profile + ", " + seconds + " s, goodput at the receiving end over seconds 1-"
                + seconds + "):");
        out.add(String.format(Locale.ROOT, "  goodput up   %7.2f Mbit/s%s", goodputUp, ofLine(goodputUp)));
        out.add(String.format(Locale.ROOT, "  goodput down %7.2f Mbit/s%s", goodputDown, ofLine(goodputDown)));
        for (Wan w : Wan.values()) {
            WanCounters c = wan.get(w);
            out.add(String.format(Locale.ROOT, "  wan %-4s up %10d B (%4.1f %%)  down %10d B (%4.1f %%)",
                    w.interfaceName(), c.txBytes(), 100 * share(w, true), c.rxBytes(), 100 * share(w, false)));
        }
        out.add("  integrity    " + (intact ? "ok (SHA-256 equal at both ends on every connection)" : "FAILED"));
        errors.stream().limit(10).forEach(e -> out.add("    " + e));
        out.add(String.format(Locale.ROOT, "  connect      %.1f ms median (connect() to the server's first byte)",
                connectMsMedian));
        return out;
    }

    private String ofLine(double mbps) {
        return lineRateMbps > 0
                ? String.format(Locale.ROOT, " = %5.1f %% of the %.0f Mbit/s line rate", 100 * mbps / lineRateMbps, lineRateMbps)
                : " (links unshaped)";
    }

    /** The one-line JSON object printed with {@code --json}. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"profile\":\"").append(profile).append("\",");
        b.append("\"seconds\":").append(seconds).append(',');
        b.append("\"wan\":{");
        boolean first = true;
        for (Wan w : Wan.values()) {
            WanCounters c = wan.get(w);
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append('"').append(w.interfaceName()).append("\":{\"bytes_up\":").append(c.txBytes())
                    .append(",\"bytes_down\":").append(c.rxBytes())
                    .append(",\"share_up\":").append(num(share(w, true)))
                    .append(",\"share_down\":").append(num(share(w, false))).append('}');
        }
        b.append("},");
        b.append("\"goodput_mbps_up\":").append(num(goodputUp)).append(',');
        b.append("\"goodput_mbps_down\":").append(num(goodputDown)).append(',');
        b.append("\"line_rate_mbps\":").append(num(lineRateMbps)).append(',');
        b.append("\"integrity\":\"").append(intact ? "ok" : "failed").append("\",");
        b.append("\"connect_ms_median\":").append(num(connectMsMedian));
        return b.append('}').toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
