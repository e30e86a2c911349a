package org.haap.ap;

import org.haap.ap.internal.ReloadPlan;
import org.haap.config.ApConfig;
import org.haap.config.ConfigError;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Re-reads the aggregation point's configuration file (on SIGHUP) and applies what may
 * change while running ({@link ReloadPlan}). A file that does not load or validate is
 * logged with one warning naming the file and the error, counted as
 * {@code haap_ap_config_reloads_total{result="invalid"}}, and changes nothing. A valid file
 * is applied, counted as {@code result="ok"} and logged with one line naming the keys that
 * changed, plus a warning naming the changed keys that need a restart (their running values
 * are kept). Calls must not overlap ({@link org.haap.core.lifecycle.Hangup} serializes them).
 */
final class ConfigReloader {

    private static final Logger LOG = System.getLogger(ConfigReloader.class.getName());

    private final Path file;
    private final Function<Path, ApConfig> loader;
    private final Supplier<ApConfig> running;
    private final Consumer<ApConfig> apply;
    private final ApMetrics metrics;

    /**
     * @param file    the configuration file the AP was started with
     * @param loader  reads and validates a file, throwing {@link ConfigError}
     * @param running the configuration in use now
     * @param apply   makes a configuration the one in use
     * @param metrics where reloads are counted
     */
    ConfigReloader(Path file, Function<Path, ApConfig> loader, Supplier<ApConfig> running,
                   Consumer<ApConfig> apply, ApMetrics metrics) {
        this.file = file;
        this.loader = loader;
        this.running = running;
        this.apply = apply;
        this.metrics = metrics;
    }

    /** Re-reads the file; the plan applied, or empty when the file was invalid. */
    Optional<ReloadPlan> reload() {
        ApConfig loaded;
        try {
            loaded = loader.apply(file);
        } catch (ConfigError e) {
            metrics.configReloaded(false);
            LOG.log(Level.WARNING, "reload: " + file + " is invalid, keeping the running configuration: "
                    + e.getMessage().replace('\n', ';'));
            return Optional.empty();
        }
        ReloadPlan plan = ReloadPlan.between(running.get(), loaded);
        apply.accept(plan.applied());
        metrics.configReloaded(true);
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
