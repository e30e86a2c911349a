package org.haap.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The Prometheus scrape endpoint ({@code metrics} in either application's section).
 *
 * @param enabled        whether the endpoint is served at all
 * @param listen         where it listens (HTTP, path {@code /metrics})
 * @param readTimeout    time a client has to send a whole request, and then to take the answer
 * @param idleTimeout    time a kept-alive connection may wait for its next request
 * @param maxConnections connections open at once
 */
public record MetricsSettings(boolean enabled, InetSocketAddress listen, Duration readTimeout, Duration idleTimeout,
        int maxConnections) {

    /** The default {@code read-timeout}. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** The default {@code idle-timeout}. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@code max-connections}. */
    public static final int MAX_CONNECTIONS = 16;
    /** The largest {@code max-connections}. */
    public static final int MAX_CONNECTIONS_LIMIT = 1024;
    /** The shortest timeout. */
    public static final long MIN_TIMEOUT_MILLIS = 100;

    public MetricsSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** {@code enabled} and {@code listen} with the default limits. */
    public MetricsSettings(boolean enabled, InetSocketAddress listen) {
        this(enabled, listen, READ_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS);
    }

    static MetricsSettings read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        InetSocketAddress listen = p.read(() -> s.socketAddress("listen"));
        Duration read = p.read(() -> s.durationAtLeastMillis("read-timeout", MIN_TIMEOUT_MILLIS));
        Duration idle = p.read(() -> s.durationAtLeastMillis("idle-timeout", MIN_TIMEOUT_MILLIS));
        Integer max = p.read(() -> s.intInRange("max-connections", 1, MAX_CONNECTIONS_LIMIT));
        p.throwIfAny();
        return new MetricsSettings(enabled, listen, read, idle, max);
    }
}
