package org.haap.loadtest.cost;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.haap.core.sys.NetworkNamespace;

/**
 * The LAN clients of the cost scenarios: a fixed set of threads that live in the client
 * namespace (each enters it once, when it starts), so every socket they open is a LAN
 * client's socket. Blocking {@link Socket}s: one thread, one connection at a time.
 */
final class LanClients implements AutoCloseable {

    /** Connect and read timeout of every client socket, in ms. */
    static final int TIMEOUT_MS = 10_000;

    private final ExecutorService threads;
    private final int size;

    LanClients(String clientNamespace, int threads) {
        AtomicInteger n = new AtomicInteger();
        this.size = threads;
        this.threads = Executors.newFixedThreadPool(threads, NetworkNamespace.threadFactory(clientNamespace, r -> {
            Thread t = new Thread(r, "lan-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
    }

    /** The threads' executor. */
    ExecutorService executor() {
        return threads;
    }

    /** How many threads (clients at once). */
    int size() {
        return size;
    }

    /**
     * Opens a connection to {@code target} and sends {@code request}; returns the socket once
     * the first answer byte has arrived (that byte is consumed).
     *
     * @throws IOException if the connection fails, is closed before an answer or times out
     */
    static Socket openAndAsk(InetSocketAddress target, byte[] request) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(TIMEOUT_MS);
            s.setTcpNoDelay(true);
            s.connect(target, TIMEOUT_MS);
            s.getOutputStream().write(request);
            if (s.getInputStream().read() < 0) {
                throw new IOException("closed before the first answer byte");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Reads the rest of an {@code R} answer of {@code answerBytes} bytes whose first byte
     * {@link #openAndAsk} consumed, to the server's close.
     *
     * @throws IOException if the answer is cut short or longer, or the read fails
     */
    static void readAnswer(Socket s, int answerBytes) throws IOException {
        long rest = drain(s.getInputStream());
        if (rest + 1 != answerBytes) {
            throw new IOException("answer cut at " + (rest + 1) + " of " + answerBytes + " bytes");
        }
    }

    /** Reads {@code in} to its end; returns the bytes read. */
    static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[16384];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(15, TimeUnit.SECONDS);
    }
}
