package org.haap.loadtest.browser;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.internal.Commands;
import org.haap.loadtest.ProcessProbe;

/**
 * Debian's Chromium as the load tests run it: headless, as root without its sandbox, a fresh
 * profile directory per page load, every name of the page mapped to a server address by
 * {@code --host-resolver-rules} and every other name unresolvable, and whatever it would
 * fetch by itself (component updates, sync, field trials, safe browsing, HTTPS upgrades,
 * QUIC, proxy auto-detection) off. It is started with {@code setsid}, so that it leads its
 * own process group, and stopped by killing that group (its zygotes, renderers and utility
 * processes) by the leader's process id.
 *
 * <p>A browser that has just started is busy for a second or more (its processes, the
 * network service, the profile); a page given on its command line would carry that in its
 * Navigation Timing (on the 2-CPU development VM a loopback page took 1,030 ms so, 282 ms
 * opened 2 s after the start). So it starts on {@code about:blank} with the DevTools
 * protocol on a pipe ({@code --remote-debugging-pipe}: file descriptors 3 and 4, here two
 * FIFOs in the load's directory), {@link #awaitIdle} waits until its processes stop using
 * CPU, and {@link #open} then opens the page in a new tab ({@code Target.createTarget}).
 */
final class Chromium implements AutoCloseable {

    /** The Debian package that provides it ({@code ./haap} installs it). */
    static final String PACKAGE = "chromium";
    private static final List<String> SEARCH = List.of("/usr/bin", "/usr/local/bin");
    /**
     * Chromium's nice value. The browser shares this machine's CPUs with the path it measures
     * (the testbed's delay lines and, through the gateway, two proxies in user space), where a
     * real browser runs on a computer of its own; at the lowest priority it takes only the CPU
     * time the path leaves, in every mode alike. {@code setsid} gives it a session of its
     * own, and with the kernel's autogroup scheduling ({@code kernel.sched_autogroup_enabled})
     * a session is a group that competes with the others as a whole whatever its tasks' nice
     * values: so the group's nice ({@code /proc/self/autogroup}) is set to this value too.
     */
    static final int NICE = 19;
    /** Features that reach out on their own or change what a plain {@code http://} load does. */
    static final List<String> DISABLED_FEATURES = List.of("HttpsUpgrades", "HttpsFirstBalancedModeAutoEnable",
            "OptimizationHints", "OptimizationGuideModelDownloading", "MediaRouter", "DialMediaRouteProvider",
            "Translate", "AutofillServerCommunication", "CertificateTransparencyComponentUpdater",
            "NetworkTimeServiceQuerying", "InterestFeedContentSuggestions");
    private static final Duration PIPE_TIMEOUT = Duration.ofSeconds(20);
    private static final long IDLE_POLL_MS = 100;
    /** Idle: its processes used at most this much CPU over {@link #IDLE_POLLS} polls. */
    private static final double IDLE_CPU_SECONDS = 0.02;
    private static final int IDLE_POLLS = 3;

    private final Process process;
    private final OutputStream toBrowser;
    private final InputStream fromBrowser;
    private int nextId = 1;

    private Chromium(Process process, OutputStream toBrowser, InputStream fromBrowser) {
        this.process = process;
        this.toBrowser = toBrowser;
        this.fromBrowser = fromBrowser;
    }

