package org.haap.ap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The origin servers of the integration tests, plain blocking TCP, bound inside the
 * server namespace (the listening sockets are created there, then served from any thread).
 * <ul>
 *   <li>{@link Mode#EXCHANGE}: the client first sends an 8-byte seed and an 8-byte count;
 *       the server sends {@code count} bytes of {@link TestData} for that seed while reading
 *       everything the client sends until EOF, then sends the SHA-256 of what it received
 *       and closes.</li>
 *   <li>{@link Mode#ECHO}: echoes until EOF, then closes.</li>
 *   <li>{@link Mode#RESET}: reads whatever arrives first, then closes with SO_LINGER 0 (RST).</li>
 * </ul>
 */
final class TestServer implements AutoCloseable {

    enum Mode { EXCHANGE, ECHO, RESET }

    private final ServerSocketChannel server;
    private final Mode mode;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger open = new AtomicInteger();

    TestServer(ServerSocketChannel server, Mode mode) {
        this.server = server;
        this.mode = mode;
        pool.execute(this::acceptLoop);
    }

    /** Opens a listener on {@code address}; call inside the server namespace. */
    static ServerSocketChannel listen(InetSocketAddress address) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(address, 2048);
        return ch;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                open.incrementAndGet();
                pool.execute(() -> serve(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            switch (mode) {
                case EXCHANGE -> exchange(c);
                case ECHO -> echo(c);
                case RESET -> {
                    c.read(ByteBuffer.allocate(1));
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            }
        } catch (Exception e) {
            // the test on the client side sees the consequence
        } finally {
            open.decrementAndGet();
        }
    }

    private static void echo(SocketChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16384);
        while (c.read(buf) >= 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                c.write(buf);
            }
            buf.clear();
        }
        c.shutdownOutput();
    }

    private void exchange(SocketChannel c) throws Exception {
        ByteBuffer head = ByteBuffer.allocate(16);
        while (head.hasRemaining()) {
            if (c.read(head) < 0) {
                return;
            }
        }
        head.flip();
        long seed = head.getLong();
        long count = head.getLong();
        var writer = pool.submit(() -> {
            TestData data = new TestData(seed);
            ByteBuffer out = ByteBuffer.allocate(65536);
            long left = count;
            while (left > 0) {
                out.clear();
                int n = (int) Math.min(out.capacity(), left);
                data.fill(out.array(), 0, n);
                out.limit(n);
                while (out.hasRemaining()) {
                    c.write(out);
                }
                left -= n;
            }
            return null;
        });
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer in = ByteBuffer.allocate(65536);
        while (c.read(in) >= 0) {
            in.flip();
            sha.update(in);
            in.clear();
        }
        writer.get();
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        while (digest.hasRemaining()) {
            c.write(digest);
        }
        c.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
