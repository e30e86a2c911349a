package org.haap.core.lifecycle;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.haap.core.metrics.MetricsRegistries;
import org.haap.core.sys.FileDescriptorLimit;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * What the two long-running commands ({@code haap ap}, {@code haap gateway}) share: the
 * process set-up, the {@code --config FILE | --help} command line, the meter registry with
 * the JVM and process binders, and running until SIGTERM/SIGINT, then draining; a service
 * that is {@link Reloadable} also reloads on SIGHUP meanwhile.
 */
public final class ServiceMain {

    /** EX_USAGE from sysexits.h. */
    public static final int EXIT_USAGE = 64;
    /** EX_UNAVAILABLE: a required kernel feature is missing. */
    public static final int EXIT_UNAVAILABLE = 69;
    /** EX_OSERR: the service could not start (bind, netlink, ...). */
    public static final int EXIT_START_FAILED = 71;

    private ServiceMain() {
    }

    /** A started service, as the run loop needs it. */
    public interface Service {
        /** Sessions open now (printed when draining starts). */
        int activeSessions();

        /** Stops accepting, drains up to the configured deadline, releases everything. */
        void close();
    }

    /** A service that re-reads its configuration on SIGHUP ({@link Hangup}). */
    public interface Reloadable {
        /**
         * Re-reads the configuration and applies what can change while running; on any
         * problem keeps the running configuration. Called on the signal thread, one call at a time.
         */
        void reload();
    }

    /** The command line: a config file, or an exit code when there is nothing to run. */
    public record Arguments(Path configFile, int exitCode) {
        public boolean run() {
            return configFile != null;
        }
    }

    /**
     * One log record per line, written by {@link LineFormatter} (unless JUL was configured
     * by the user), a fixed Netty
     * machine id, since namespaces often have no MAC address to derive one from, and the
     * soft limit on open files raised to the hard limit ({@link FileDescriptorLimit}), logged
     * once at INFO.
     */
    public static void configureProcess() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
            useLineFormatter();
        }
        if (System.getProperty("io.netty.machineId") == null) {
            System.setProperty("io.netty.machineId", "02:00:00:00:00:01");
        }
        raiseFileDescriptorLimit();
    }

    /**
     * The format of a log line when JUL is not configured by the user, in
     * {@link java.util.logging.SimpleFormatter}'s terms; {@link LineFormatter} writes it.
     */
    public static final String LOG_FORMAT = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    /** Gives the root logger's console handlers (JUL's default set-up) the {@link LineFormatter}. */
    private static void useLineFormatter() {
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            if (h instanceof java.util.logging.ConsoleHandler) {
                h.setFormatter(new LineFormatter());
            }
        }
    }

    private static void raiseFileDescriptorLimit() {
        System.Logger log = System.getLogger(ServiceMain.class.getName());
        try {
            log.log(Level.INFO, "open files limit (RLIMIT_NOFILE): " + FileDescriptorLimit.raiseSoftToHard());
        } catch (IOException | RuntimeException | LinkageError e) {
            log.log(Level.WARNING, "cannot raise the open files limit (RLIMIT_NOFILE): " + e.getMessage());
        }
    }

    /** Parses {@code --config FILE} and {@code --help} for {@code haap COMMAND}. */
    public static Arguments parse(String command, String[] args, String usage, PrintStream out, PrintStream err) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(usage);
                    return new Arguments(null, 0);
                }
                case "-c", "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("haap " + command + ": --config needs a FILE");
                        return new Arguments(null, EXIT_USAGE);
                    }
                    configFile = Path.of(args[++i]);
                }
                default -> {
                    err.println("haap " + command + ": unknown argument '" + args[i] + "'");
                    err.print(usage);
                    return new Arguments(null, EXIT_USAGE);
                }
            }
        }
        if (configFile == null) {
            err.println("haap " + command + ": --config FILE is required");
            err.print(usage);
            return new Arguments(null, EXIT_USAGE);
        }
        return new Arguments(configFile, 0);
    }

    /**
     * The application's Prometheus registry: JVM and process meters and {@code haap_build_info}
     * (see {@link MetricsRegistries}).
     */
    public static PrometheusMeterRegistry newRegistry() {
        return MetricsRegistries.newPrometheusRegistry();
    }

    /**
     * Blocks until SIGTERM or SIGINT, then drains {@code service} and the resources after it,
     * printing progress. Returns 0 (a clean stop). If {@code service} is {@link Reloadable},
     * each SIGHUP meanwhile calls its {@link Reloadable#reload()}.
     */
    public static int runUntilTerminated(String command, Service service, Duration drain, PrintStream out,
                                         AutoCloseable... alsoClose) {
        CountDownLatch stop = new CountDownLatch(1);
        Shutdown.onTerminate(stop::countDown);
        if (service instanceof Reloadable reloadable) {
            Hangup.onHangup(reloadable::reload);
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("haap " + command + ": stopping, draining " + service.activeSessions()
                + " open sessions (up to " + drain.toSeconds() + " s)");
        out.flush();
        service.close();
        for (AutoCloseable c : alsoClose) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    out.println("haap " + command + ": while stopping: " + e.getMessage());
                }
            }
        }
        out.println("haap " + command + ": stopped");
        out.flush();
        return 0;
    }

    /** {@code 192.0.2.1:5124}, {@code [2001:db8::1]:5124}, {@code [::]:5124}. */
    public static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() instanceof Inet6Address && a.getAddress().isAnyLocalAddress()
                ? "::" : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
