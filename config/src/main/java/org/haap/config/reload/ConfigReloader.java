package org.haap.config.reload;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.haap.config.ConfigError;

/**
 * Re-reads a service's configuration file and applies what may change while running. A file
 * that does not load or validate ({@link ConfigError}) is logged with one warning naming the
 * file and the error, counted as invalid, and changes nothing. A valid file goes through the
 * service's plan function (running, loaded → {@link Plan}); the plan's
 * {@linkplain Plan#applied() configuration} is applied, the reload counted as ok and logged
 * with one line naming the keys that changed, plus a warning naming the changed keys that
 * need a restart (the plan keeps their running values). Calls must not overlap
 * ({@code org.haap.core.lifecycle.Hangup} serializes them).
 *
 * @param <C> the service's configuration record
 */
public final class ConfigReloader<C> {

    private static final Logger LOG = System.getLogger(ConfigReloader.class.getName());

    /**
     * What one re-read changes in a running service ({@link KeyChanges#plan} builds one).
     *
     * @param applied     the configuration to run with from now on: the loaded reloadable keys,
     *                    the running values of the others
     * @param changed     the reloadable keys whose value changed, in file order
     * @param needRestart the keys that changed but only take effect after a restart
     * @param <C>         the service's configuration record
     */
    public record Plan<C>(C applied, List<String> changed, List<String> needRestart) {
        public Plan {
            Objects.requireNonNull(applied, "applied");
            changed = List.copyOf(changed);
            needRestart = List.copyOf(needRestart);
        }
    }

    /** Where the outcome of each re-read is counted (a service's {@code ..._config_reloads_total}). */
    @FunctionalInterface
    public interface Counter {
        /** One re-read: {@code valid} when the file loaded and was applied. */
        void reloaded(boolean valid);
    }

    private final Path file;
    private final Function<Path, C> loader;
    private final Supplier<C> running;
    private final BiFunction<C, C, Plan<C>> planner;
    private final Consumer<C> apply;
    private final Counter counter;

    /**
     * @param file    the configuration file the service was started with
     * @param loader  reads and validates a file, throwing {@link ConfigError}
     * @param running the configuration in use now
     * @param planner (running, loaded) → what may change while running
     * @param apply   makes a configuration the one in use
     * @param counter where re-reads are counted
     */
    public ConfigReloader(Path file, Function<Path, C> loader, Supplier<C> running,
            BiFunction<C, C, Plan<C>> planner, Consumer<C> apply, Counter counter) {
        this.file = Objects.requireNonNull(file, "file");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.running = Objects.requireNonNull(running, "running");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.apply = Objects.requireNonNull(apply, "apply");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    /** Re-reads the file; the plan applied, or empty when the file was invalid. */
    public Optional<Plan<C>> reload() {
        C loaded;
        try {
            loaded = loader.apply(file);
        } catch (ConfigError e) {
            counter.reloaded(false);
            LOG.log(Level.WARNING, "reload: " + file + " is invalid, keeping the running configuration: "
                    + e.getMessage().replace('\n', ';'));
            return Optional.empty();
        }
        Plan<C> plan = planner.apply(running.get(), loaded);
        apply.accept(plan.applied());
        counter.reloaded(true);
        if (!plan.needRestart().isEmpty()) {
            LOG.log(Level.WARNING, "reload: " + file + ": " + String.join(", ", plan.needRestart())
                    + " changed but need a restart; running with the old values");
        }
        LOG.log(Level.INFO, "reload: " + file + ": " + (plan.changed().isEmpty()
                ? "no reloadable key changed"
                : "applied " + String.join(", ", plan.changed()) + " to new connections"));
        return Optional.of(plan);
    }
}
