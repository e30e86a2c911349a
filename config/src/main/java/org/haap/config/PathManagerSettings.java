package org.haap.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The gateway's MPTCP path manager ({@code haap.gateway.path-manager}).
 *
 * @param mode which path manager opens the subflows
 * @param policy which subflows it opens; only {@link PathPolicy#kernelCapable()} policies
 *     with {@link PathManagerMode#KERNEL}
 * @param overflow the thresholds of {@link PathPolicy#OVERFLOW}
 * @param smartBackup the thresholds of {@link PathPolicy#SMART_BACKUP}
 * @param bulk when a connection counts as bulk (for {@link PathPolicy#LATENCY_FIRST} and the
 *     per-class metrics under every policy)
 */
public record PathManagerSettings(PathManagerMode mode, PathPolicy policy, Overflow overflow,
        SmartBackup smartBackup, Bulk bulk) {

    public PathManagerSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(smartBackup, "smartBackup");
        Objects.requireNonNull(bulk, "bulk");
    }

    /** {@code mode} and {@code policy} with the default thresholds. */
    public PathManagerSettings(PathManagerMode mode, PathPolicy policy) {
        this(mode, policy, Overflow.DEFAULTS, SmartBackup.DEFAULTS, Bulk.DEFAULTS);
    }

    /** {@code mode}, {@code policy}, overflow and smart-backup thresholds, and the default bulk thresholds. */
    public PathManagerSettings(PathManagerMode mode, PathPolicy policy, Overflow overflow, SmartBackup smartBackup) {
        this(mode, policy, overflow, smartBackup, Bulk.DEFAULTS);
    }

    /**
     * {@code path-manager.bulk}: when a connection through the gateway counts as bulk rather
     * than short. It is bulk from the moment either holds: it has relayed {@code bytes} (both
     * directions together), or it has been moving bytes for {@code busy} without a pause of
     * {@link #PAUSE} or more.
     *
     * @param bytes relayed bytes that make a connection bulk, &gt; 0
     * @param busy how long a connection may move bytes without a pause before it counts as
     *     bulk, &gt; 0
     * @param wanSaturation the fraction of the highest rate a WAN was seen to carry at or
     *     above which it counts as saturated, (0, 1]
     */
    public record Bulk(long bytes, Duration busy, double wanSaturation) {

        /**
         * A gap between two reads this long or longer ends a busy stretch: longer than the
         * gaps within one transfer, shorter than a request-response round trip on a WAN.
         */
        public static final Duration PAUSE = Duration.ofMillis(50);
        /** The defaults of reference.conf. */
        public static final Bulk DEFAULTS = new Bulk(256 * 1024, Duration.ofMillis(300), 0.8);

        public Bulk {
            Objects.requireNonNull(busy, "busy");
            if (bytes <= 0) {
                throw new IllegalArgumentException("bytes: " + bytes + " (expected: > 0)");
            }
            if (busy.isNegative() || busy.isZero()) {
                throw new IllegalArgumentException("busy: " + busy + " (expected: > 0)");
            }
            if (!(wanSaturation > 0 && wanSaturation <= 1)) {
                throw new IllegalArgumentException("wanSaturation: " + wanSaturation + " (expected: > 0 and <= 1)");
            }
        }

        static Bulk read(Section s) {
            Problems p = new Problems();
            Long bytes = p.read(() -> s.parseString("bytes", "a size such as 256KiB", size("a size such as 256KiB")));
            Duration busy = p.read(() -> s.positiveDuration("busy"));
            Double saturation = p.read(() -> fraction(s, "wan-saturation"));
            p.throwIfAny();
            return new Bulk(bytes, busy, saturation);
        }
    }

    /**
     * {@code path-manager.overflow}: when the metered WANs (every WAN after the first) are
     * made active.
     *
     * @param capacityBitsPerSecond the preferred WAN's capacity in bits per second; empty =
     *     not set (required with {@link PathPolicy#OVERFLOW})
     * @param saturation fraction of the capacity at or above which the preferred WAN counts
     *     as saturated, (0, 1]
     * @param release fraction of the capacity below which the traffic of every WAN together
     *     fits on the preferred WAN again, (0, saturation)
     * @param hold how long a condition must last before the policy acts on it, &gt; 0
     * @param budgetBytes monthly volume budget of each metered WAN; empty = none
     * @param budgetResetDay day of the month (1..28) the budget's count restarts
     */
    public record Overflow(OptionalLong capacityBitsPerSecond, double saturation, double release, Duration hold,
            OptionalLong budgetBytes, int budgetResetDay) {

        /** The defaults of reference.conf: no capacity, 0.8, 0.5, 2 s, no budget, day 1. */
        public static final Overflow DEFAULTS = new Overflow(OptionalLong.empty(), 0.8, 0.5, Duration.ofSeconds(2),
                OptionalLong.empty(), 1);

        public Overflow {
            Objects.requireNonNull(capacityBitsPerSecond, "capacityBitsPerSecond");
            Objects.requireNonNull(hold, "hold");
            Objects.requireNonNull(budgetBytes, "budgetBytes");
            if (!(saturation > 0 && saturation <= 1)) {
                throw new IllegalArgumentException("saturation: " + saturation + " (expected: > 0 and <= 1)");
            }
            if (!(release > 0 && release < saturation)) {
                throw new IllegalArgumentException("release: " + release + " (expected: > 0 and < saturation)");
            }
            if (budgetResetDay < 1 || budgetResetDay > 28) {
                throw new IllegalArgumentException("budgetResetDay: " + budgetResetDay + " (expected: 1..28)");
            }
        }

        static Overflow read(Section s) {
            Problems p = new Problems();
            OptionalLong capacity = p.read(() -> s.isSet("capacity")
                    ? OptionalLong.of(s.parseString("capacity", "a rate such as 50Mbit/s", PathManagerSettings::bitRate))
                    : OptionalLong.empty());
            Double saturation = p.read(() -> fraction(s, "saturation"));
            Double release = p.read(() -> fraction(s, "release"));
            Duration hold = p.read(() -> s.positiveDuration("hold"));
            OptionalLong budget = p.read(() -> s.isSet("budget")
                    ? OptionalLong.of(s.parseString("budget", "a size such as 20GiB", size("a size such as 20GiB")))
                    : OptionalLong.empty());
            Integer resetDay = p.read(() -> s.intInRange("budget-reset-day", 1, 28));
            p.throwIfAny();
            if (release >= saturation) {
                throw s.invalid("release", "< saturation (" + saturation + ')');
            }
            return new Overflow(capacity, saturation, release, hold, budget, resetDay);
        }
    }

    /**
     * {@code path-manager.smart-backup}: when a subflow counts as failing.
     *
     * @param rtoThreshold a subflow whose retransmission timeout reaches this is failing, &gt; 0
     * @param retransThreshold a subflow whose retransmission timer expired this many times in
     *     a row without progress ({@code tcpi_retransmits}) is failing, 1..255
     * @param retry a WAN abandoned for a connection is tried again after this while the link
     *     monitor reports it up, &gt; 0
     */
    public record SmartBackup(Duration rtoThreshold, int retransThreshold, Duration retry) {

        /** The defaults of reference.conf: 1 s, 3 timeouts, 30 s. */
        public static final SmartBackup DEFAULTS = new SmartBackup(Duration.ofSeconds(1), 3, Duration.ofSeconds(30));

        public SmartBackup {
            Objects.requireNonNull(rtoThreshold, "rtoThreshold");
            Objects.requireNonNull(retry, "retry");
            if (retransThreshold < 1 || retransThreshold > 255) {
                throw new IllegalArgumentException("retransThreshold: " + retransThreshold + " (expected: 1..255)");
            }
        }

        static SmartBackup read(Section s) {
            Problems p = new Problems();
            Duration rto = p.read(() -> s.positiveDuration("rto-threshold"));
            Integer retrans = p.read(() -> s.intInRange("retrans-threshold", 1, 255));
            Duration retry = p.read(() -> s.positiveDuration("retry"));
            p.throwIfAny();
            return new SmartBackup(rto, retrans, retry);
        }
    }

    static PathManagerSettings read(Section s) {
        Problems p = new Problems();
        PathManagerMode mode = p.read(() -> s.enumValue("mode", PathManagerMode.class));
        PathPolicy policy = p.read(() -> s.enumValue("policy", PathPolicy.class));
        Overflow overflow = p.read(() -> Overflow.read(s.child("overflow")));
        SmartBackup smartBackup = p.read(() -> SmartBackup.read(s.child("smart-backup")));
        Bulk bulk = p.read(() -> Bulk.read(s.child("bulk")));
        p.throwIfAny();
        if (mode == PathManagerMode.KERNEL && !policy.kernelCapable()) {
            throw s.invalid("policy", "fullmesh while mode = kernel; the other policies need mode = userspace");
        }
        if (policy == PathPolicy.OVERFLOW && overflow.capacityBitsPerSecond().isEmpty()) {
            throw ConfigError.invalid(s.child("overflow").key("capacity"), "missing",
                    "the preferred WAN's rate such as 50Mbit/s, required with policy = overflow");
        }
        return new PathManagerSettings(mode, policy, overflow, smartBackup, bulk);
    }

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kMG]?)bit/s");

    /** {@code 50Mbit/s}, {@code 800kbit/s}, {@code 1.5Gbit/s} (powers of 1000) in bits per second, &gt; 0. */
    private static long bitRate(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw new BadValue(text, "a rate such as 50Mbit/s (units bit/s, kbit/s, Mbit/s, Gbit/s)");
        }
        double multiplier = switch (m.group(2)) {
            case "k" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            default -> 1;
        };
        double bits = Double.parseDouble(m.group(1)) * multiplier;
        if (bits < 1 || bits > 1e12) {
            throw new BadValue(text, "1bit/s..1000Gbit/s");
        }
        return Math.round(bits);
    }

    /** A parser of HOCON sizes ({@code 20GiB}, {@code 500MB}, bare bytes) &gt; 0; {@code expected} names the form in errors. */
    private static java.util.function.Function<String, Long> size(String expected) {
        return text -> {
            long bytes;
            try {
                bytes = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(text)).getBytes("v");
            } catch (RuntimeException e) {
                throw new BadValue(text, expected);
            }
            if (bytes <= 0) {
                throw new BadValue(text, "> 0");
            }
            return bytes;
        };
    }

    private static double fraction(Section s, String name) {
        return s.parseString(name, "a number in (0, 1]", text -> {
            double value;
            try {
                value = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new BadValue(text, "a number in (0, 1]");
            }
            if (!(value > 0 && value <= 1)) {
                throw new BadValue(text, "a number in (0, 1]");
            }
            return value;
        });
    }
}
