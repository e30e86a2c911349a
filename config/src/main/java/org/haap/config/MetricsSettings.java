package org.haap.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The Prometheus scrape endpoint ({@code metrics} in either application's section).
 *
 * @param enabled whether the endpoint is served at all
 * @param listen where it listens (HTTP, path {@code /metrics})
 */
public record MetricsSettings(boolean enabled, InetSocketAddress listen) {

    public MetricsSettings {
        Objects.requireNonNull(listen, "listen");
    }

    static MetricsSettings read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        InetSocketAddress listen = p.read(() -> s.socketAddress("listen"));
        p.throwIfAny();
        return new MetricsSettings(enabled, listen);
    }
}
