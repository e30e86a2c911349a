package org.haap.loadtest.browser;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.sys.NetworkNamespace;

/**
 * Brings a freshly started gateway's JVM to its steady state before a batch is measured: a
 * router's gateway has run for days, its code compiled, while each batch restarts it. It
 * makes {@code connections} short HTTP/1.1 exchanges through it from the LAN namespace,
 * {@value #PARALLEL} at a time, spread over the page's hosts: each connects, asks for a path
 * the page server answers 404 (a few hundred bytes, so the link's rate hardly matters) with
 * {@code Connection: close}, and reads to the end. The page server counts them as 404s,
 * outside any load's count.
 */
final class GatewayWarmUp {

    /** Connections at once. */
    static final int PARALLEL = 8;
    /** Connections per warm-up by default: thousands of calls of the per-connection code. */
    static final int CONNECTIONS = 400;
    /** The path asked for. */
    static final String PATH = "/haap-warm-up";

    private GatewayWarmUp() {
    }

    /** The request for {@code host}. */
    static byte[] request(String host) {
        return ("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Makes {@code connections} exchanges from {@code namespace} to {@code servers} (round
     * robin); returns how many got an answer. Each socket has a 10 s timeout.
     */
    static int run(String namespace, List<InetSocketAddress> servers, int connections) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "gateway-warm-up");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < PARALLEL; w++) {
                workers.add(threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < connections; i = next.getAndIncrement()) {
                        InetSocketAddress server = servers.get(i % servers.size());
                        if (exchange(namespace, server)) {
                            answered.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("warm-up: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            threads.shutdownNow();
        }
        return answered.get();
    }

    private static boolean exchange(String namespace, InetSocketAddress server) {
        try (SocketChannel ch = NetworkNamespace.call(namespace, SocketChannel::open)) {
            Socket s = ch.socket();
            s.setSoTimeout(10_000);
            s.connect(server, 10_000);
            s.getOutputStream().write(request(server.getAddress().getHostAddress()));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            boolean any = false;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                any |= n > 0;
            }
            return any;
        } catch (Exception e) {
            return false;
        }
    }
}
