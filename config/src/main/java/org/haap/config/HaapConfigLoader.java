package org.haap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.haap.config.internal.ConfigFiles;
import org.haap.config.internal.Section;

/**
 * Reads a HAAP config file and builds the typed records from it. Every problem is a
 * {@link ConfigError}: a missing or unparsable file (naming the file and line), a value
 * out of range or of the wrong type, or a key that {@code reference.conf} does not define.
 */
public final class HaapConfigLoader {
    private HaapConfigLoader() {
    }

    /**
     * Parses {@code file}, puts {@code reference.conf} (all defaults) under it and
     * resolves substitutions.
     *
     * @throws ConfigError if the file is missing, unreadable or not valid HOCON
     */
    public static Config load(Path file) {
        return ConfigFiles.withReference(file, ConfigFiles.parse(file));
    }

    /**
     * The aggregation point's configuration from {@code root} ({@link #load} output, or any
     * config; {@code reference.conf} fills in what it lacks).
     *
     * @throws ConfigError carrying every bad or unknown key under {@value ApConfig#PATH}
     */
    public static ApConfig aggregationPoint(Config root) {
        return ApConfig.read(section(root, ApConfig.PATH));
    }

    /**
     * The client gateway's configuration from {@code root} ({@link #load} output, or any
     * config; {@code reference.conf} fills in what it lacks, except the required
     * {@code aggregation-point} and {@code wan}).
     *
     * @throws ConfigError carrying every bad or unknown key under {@value GatewayConfig#PATH}
     */
    public static GatewayConfig gateway(Config root) {
        return GatewayConfig.read(section(root, GatewayConfig.PATH));
    }

    private static Section section(Config root, String path) {
        Config reference = ConfigFactory.defaultReference();
        try {
            return new Section(root.withFallback(reference).resolve(), reference, path);
        } catch (ConfigException e) {
            throw new ConfigError(null, e.getMessage());
        }
    }
}
