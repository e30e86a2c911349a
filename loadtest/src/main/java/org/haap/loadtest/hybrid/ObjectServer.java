package org.haap.loadtest.hybrid;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.haap.core.sys.NetworkNamespace;

/**
 * A tiny object server, the web servers of the RobE scenarios: a plain TCP listener in a
 * network namespace (on the wildcard address, so it serves every address of the
 * namespace). On each connection it reads requests, each a big-endian u32 object size
 * 1..{@value #MAX_OBJECT}, and answers each with that many bytes at once, until the client
 * closes, as HTTP/1.1 keep-alive does. One thread per connection. Started with a banner
 * ({@link #start(String, int, int)}), it first writes that many bytes of the same kind at
 * accept, before reading anything: a server that speaks first (SMTP, SSH, FTP).
 */
public final class ObjectServer implements AutoCloseable {

    /** The largest object a request may ask for. */
    public static final int MAX_OBJECT = 16 << 20;
    /**
     * What every answer is made of: this block, from its start, as many times as the size
     * needs (the last one cut short). Pseudo-random, so that a byte lost, repeated or altered
     * on the way changes the answer's SHA-256 ({@link #sha256}).
     */
    private static final byte[] FILL = new byte[64 << 10];

    static {
        new java.util.SplittableRandom(8803).nextBytes(FILL);
    }

    private final ServerSocketChannel listener;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final int banner;

    private ObjectServer(ServerSocketChannel listener, ExecutorService threads, int banner) {
        this.listener = listener;
        this.threads = threads;
        this.banner = banner;
    }

    /** Listens on {@code port} of every address in namespace {@code namespace}. */
    public static ObjectServer start(String namespace, int port) throws Exception {
        return start(namespace, port, 0);
    }

    /**
     * Listens on {@code port} of every address in namespace {@code namespace}, writing
     * {@code banner} bytes (0: none; else as an answer of that size) on every connection at
     * accept.
     */
    public static ObjectServer start(String namespace, int port, int banner) throws Exception {
        if (banner < 0 || banner > MAX_OBJECT) {
            throw new IllegalArgumentException("banner: " + banner + " (expected: 0.." + MAX_OBJECT + ")");
        }
        ServerSocketChannel ch = NetworkNamespace.call(namespace, ServerSocketChannel::open);
        try {
            ch.socket().setReuseAddress(true);
            ch.bind(new InetSocketAddress(port), 1024);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "object-server");
            t.setDaemon(true);
            return t;
        });
        ObjectServer server = new ObjectServer(ch, threads, banner);
        threads.execute(server::acceptLoop);
        return server;
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                Socket s = listener.accept().socket();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            if (banner > 0) {
                answer(out, banner);
            }
            while (true) {
                int size;
                try {
                    size = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                if (size < 1 || size > MAX_OBJECT) {
                    return;
                }
                answer(out, size);
            }
        } catch (IOException e) {
            // the client reset or timed out: nothing to do for a test server
        } finally {
            open.remove(s);
        }
    }

    private static void answer(OutputStream out, int size) throws IOException {
        for (int left = size; left > 0; ) {
            int n = Math.min(left, FILL.length);
            out.write(FILL, 0, n);
            left -= n;
        }
        out.flush();
    }

    /** The SHA-256 of the answer to a request for {@code size} bytes. */
    public static byte[] sha256(int size) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (int left = size; left > 0; left -= FILL.length) {
                md.update(FILL, 0, Math.min(left, FILL.length));
            }
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops listening and closes every open connection. */
    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
