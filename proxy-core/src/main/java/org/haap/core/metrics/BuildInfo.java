package org.haap.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Properties;

/**
 * The build-info gauge {@code haap_build_info{version="..."} 1}: constant 1, with the
 * HAAP version as its only label, so that a query can join any series with the version
 * of the process that exposed it. The version is read from the Maven descriptor packaged
 * in the proxy-core jar; {@value #UNKNOWN} when running from unpackaged classes.
 */
public final class BuildInfo implements MeterBinder {

    /** The version label when no packaged descriptor is found. */
    public static final String UNKNOWN = "unknown";

    private static final String DESCRIPTOR = "/META-INF/maven/org.haap/haap-proxy-core/pom.properties";

    private final String version;

    private BuildInfo(String version) {
        this.version = Objects.requireNonNull(version, "version");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version: '" + version + "' (expected: not blank)");
        }
    }

    /** Build info with an explicit version. */
    public static BuildInfo of(String version) {
        return new BuildInfo(version);
    }

    /** Build info with the version of the HAAP jars on the class path. */
    public static BuildInfo fromClassPath() {
        return new BuildInfo(readVersion());
    }

    /** The version label. */
    public String version() {
        return version;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("haap.build.info", () -> 1)
                .description("Constant 1; the label carries the HAAP version of this process")
                .tag("version", version)
                .strongReference(true)
                .register(registry);
    }

    private static String readVersion() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(DESCRIPTOR)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() ? UNKNOWN : v;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
