package org.haap.deploy.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric table of {@code docs/metrics.md}: one row per family ({@code | `name` | type |
 * labels | meaning |}), a name ending in {@code *} standing for every family with that
 * prefix. Families named {@code haap_ap_...} belong to the aggregation point,
 * {@code haap_gateway_...} to the gateway, all others to both.
 */
public final class MetricsCatalog {

    /** The aggregation point's family prefix. */
    public static final String AP = "haap_ap_";
    /** The gateway's family prefix. */
    public static final String GATEWAY = "haap_gateway_";

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:*]+)`\\s*\\|\\s*([^|]+)\\|\\s*([^|]*)\\|");
    private static final Pattern BACKTICKED = Pattern.compile("`([a-z_]+)`");

    /** A documented family: its name (or prefix group), type column and the label names in its label column. */
    public record Entry(String name, String type, Set<String> labels) {
        boolean isGroup() {
            return name.endsWith("*");
        }

        boolean matches(String family) {
            return isGroup() ? family.startsWith(name.substring(0, name.length() - 1)) : family.equals(name);
        }
    }

    private final Map<String, Entry> entries;

    private MetricsCatalog(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Reads {@code docs/metrics.md} of the source tree this test runs in. */
    public static MetricsCatalog load() {
        return parse(read(SourceTree.file("docs/metrics.md")));
    }

    /** Parses the tables of a metrics page. */
    public static MetricsCatalog parse(String markdown) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (String line : markdown.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            Matcher l = BACKTICKED.matcher(m.group(3));
            while (l.find()) {
                labels.add(l.group(1));
            }
            if (out.put(m.group(1), new Entry(m.group(1), m.group(2).strip(), labels)) != null) {
                throw new IllegalStateException("documented twice: " + m.group(1));
            }
        }
        return new MetricsCatalog(out);
    }

    /** Every documented entry. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entry that documents {@code family}, or null. */
    public Entry find(String family) {
        Entry exact = entries.get(family);
        if (exact != null) {
            return exact;
        }
        for (Entry e : entries.values()) {
            if (e.matches(family)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Whether a name used in a query is documented: a family, or a histogram's
     * {@code _bucket}/{@code _count}/{@code _sum} series.
     */
    public boolean documentsSeries(String name) {
        if (find(name) != null) {
            return true;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (name.endsWith(suffix)) {
                Entry base = find(name.substring(0, name.length() - suffix.length()));
                if (base != null && base.type().contains("histogram")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Exposed families (from {@code # TYPE} lines) that no row documents. */
    public List<String> undocumented(String exposition) {
        List<String> out = new ArrayList<>();
        for (String family : families(exposition)) {
            if (find(family) == null) {
                out.add(family);
            }
        }
        return out;
    }

    /**
     * Documented entries of the application with family prefix {@code appPrefix} (its own
     * rows and the shared ones) that match no family of {@code exposition}.
     */
    public List<String> notExposed(String exposition, String appPrefix) {
        return notExposed(exposition, appPrefix, List.of());
    }

    /**
     * As {@link #notExposed(String, String)}, leaving out the families that start with one
     * of {@code optionalPrefixes} (meters that exist only in some configurations).
     */
    public List<String> notExposed(String exposition, String appPrefix, List<String> optionalPrefixes) {
        Set<String> families = families(exposition);
        List<String> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            boolean own = e.name().startsWith(appPrefix)
                    || (!e.name().startsWith(AP) && !e.name().startsWith(GATEWAY));
            boolean optional = optionalPrefixes.stream().anyMatch(e.name()::startsWith);
            if (own && !optional && families.stream().noneMatch(e::matches)) {
                out.add(e.name());
            }
        }
        return out;
    }

    /**
     * Label names exposed on {@code haap_} samples that the family's row does not name, as
     * {@code family: label} (the histogram label {@code le} excepted).
     */
    public List<String> undocumentedLabels(String exposition) {
        Set<String> out = new TreeSet<>();
        Map<String, String> seriesToFamily = new LinkedHashMap<>();
        Set<String> families = families(exposition);
        for (String line : exposition.split("\n")) {
            if (!line.startsWith("haap_") || !line.contains("{")) {
                continue;
            }
            String series = line.substring(0, line.indexOf('{'));
            String family = seriesToFamily.computeIfAbsent(series, s -> familyOf(s, families));
            Entry e = find(family);
            if (e == null) {
                continue; // reported by undocumented()
            }
            String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
            Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(labels);
            while (m.find()) {
                if (!"le".equals(m.group(1)) && !e.labels().contains(m.group(1))) {
                    out.add(family + ": " + m.group(1));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The family names of an exposition, from its {@code # TYPE} lines. */
    public static Set<String> families(String exposition) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                out.add(line.split("\\s+")[2]);
            }
        }
        return out;
    }

    private static String familyOf(String series, Set<String> families) {
        if (families.contains(series)) {
            return series;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (series.endsWith(suffix) && families.contains(series.substring(0, series.length() - suffix.length()))) {
                return series.substring(0, series.length() - suffix.length());
            }
        }
        return series;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
