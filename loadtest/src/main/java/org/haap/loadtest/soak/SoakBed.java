package org.haap.loadtest.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.haap.core.sys.NetworkNamespace;
import org.haap.loadtest.ProcessProbe;

/**
 * Where a soak runs: a network namespace of its own ({@code haapl-XXXX-soak}, random) with
 * only {@code lo}, so nothing in it has a route off the machine; an echo server in it on
 * {@link #SERVER}; and an aggregation point process ({@code org.haap.ap.Main}, its own JVM,
 * a fixed 128 MiB heap touched at start, {@code -XX:+AlwaysPreTouch}, so that its RSS does
 * not creep up as G1 first uses regions it has not used before, and RSS growth means memory
 * outside the heap; and {@code -XX:SoftRefLRUPolicyMSPerMB=0}, so every full GC clears
 * softly reachable objects and the heap after GC is what the AP holds strongly: by default
 * the JVM clears a soft reference only once it has gone unused for 1 s per free MiB of heap,
 * about two minutes here, and the startup caches it drops then (0.36 MiB on an idle AP)
 * would show as a step two minutes into every run) in it on {@link #AP}, with a cookie and a destination policy that allows
 * only the echo server ({@code destinations.allow = ["127.0.0.2/32"]}; everything else
 * stays denied by the defaults). {@link #close} stops the AP and the server and deletes the
 * namespace.
 */
final class SoakBed implements AutoCloseable {

    static final InetSocketAddress AP = new InetSocketAddress("127.0.0.1", 5124);
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.2", 7000);
    /** Denied by the AP's default policy (loopback, the AP itself, a closed port, IPv6 loopback). */
    static final List<InetSocketAddress> DENIED = List.of(new InetSocketAddress("127.0.0.1", 5124),
            new InetSocketAddress("127.0.0.3", 7000), new InetSocketAddress("::1", 7000));
    /** Source address of the valid clients. */
    static final String VALID_SOURCE = "127.0.0.3";
    /** Source addresses of the mutated-message senders ({@code 127.0.0.4} upwards). */
    static final int INVALID_SOURCES = 8;
    static final String COOKIE = "soak-cookie-0123456789";
    static final String AP_HEAP = "128m";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final String namespace;
    private final Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Process ap;
    private ProcessProbe probe;

    private SoakBed(String namespace, Path dir) {
        this.namespace = namespace;
        this.dir = dir;
    }

    /** Creates the namespace, starts the echo server and the AP; {@code logDir} gets the AP's config and log. */
    static SoakBed start(Path logDir) throws Exception {
        String ns = "haapl-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-soak";
        Files.createDirectories(logDir);
        SoakBed bed = new SoakBed(ns, logDir);
        try {
            exec("ip", "netns", "add", ns);
            bed.open.add(() -> exec("ip", "netns", "del", ns));
            exec("ip", "-n", ns, "link", "set", "lo", "up");
            // many short connections from few addresses: a wide ephemeral port range
            exec("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000");
            bed.startEchoServer();
            bed.startAp();
        } catch (Exception | Error e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    /** The namespace's name. */
    String namespace() {
        return namespace;
    }

    /** Reads the AP process's figures. */
    ProcessProbe probe() {
        return probe;
    }

    /** Whether the AP process still runs. */
    boolean apAlive() {
        return ap != null && ap.isAlive();
    }

    /** The AP's log file. */
    Path apLog() {
        return dir.resolve("soak-ap.log");
    }

    static String apConfig() {
        return "haap.aggregation-point {\n"
                + "  listen = [\"" + AP.getAddress().getHostAddress() + ":" + AP.getPort() + "\"]\n"
                + "  cookies = [\"" + COOKIE + "\"]\n"
                + "  destinations.allow = [\"" + SERVER.getAddress().getHostAddress() + "/32\"]\n"
                + "  metrics.enabled = false\n"
                + "}\n";
    }

    private void startEchoServer() throws Exception {
        ServerSocketChannel listener = NetworkNamespace.call(namespace, ServerSocketChannel::open);
        open.add(listener);
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(SERVER, 1024);
        ExecutorService connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "soak-echo");
            t.setDaemon(true);
            return t;
        });
        open.add(connections::shutdownNow);
        Thread acceptor = new Thread(() -> {
            while (listener.isOpen()) {
                try {
                    SocketChannel c = listener.accept();
                    connections.execute(() -> echo(c));
                } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                    return; // closed
                }
            }
        }, "soak-echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Echoes until end of stream, then closes. */
    private static void echo(SocketChannel c) {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (c.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // the AP reset the connection: nothing to echo any more
        }
    }

    private void startAp() throws IOException, InterruptedException {
        Path conf = Files.writeString(dir.resolve("soak-ap.conf"), apConfig(), StandardCharsets.UTF_8);
        Path log = apLog();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ap = new ProcessBuilder(List.of("ip", "netns", "exec", namespace, java, "-Xms" + AP_HEAP, "-Xmx" + AP_HEAP,
                "-XX:+AlwaysPreTouch", "-XX:SoftRefLRUPolicyMSPerMB=0",
                "-cp", System.getProperty("java.class.path"), "org.haap.ap.Main", "--config", conf.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        open.add(this::stopAp);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!Files.readString(log).contains("listening on")) {
            if (!ap.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("the AP did not start; its log:\n" + Files.readString(log));
            }
            Thread.sleep(50); // polling a log file: no event to wait for
        }
        // `ip netns exec` execs the JVM in place: the process is the AP's JVM
        probe = new ProcessProbe(ap.pid());
    }

    private void stopAp() throws InterruptedException {
        ap.destroy();
        if (!ap.waitFor(45, TimeUnit.SECONDS)) {
            ap.destroyForcibly();
        }
    }

    static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(open);
        java.util.Collections.reverse(reversed);
        open.clear();
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("soak: teardown: " + e);
            }
        }
    }
}
