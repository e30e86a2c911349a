package org.haap.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.haap.config.PathManagerMode;
import org.haap.config.SysctlSettings;

/**
 * The kernel MPTCP settings ({@code /proc/sys/net/mptcp/*} of the gateway's network
 * namespace) the gateway depends on. With {@code haap.gateway.sysctl.manage = true}
 * {@link #enforce} writes them; otherwise it compares them and refuses to start, naming the
 * sysctl, the expected and the actual value. A sysctl this kernel does not have is skipped
 * (e.g. {@code blackhole_timeout} before Linux 6.12: no blackhole detection to turn off).
 */
public final class KernelSettings {

    private static final Logger LOG = System.getLogger(KernelSettings.class.getName());

    /** One sysctl: its name under {@code net.mptcp.}, the value wanted and the config key that says so. */
    public record Setting(String name, String expected, String configKey) {
        public Setting {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(configKey, "configKey");
        }
    }

    /** The settings differ from what the configuration requires and may not be changed. */
    public static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    private final Path dir;

    /**
     * Reads a /proc file to its end. ({@code Files.readString} trusts the size procfs reports,
     * 0, and on JDK 17 returns only the first byte.)
     */
    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    /** Settings under {@code dir} (normally {@code /proc/sys/net/mptcp}). */
    public KernelSettings(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** The settings of the calling process's network namespace. */
    public static KernelSettings ofCurrentNamespace() {
        return new KernelSettings(Path.of("/proc/sys/net/mptcp"));
    }

    /** What the gateway needs, from its configuration. */
    public static List<Setting> required(SysctlSettings sysctl, PathManagerMode mode) {
        String prefix = "haap.gateway.sysctl.";
        List<Setting> list = new ArrayList<>();
        list.add(new Setting("enabled", "1", "(MPTCP must be enabled)"));
        list.add(new Setting("blackhole_timeout", Long.toString(sysctl.blackholeTimeout().toSeconds()),
                prefix + "blackhole-timeout"));
        list.add(new Setting("syn_retrans_before_tcp_fallback", Integer.toString(sysctl.synRetransBeforeTcpFallback()),
                prefix + "syn-retrans-before-tcp-fallback"));
        list.add(new Setting("path_manager", mode == PathManagerMode.USERSPACE ? "userspace" : "kernel",
                "haap.gateway.path-manager.mode"));
        return List.copyOf(list);
    }

    /**
     * Applies ({@code manage}) or checks the settings.
     *
     * @throws MismatchException if {@code manage} is false and a value differs (the message
     *         names every differing sysctl), or a written value did not stick
     * @throws IOException if a sysctl cannot be read or written
     */
    public void enforce(List<Setting> settings, boolean manage) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Setting s : settings) {
            Path file = dir.resolve(s.name());
            String actual;
            try {
                actual = read(file);
            } catch (NoSuchFileException e) {
                LOG.log(Level.INFO, "net.mptcp." + s.name() + " does not exist in this kernel; skipped");
                continue;
            }
            if (actual.equals(s.expected())) {
                continue;
            }
            if (manage) {
                Files.writeString(file, s.expected());
                String now = read(file);
                if (!now.equals(s.expected())) {
                    throw new MismatchException("net.mptcp." + s.name() + ": wrote " + s.expected()
                            + " but it reads " + now);
                }
                LOG.log(Level.INFO, "set net.mptcp." + s.name() + " = " + s.expected() + " (was " + actual + ')');
            } else {
                problems.add("net.mptcp." + s.name() + " is " + actual + ", expected " + s.expected()
                        + " (" + s.configKey() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new MismatchException(String.join("; ", problems)
                    + "; set the sysctl(s) (e.g. sysctl -w net.mptcp.NAME=VALUE) or haap.gateway.sysctl.manage = true");
        }
    }
}
