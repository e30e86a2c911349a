package org.haap.deploy.monitoring;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names (HAAP, JVM, process, system) used in PromQL text. */
final class MetricNames {

    private static final Pattern NAME = Pattern.compile("\\b((?:haap|jvm|process|system)_[a-z0-9_]+)\\b");

    private MetricNames() {
    }

    static Set<String> in(String promql) {
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(promql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
