package org.haap.gateway.pm.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haap.gateway.pm.PmWan;

/**
 * The engine's meters: {@code haap_gateway_pm_commands_total{command,wan,result}} (command
 * {@code create}, {@code destroy}, {@code set_backup}; result {@code ok}, {@code failed},
 * {@code gone}: the kernel no longer knew the connection, see {@link Result#GONE})
 * and {@code haap_gateway_pm_ignored_connections_total} (MPTCP connections whose initial
 * subflow is on no WAN).
 */
public final class PmMeters {

    /** The commands, as metric label values. */
    public enum Command {
        CREATE("create"), DESTROY("destroy"), SET_BACKUP("set_backup");

        final String label;

        Command(String label) {
            this.label = label;
        }
    }

    /** A command's outcome, as metric label values. */
    public enum Result {
        OK("ok"), FAILED("failed"),
        /** Refused because the connection had closed meanwhile (a reset RobE loser): not an error. */
        GONE("gone");

        final String label;

        Result(String label) {
            this.label = label;
        }
    }

    private final Map<String, Counter> commands = new HashMap<>();
    private final Counter ignored;

    public PmMeters(MeterRegistry registry, List<PmWan> wans) {
        for (Command c : Command.values()) {
            for (PmWan w : wans) {
                for (Result r : Result.values()) {
                    commands.put(key(c, w, r), Counter.builder("haap.gateway.pm.commands")
                            .description("Path-manager commands sent to the kernel by the userspace path manager")
                            .tag("command", c.label).tag("wan", w.name()).tag("result", r.label)
                            .register(registry));
                }
            }
        }
        ignored = Counter.builder("haap.gateway.pm.ignored.connections")
                .description("MPTCP connections the path manager leaves alone: their initial subflow is on no WAN")
                .register(registry);
    }

    void command(Command c, PmWan wan, Result r) {
        commands.get(key(c, wan, r)).increment();
    }

    /** Counts a connection left alone. */
    public void ignored() {
        ignored.increment();
    }

    /** The count of {@code c} on {@code wan} with result {@code r}. */
    public double commands(Command c, PmWan wan, Result r) {
        return commands.get(key(c, wan, r)).count();
    }

    private static String key(Command c, PmWan w, Result r) {
        return c.label + '/' + w.index() + '/' + r.label;
    }
}
