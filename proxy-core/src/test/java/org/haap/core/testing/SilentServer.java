package org.haap.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A TCP server that accepts connections and holds them open, never reading or writing: the
 * far end of an idle proxied connection. One accepting thread, no thread per connection.
 * {@link #close()} closes the listener and every connection it holds.
 */
public final class SilentServer implements AutoCloseable {

    private final ServerSocketChannel listener;
    private final ConcurrentLinkedQueue<SocketChannel> held = new ConcurrentLinkedQueue<>();

    private SilentServer(ServerSocketChannel listener) {
        this.listener = listener;
        Thread acceptor = new Thread(this::acceptLoop, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code address} in namespace {@code ns} (backlog 4096). */
    public static SilentServer start(Netns ns, InetSocketAddress address) throws Exception {
        return new SilentServer(ns.call(() -> {
            ServerSocketChannel ch = ServerSocketChannel.open();
            ch.bind(address, 4096);
            return ch;
        }));
    }

    private void acceptLoop() {
        try {
            while (true) {
                held.add(listener.accept());
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Connections accepted so far. */
    public int accepted() {
        return held.size();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        SocketChannel c;
        while ((c = held.poll()) != null) {
            c.close();
        }
    }
}