    /** The {@code chromium} executable on {@code PATH} or in the usual directories, if installed. */
    static Optional<Path> find() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SEARCH);
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "chromium"))
                .filter(Files::isExecutable).findFirst();
    }

    /** {@code chromium --version}'s line, e.g. {@code Chromium 156.0.8078.129 built on Debian ...}. */
    static String version(Path binary) {
        String out = Commands.run(List.of(binary.toString(), "--version"), null, Duration.ofSeconds(30)).stdout();
        return out.lines().filter(l -> l.startsWith("Chromium")).findFirst().orElse(out.strip());
    }

    /**
     * The command line: {@code setsid sh -c 'exec "$0" "$@" 3<IN 4>OUT' chromium FLAGS
     * about:blank}, the shell only opening the DevTools pipe's FIFOs and replacing itself
     * with chromium (one process id throughout).
     *
     * @param binary    the chromium executable
     * @param dir       a fresh, empty directory: the profile goes to {@code dir/profile}, the
     *                  FIFOs are {@code dir/cdp-in} and {@code dir/cdp-out}
     * @param hosts     the page's host names
     * @param addresses the address of each host, in the same order
     */
    static List<String> command(Path binary, Path dir, List<String> hosts, List<String> addresses) {
        if (hosts.size() != addresses.size()) {
            throw new IllegalArgumentException("hosts: " + hosts.size() + ", addresses: " + addresses.size()
                    + " (expected: one address per host)");
        }
        StringJoiner rules = new StringJoiner(", ");
        for (int i = 0; i < hosts.size(); i++) {
            rules.add("MAP " + hosts.get(i) + " " + addresses.get(i));
        }
        rules.add("MAP * ~NOTFOUND");
        return List.of("setsid", "sh", "-c",
                "echo " + NICE + " 2>/dev/null >/proc/self/autogroup; exec nice -n " + NICE
                        + " \"$0\" \"$@\" 3<'" + dir.resolve("cdp-in") + "' 4>'" + dir.resolve("cdp-out") + "'",
                binary.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--disable-breakpad", "--no-pings", "--no-proxy-server",
                "--metrics-recording-only", "--password-store=basic", "--window-size=1280,800",
                "--disable-features=" + String.join(",", DISABLED_FEATURES),
                "--host-resolver-rules=" + rules,
                "--remote-debugging-pipe",
                "--user-data-dir=" + dir.resolve("profile"),
                "about:blank");
    }

    /**
     * Starts chromium in the LAN client's namespace of {@code testbed} ({@link #command}),
     * its output appended to {@code log}, and connects to its DevTools pipe.
     */
    static Chromium launch(Testbed testbed, Path binary, Path dir, Path log, List<String> hosts,
                           List<String> addresses) throws IOException, InterruptedException {
        Path in = dir.resolve("cdp-in");
        Path out = dir.resolve("cdp-out");
        Commands.run(List.of("mkfifo", in.toString(), out.toString()), null, Duration.ofSeconds(10)).check();
        Process p = testbed.start(Node.CLIENT, log, command(binary, dir, hosts, addresses));
        // the shell opens cdp-in, then cdp-out; each open blocks until the other end is open
        CompletableFuture<OutputStream[]> toBrowser = new CompletableFuture<>();
        CompletableFuture<InputStream> fromBrowser = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                toBrowser.complete(new OutputStream[] {new FileOutputStream(in.toFile())});
                fromBrowser.complete(new FileInputStream(out.toFile()));
            } catch (IOException e) {
                toBrowser.completeExceptionally(e);
                fromBrowser.completeExceptionally(e);
            }
        }, "chromium-pipe");
        opener.setDaemon(true);
        opener.start();
        try {
            return new Chromium(p, toBrowser.get(PIPE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)[0],
                    fromBrowser.get(PIPE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            throw new IOException("chromium's DevTools pipe did not open (see " + log + ")", e);
        }
    }

    /** The process id of the browser (the process group's leader). */
    long pid() {
        return process.pid();
    }

    /**
     * How the kernel schedules the browser, for the result's header: its nice value and its
     * autogroup's ({@code /proc/PID/autogroup}), e.g. "nice 19, autogroup nice 19".
     */
    String priority() {
        String nice;
        String group;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            // fields after the command's closing parenthesis: state is field 3, nice field 19
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            nice = "nice " + f[16];
        } catch (IOException | RuntimeException e) {
            nice = "nice unknown";
        }
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid()), "autogroup")).strip();
            group = "autogroup " + line.substring(line.lastIndexOf("nice"));
        } catch (IOException | RuntimeException e) {
            group = "no autogroup";
        }
        return nice + ", " + group;
    }

    /** Whether the browser still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the browser's processes together use at most 20 ms of CPU in 300 ms, or
     * {@code max} has passed.
     *
     * @return how long it waited, in ms
     */
    long awaitIdle(Duration max) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        List<Double> cpu = new ArrayList<>();
        while (System.nanoTime() < deadline && process.isAlive()) {
            cpu.add(cpuSeconds());
            int n = cpu.size();
            if (n > IDLE_POLLS && cpu.get(n - 1) - cpu.get(n - 1 - IDLE_POLLS) <= IDLE_CPU_SECONDS) {
                break;
            }
            Thread.sleep(IDLE_POLL_MS);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** User and system CPU seconds of the browser and its descendants so far. */
    private double cpuSeconds() {
        double sum = 0;
        for (ProcessHandle h : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
            try {
                sum += new ProcessProbe(h.pid()).cpuSeconds();
            } catch (IOException | RuntimeException e) {
                // ended meanwhile
            }
        }
        return sum;
    }

    /**
     * Opens {@code url} in a new tab ({@code Target.createTarget}) and returns once the
     * browser has answered.
     *
     * @throws IOException if the pipe fails or the browser answers with an error
     */
    void open(String url) throws IOException {
        int id = nextId++;
        String msg = "{\"id\":" + id + ",\"method\":\"Target.createTarget\",\"params\":{\"url\":\"" + url + "\"}}";
        toBrowser.write(msg.getBytes(StandardCharsets.UTF_8));
        toBrowser.write(0);
        toBrowser.flush();
        while (true) {
            String answer = readMessage();
            if (answer.contains("\"id\":" + id + ",") || answer.contains("\"id\":" + id + "}")) {
                if (!answer.contains("\"targetId\"")) {
                    throw new IOException("Target.createTarget: " + answer);
                }
                return;
            }
        }
    }

    /** One DevTools message: the bytes up to the next NUL. */
    private String readMessage() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = fromBrowser.read(); c != 0; c = fromBrowser.read()) {
            if (c < 0) {
                throw new IOException("chromium closed its DevTools pipe");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Kills the browser's process group and closes the pipe. */
    @Override
    public void close() throws InterruptedException {
        kill(process);
        try {
            toBrowser.close();
            fromBrowser.close();
        } catch (IOException e) {
            // the browser is gone
        }
    }

    /**
     * Kills the process group {@code browser} leads (SIGKILL to {@code -pid}), then any
     * descendant left, and waits for the leader to end; a no-op once it has ended.
     */
    static void kill(Process browser) throws InterruptedException {
        List<ProcessHandle> family = browser.descendants().toList();
        if (browser.isAlive()) {
            Commands.run(List.of("kill", "-KILL", "--", "-" + browser.pid()), null, Duration.ofSeconds(10));
        }
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        browser.destroyForcibly();
        if (!browser.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("chromium " + browser.pid() + " did not end after SIGKILL");
        }
    }

    /** Removes a load's directory and everything in it. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
