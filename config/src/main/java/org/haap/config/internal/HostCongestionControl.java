package org.haap.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.haap.config.CongestionControl;

/**
 * What this host's kernel offers for {@code congestion-control}, read from {@code /proc} and
 * the module tree (the config module binds no native code): the algorithms it has loaded
 * ({@code net.ipv4.tcp_available_congestion_control}), the default, and the {@code tcp_*}
 * modules it could load. What {@code check-config} tells about the key; the applications
 * themselves try the algorithm on a socket at start ({@code org.haap.core.net.TcpCongestion}).
 *
 * @param available the loaded algorithms
 * @param loadable  algorithms of {@code tcp_NAME} kernel modules not loaded yet
 * @param hostDefault the host's default algorithm
 */
public record HostCongestionControl(List<String> available, List<String> loadable, String hostDefault) {

    public HostCongestionControl {
        available = List.copyOf(available);
        loadable = List.copyOf(loadable);
    }

    /** This host's, or empty when {@code /proc/sys/net/ipv4} cannot be read. */
    public static Optional<HostCongestionControl> read() {
        return read(Path.of("/proc/sys/net/ipv4"), Path.of("/lib/modules", System.getProperty("os.version", "")));
    }

    static Optional<HostCongestionControl> read(Path sysctls, Path modules) {
        try {
            List<String> available = words(Files.readString(sysctls.resolve("tcp_available_congestion_control")));
            String hostDefault = Files.readString(sysctls.resolve("tcp_congestion_control")).trim();
            return Optional.of(new HostCongestionControl(available, loadable(modules, available), hostDefault));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> loadable(Path modules, List<String> available) {
        Path dir = modules.resolve("kernel/net/ipv4");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("tcp_") && n.contains(".ko"))
                    .map(n -> n.substring(4, n.indexOf(".ko")))
                    .filter(n -> !available.contains(n) && !n.equals("diag"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> words(String text) {
        return List.of(text.trim().split("\\s+"));
    }

    /** Whether this kernel has {@code algorithm} loaded or as a module. */
    public boolean has(String algorithm) {
        return available.contains(algorithm) || loadable.contains(algorithm);
    }

    /**
     * What {@code key} = {@code cc} gives on this host: the line {@code check-config} prints
     * and, when it would not give what it says, a warning.
     *
     * @return the description first, then a warning if any
     */
    public List<String> describe(String key, CongestionControl cc) {
        String offered = "this kernel has " + String.join(" ", available)
                + (loadable.isEmpty() ? "" : "; as modules " + String.join(" ", loadable));
        if (cc.isAuto()) {
            if (has(CongestionControl.PREFERRED)) {
                return List.of(key + ": auto = " + CongestionControl.PREFERRED + " on this host (" + offered + ")");
            }
            return List.of(key + ": auto = " + hostDefault + ", the host's default (" + offered + ")",
                    key + " = auto: this kernel has no " + CongestionControl.PREFERRED + "; the host's default "
                            + hostDefault + " is used, and loss on a WAN costs more throughput");
        }
        String name = cc.algorithm().orElseThrow();
        if (has(name)) {
            return List.of(key + ": " + name + " (" + offered + ")");
        }
        return List.of(key + ": " + name + " (" + offered + ")",
                key + " = " + name + ": this kernel has no such algorithm (" + offered
                        + "); the application will not start on this host");
    }
}
