package org.haap.deploy.testbed.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the operator files shipped in {@code deploy/nftables} and {@code deploy/sysctl}
 * (copied onto the classpath under {@code haap-deploy/} by the build) and adapts them to
 * the testbed.
 */
public final class DeployFiles {

    private static final Pattern DEFINE = Pattern.compile("(?m)^define\\s+(\\w+)\\s*=.*$");

    private DeployFiles() {
    }

    /** The text of {@code haap-deploy/<relativePath>} from the classpath. */
    public static String read(String relativePath) {
        String name = "haap-deploy/" + relativePath;
        try (InputStream in = DeployFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath (build the deploy module)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the value of each top-level {@code define NAME = ...} line named in
     * {@code values}; every name must occur.
     */
    public static String substituteDefines(String nft, Map<String, String> values) {
        Matcher m = DEFINE.matcher(nft);
        StringBuilder sb = new StringBuilder();
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            String replacement = m.group();
            if (values.containsKey(name)) {
                replacement = "define " + name + " = " + values.get(name);
                seen.add(name);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        for (String name : values.keySet()) {
            if (!seen.contains(name)) {
                throw new IllegalArgumentException("define " + name + " not found in the nft file");
            }
        }
        return sb.toString();
    }

    /** The {@code key=value} pairs of a sysctl.conf file, comments and blank lines skipped. */
    public static List<String> sysctlAssignments(String conf) {
        List<String> out = new ArrayList<>();
        for (String line : conf.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("sysctl line: " + t + " (expected: key = value)");
            }
            out.add(t.substring(0, eq).strip() + "=" + t.substring(eq + 1).strip());
        }
        return out;
    }
}
