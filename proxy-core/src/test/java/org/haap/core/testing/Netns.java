package org.haap.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.haap.core.sys.NetworkNamespace;

/**
 * A throw-away network namespace for one test (class), named {@code haapt-<prefix>-<5
 * random chars>} so that concurrent test runs never collide, with {@code lo} up. Use it in
 * try-with-resources or close it in {@code @AfterEach}/{@code @AfterAll}: {@link #close()}
 * kills the processes started here and deletes the namespace (with every interface in it).
 * Needs root and {@code ip} ({@link Prerequisites#requireNetns()}).
 */
public final class Netns implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Netns.class.getName());
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]{1,16}");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates namespace {@code haapt-<prefix>-<random>} and sets {@code lo} up in it. */
    public static Netns create(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: 1-16 of [a-z0-9])");
        }
        SecureRandom random = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String name = "haapt-" + prefix + "-" + suffix;
        run(List.of(Prerequisites.ipCommand(), "netns", "add", name));
        Netns ns = new Netns(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * Creates one namespace per role, {@code haapt-<prefix><role>-<random>}, in order; if one
     * cannot be created, deletes those created before it and rethrows.
     */
    public static List<Netns> createAll(String prefix, String... roles) {
        List<Netns> created = new ArrayList<>(roles.length);
        try {
            for (String role : roles) {
                created.add(create(prefix + role));
            }
        } catch (RuntimeException | Error e) {
            created.forEach(Netns::close);
            throw e;
        }
        return List.copyOf(created);
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /**
     * Runs {@code cmd} inside the namespace ({@code ip netns exec}) and returns its stdout.
     *
     * @throws IllegalStateException with the command's stderr if it exits non-zero
     */
    public String exec(String... cmd) {
        List<String> full = new ArrayList<>(List.of(Prerequisites.ipCommand(), "netns", "exec", name));
        full.addAll(List.of(cmd));
        return run(full);
    }

    /** Runs {@code ip -n <name> args...} and returns its stdout; throws like {@link #exec}. */
    public String ip(String... args) {
        List<String> full = new ArrayList<>(List.of(Prerequisites.ipCommand(), "-n", name));
        full.addAll(List.of(args));
        return run(full);
    }

    /** Adds a route in the main table: {@code route("10.2.0.0/24", "via", "10.1.0.2")}. */
    public void route(String... spec) {
        List<String> args = new ArrayList<>(List.of("route", "add"));
        args.addAll(List.of(spec));
        ip(args.toArray(String[]::new));
    }

    /** Sets a sysctl of this namespace, e.g. {@code sysctl("net.mptcp.blackhole_timeout", "0")}. */
    public void sysctl(String key, String value) {
        if (!key.matches("[a-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("key: " + key + " (expected: a sysctl name)");
        }
        // /proc/sys/net/* is resolved against the writing thread's network namespace.
        Path file = Path.of("/proc/sys", key.replace('.', '/'));
        try {
            call(() -> Files.writeString(file, value));
        } catch (Exception e) {
            throw new IllegalStateException("sysctl " + key + "=" + value + " in netns " + name + " failed", e);
        }
    }

    /** Runs {@code task} on the current thread inside this namespace ({@link NetworkNamespace#call}). */
    public <T> T call(Callable<T> task) throws Exception {
        return NetworkNamespace.call(name, task);
    }

    /**
     * Starts {@code cmd} in the background inside the namespace, stdout and stderr to {@code
     * log}. The process is destroyed on {@link #close()}.
     */
    public synchronized Process start(List<String> cmd, Path log) {
        List<String> full = new ArrayList<>(List.of(Prerequisites.ipCommand(), "netns", "exec", name));
        full.addAll(cmd);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd + " in netns " + name, e);
        }
    }

    /**
     * Kills the processes started here and deletes the namespace. Never throws; logs problems.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            try {
                p.destroy();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot stop process " + p.pid() + " in netns " + name, e);
            }
        }
        processes.clear();
        try {
            run(List.of(Prerequisites.ipCommand(), "netns", "del", name));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot delete netns " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static String run(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " exited with " + p.exitValue() + ": " + err.join().strip());
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
