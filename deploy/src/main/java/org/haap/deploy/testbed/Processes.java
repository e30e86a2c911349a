package org.haap.deploy.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.haap.deploy.testbed.internal.DeployFiles;

/**
 * The testbed's processes: the Java command lines it starts (tagged with their namespace,
 * small JVM or the shipped options), starting a service and awaiting its ready line, and
 * stopping processes. {@link Testbed} offers them per namespace.
 */
final class Processes {

    /** The testbed's JVM flags for its own processes. */
    static final List<String> SMALL_JVM = List.of(
            "-XX:+UseSerialGC", "-Xms32m", "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private final String prefix;
    private final Path runDir;
    private final String javaCommand;
    private final String classPath;

    Processes(String prefix, Path runDir, String javaCommand, String classPath) {
        this.prefix = prefix;
        this.runDir = runDir;
        this.javaCommand = javaCommand;
        this.classPath = classPath;
    }

    /** {@code java -Dhaap.testbed.ns=NAMESPACE OPTIONS -cp CLASSPATH MAIN ARGS}. */
    List<String> javaCommandLine(String namespace, List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand);
        cmd.add("-D" + Testbed.TAG_PROPERTY + "=" + namespace);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The JVM options the product ships for {@code app}: {@code deploy/jvm/ROLE.options}
     * written to the run directory and passed as a java @argument file (unless
     * {@code HAAP_JVM_DEFAULTS=off}), then {@code HAAP_JAVA_OPTS} split at white space.
     */
    List<String> shippedJvmOptions(HaapApp app) {
        String role = app.role();
        Path options = runDir.resolve(prefix + role + ".options");
        try {
            Files.createDirectories(runDir);
            Files.writeString(options, DeployFiles.read("jvm/" + role + ".options"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TestbedException("cannot write " + options, e);
        }
        List<String> jvm = new ArrayList<>();
        if (!"off".equals(System.getenv("HAAP_JVM_DEFAULTS"))) {
            jvm.add("@" + options);
        }
        String extra = System.getenv("HAAP_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        return jvm;
    }

    /**
     * Starts {@code command} in {@code ns} with a fresh {@code log} and returns once the log
     * shows {@code readyLine}.
     *
     * @throws TestbedException if it exits or is not ready within {@code timeout} (the
     *     message carries its log); the process is stopped then
     */
    static Process startAndAwait(Netns ns, Path log, String readyLine, Duration timeout, List<String> command) {
        try {
            Files.deleteIfExists(log); // logs are appended: an old ready line must not count
        } catch (IOException e) {
            throw new TestbedException("cannot remove " + log, e);
        }
        Process p = ns.start(log, command);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!readQuietly(log).contains(readyLine)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String why = p.isAlive() ? "not ready after " + timeout.toSeconds() + " s" : "exited with " + p.exitValue();
                stop(p, Duration.ofSeconds(5));
                throw new TestbedException(why + " in " + ns.name() + ": " + log + ":\n" + readQuietly(log));
            }
            try {
                Thread.sleep(20); // polling a child's log: there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(p, Duration.ofSeconds(5));
                throw new TestbedException("interrupted while starting " + log.getFileName(), e);
            }
        }
        return p;
    }

    /**
     * Stops a process and its descendants: SIGTERM (services drain and exit), then SIGKILL
     * after {@code grace}. Null is ignored.
     */
    static void stop(Process p, Duration grace) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to every process of {@code pids} that exists, SIGKILL to those alive 3 s later. */
    static void killAll(Set<Long> pids) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(handles::add);
        }
        handles.forEach(ProcessHandle::destroy);
        waitForExit(handles, Duration.ofSeconds(3));
        handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        waitForExit(handles, Duration.ofSeconds(5));
    }

    private static void waitForExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle h : handles) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                h.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // still alive: the caller escalates
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A log's text, or "" when it cannot be read. */
    static String readQuietly(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
