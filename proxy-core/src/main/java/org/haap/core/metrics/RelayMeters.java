package org.haap.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.haap.core.relay.Direction;
import org.haap.core.relay.RelayListener;

/**
 * The relay's meters, one set per process, the same on both sides but for the role prefix:
 * <ul>
 *   <li>{@code haap_<role>_relay_bytes_total{direction}}: bytes relayed (upstream: client to server);</li>
 *   <li>{@code haap_<role>_relay_paused_reading_total{direction}}: times the relay stopped reading
 *       one side because the side it writes to was not writable.</li>
 * </ul>
 * All four series are registered at construction; the relay's hot path only increments them.
 * Every relay session of a process gets this one object as its {@link RelayListener}: a
 * session holds a reference, never meters of its own. Constructing a second instance on the
 * same registry shares the counters (Micrometer registers a meter id once).
 */
public final class RelayMeters implements RelayListener {

    /** Whose relay: the prefix of the meter names. */
    public enum Role {
        /** The aggregation point: {@code haap_ap_relay_*}. */
        AP("haap.ap"),
        /** The client gateway: {@code haap_gateway_relay_*}. */
        GATEWAY("haap.gateway");

        private final String prefix;

        Role(String prefix) {
            this.prefix = prefix;
        }
    }

    static final String BYTES_HELP = "Bytes relayed, by direction (upstream: client to server)";
    static final String PAUSED_HELP =
            "Times the relay stopped reading one side because the side it writes to was not writable, by direction";

    private final Counter bytesUp;
    private final Counter bytesDown;
    private final Counter pausedUp;
    private final Counter pausedDown;

    /**
     * @param registry where the meters are registered
     * @param role     the application, which names the meters
     */
    public RelayMeters(MeterRegistry registry, Role role) {
        Objects.requireNonNull(registry, "registry");
        String bytes = role.prefix + ".relay.bytes";
        String paused = role.prefix + ".relay.paused.reading";
        bytesUp = bytes(registry, bytes, Direction.UPSTREAM);
        bytesDown = bytes(registry, bytes, Direction.DOWNSTREAM);
        pausedUp = paused(registry, paused, Direction.UPSTREAM);
        pausedDown = paused(registry, paused, Direction.DOWNSTREAM);
    }

    private static Counter bytes(MeterRegistry registry, String name, Direction dir) {
        return Counter.builder(name).description(BYTES_HELP).baseUnit("bytes")
                .tag("direction", label(dir)).register(registry);
    }

    private static Counter paused(MeterRegistry registry, String name, Direction dir) {
        return Counter.builder(name).description(PAUSED_HELP).tag("direction", label(dir)).register(registry);
    }

    private static String label(Direction dir) {
        return dir == Direction.UPSTREAM ? "upstream" : "downstream";
    }

    /**
     * Counts {@code n} bytes relayed in {@code dir}; also for bytes an earlier stage forwarded
     * before the relay took over (they count as relayed all the same).
     */
    @Override
    public void onBytes(Direction dir, long n) {
        (dir == Direction.UPSTREAM ? bytesUp : bytesDown).increment(n);
    }

    @Override
    public void onPausedReading(Direction dir) {
        (dir == Direction.UPSTREAM ? pausedUp : pausedDown).increment();
    }

    /** Bytes counted so far in {@code dir}. */
    public double bytes(Direction dir) {
        return (dir == Direction.UPSTREAM ? bytesUp : bytesDown).count();
    }

    /** Paused reads counted so far in {@code dir}. */
    public double pausedReading(Direction dir) {
        return (dir == Direction.UPSTREAM ? pausedUp : pausedDown).count();
    }
}
