package org.haap.loadtest.hybrid;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;

import org.haap.core.sys.NetworkNamespace;

/**
 * One client connection to an {@link ObjectServer}, created in a network namespace (the
 * LAN client's, so that the CPE's gateway intercepts it), every step bounded by a deadline
 * on {@link System#nanoTime()}. Blocking; used by one thread at a time.
 */
public final class ObjectConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[64 << 10];
    private long firstByteNanos = -1;

    private ObjectConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Creates a TCP socket in {@code namespace} and connects it to {@code server} before
     * {@code deadline} (a {@link System#nanoTime()} value).
     *
     * @throws IOException on failure or when the deadline passes
     */
    public static ObjectConnection open(String namespace, InetSocketAddress server, long deadline) throws Exception {
        SocketChannel ch = NetworkNamespace.call(namespace, SocketChannel::open);
        try {
            Socket s = ch.socket();
            s.setTcpNoDelay(true);
            s.connect(server, remainingMillis(deadline));
            return new ObjectConnection(s);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Requests an object of {@code size} bytes and reads all of it before {@code deadline}.
     * The first call records when the first byte of the answer arrived
     * ({@link #firstByteNanos()}).
     *
     * @throws IOException if the connection ends early, fails or the deadline passes
     */
    public void fetch(int size, long deadline) throws IOException {
        fetch(size, deadline, null);
    }

    /** {@link #fetch(int, long)}, feeding every byte of the answer to {@code digest} (unless null). */
    public void fetch(int size, long deadline, java.security.MessageDigest digest) throws IOException {
        if (size < 1 || size > ObjectServer.MAX_OBJECT) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1.." + ObjectServer.MAX_OBJECT + ")");
        }
        out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        out.flush();
        read(size, deadline, digest);
    }

    /**
     * Reads the {@code size}-byte banner of a server that speaks first
     * ({@link ObjectServer#start(String, int, int)}) before {@code deadline}, having sent
     * nothing; records when its first byte arrived ({@link #firstByteNanos()}).
     *
     * @throws IOException if the connection ends early, fails or the deadline passes
     */
    public void readBanner(int size, long deadline) throws IOException {
        if (size < 1 || size > ObjectServer.MAX_OBJECT) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1.." + ObjectServer.MAX_OBJECT + ")");
        }
        read(size, deadline, null);
    }

    private void read(int size, long deadline, java.security.MessageDigest digest) throws IOException {
        int left = size;
        while (left > 0) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n;
            try {
                n = in.read(buffer, 0, Math.min(left, buffer.length));
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no answer before the deadline (" + (size - left) + "/" + size + " bytes)");
            }
            if (n < 0) {
                throw new EOFException("closed after " + (size - left) + "/" + size + " bytes");
            }
            if (firstByteNanos < 0) {
                firstByteNanos = System.nanoTime();
            }
            if (digest != null) {
                digest.update(buffer, 0, n);
            }
            left -= n;
        }
    }

    /** When the first answer byte arrived ({@link System#nanoTime()}), or -1 before that. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** Milliseconds until {@code deadline}, at least 1; throws once it has passed. */
    static int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms < 1) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }
}
