package org.haap.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import org.haap.config.ConfigError;

/** Reads HOCON files; every failure becomes a {@link ConfigError} naming the file and line. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /** The file as written: parsed, not merged, not resolved. */
    public static Config parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(null, file + ": file not found");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw fileError(file, e);
        }
    }

    /** {@code config} merged over {@code reference.conf} and resolved. */
    public static Config withReference(Path file, Config config) {
        try {
            return config.withFallback(ConfigFactory.defaultReference()).resolve();
        } catch (ConfigException e) {
            throw fileError(file, e);
        }
    }

    /** Whether the file, as written, sets {@code path} (without resolving anything). */
    public static boolean isPresent(Config parsed, String path) {
        ConfigValue value = parsed.root();
        for (String element : ConfigUtil.splitPath(path)) {
            if (!(value instanceof ConfigObject)) {
                return false;
            }
            value = ((ConfigObject) value).get(element);
        }
        return value != null;
    }

    private static ConfigError fileError(Path file, ConfigException e) {
        ConfigOrigin origin = e.origin();
        String message = e.getMessage();
        if (origin == null) {
            return new ConfigError(null, file + ": " + message);
        }
        String prefix = origin.description() + ": ";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        }
        String name = origin.filename() != null ? origin.filename() : file.toString();
        return new ConfigError(null, origin.lineNumber() > 0 ? name + ':' + origin.lineNumber() + ": " + message : name + ": " + message);
    }
}
