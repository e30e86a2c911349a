package org.haap.config;

import java.util.Optional;
import java.util.regex.Pattern;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.Section;

/**
 * The TCP congestion control the application sets on its sockets ({@code congestion-control}
 * in either application's section): {@code auto}, the product's choice ({@link #PREFERRED}
 * where the kernel has it, otherwise the host's default), or the name of an algorithm the
 * kernel must have. Whether the kernel has it is checked at start and by {@code check-config}
 * ({@code org.haap.core.net.TcpCongestion}), not here.
 *
 * @param algorithm the configured algorithm; empty for {@code auto}
 */
public record CongestionControl(Optional<String> algorithm) {

    /** The key's value for the product's choice. */
    public static final String AUTO = "auto";
    /** What {@code auto} sets where the kernel has it. */
    public static final String PREFERRED = "bbr";
    /** A kernel algorithm name: at most 15 bytes ({@code TCP_CA_NAME_MAX} 16 with the NUL). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,15}");
    private static final String EXPECTED = "auto or a TCP congestion control algorithm name, e.g. bbr or cubic";

    public CongestionControl {
        algorithm.ifPresent(a -> {
            if (!NAME.matcher(a).matches() || a.equals(AUTO)) {
                throw new IllegalArgumentException("algorithm: " + a + " (expected: 1-15 of a-z, 0-9, _)");
            }
        });
    }

    /** The product's choice. */
    public static CongestionControl auto() {
        return new CongestionControl(Optional.empty());
    }

    /** {@code name}, which must be a plausible kernel algorithm name. */
    public static CongestionControl of(String name) {
        return new CongestionControl(Optional.of(name));
    }

    /** Whether the product chooses. */
    public boolean isAuto() {
        return algorithm.isEmpty();
    }

    static CongestionControl read(Section s, String key) {
        return s.parseString(key, EXPECTED, text -> {
            if (text.equals(AUTO)) {
                return auto();
            }
            if (!NAME.matcher(text).matches()) {
                throw new BadValue(text, EXPECTED);
            }
            return of(text);
        });
    }

    @Override
    public String toString() {
        return algorithm.orElse(AUTO);
    }
}
