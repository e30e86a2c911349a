package org.haap.gateway;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.testing.Netns;

/**
 * A stand-in for the aggregation point that misbehaves on purpose, for the gateway's
 * early-data tests: plain TCP (the gateway's MPTCP connections fall back), blocking sockets,
 * one thread per connection. It answers every pool hello with a pool ack (without checking
 * the mac), and a Connect on a fresh connection like a real AP: connects upstream, replies
 * {@code 01 01 22 63}, forwards the client's bytes and relays. A Connect on a <em>pooled</em>
 * connection gets the {@link Fault} set for the test, the realistic one first: the AP acted
 * (connected upstream and forwarded the client's first line) and then its connection to the
 * gateway ended without a reply.
 */
final class FaultyAp implements Closeable {

    /** What a Connect on a pooled connection gets. */
    enum Fault {
        /** Forwards the client's first line upstream, then closes (FIN) without a reply. */
        FORWARD_THEN_CLOSE,
        /** Forwards the client's first line upstream, then resets (SO_LINGER 0) without a reply. */
        FORWARD_THEN_RESET,
        /** Forwards the client's first line upstream, then answers bytes that are no Convert message. */
        FORWARD_THEN_GARBAGE,
        /** Refuses before any upstream connect: Error TLV 64 (Resource Exceeded), then close. */
        REFUSE_RESOURCE_EXCEEDED
    }

    private final Netns ns;
    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger pooledConnects = new AtomicInteger();
    private volatile Fault fault = Fault.FORWARD_THEN_CLOSE;

    private FaultyAp(Netns ns, InetSocketAddress listen, InetSocketAddress upstream) throws Exception {
        this.ns = ns;
        this.upstream = upstream;
        this.listener = ns.call(() -> new ServerSocket(listen.getPort(), 64, listen.getAddress()));
        GatewayItFixture.serve(listener, "haapt-faulty-ap", s -> {
            sockets.add(s);
            serve(s);
        });
    }

    /** Listens on {@code listen} in {@code ns}; every Connect is carried to {@code upstream}, whatever it names. */
    static FaultyAp start(Netns ns, InetSocketAddress listen, InetSocketAddress upstream) throws Exception {
        return new FaultyAp(ns, listen, upstream);
    }

    void fault(Fault f) {
        fault = f;
    }

    /** Connect messages received on pooled connections so far. */
    int pooledConnects() {
        return pooledConnects.get();
    }

    private void serve(Socket s) throws IOException {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            ConvertMessage first = readMessage(in);
            boolean pooled = first.poolHelloTlv().isPresent();
            if (pooled) {
                out.write(ConvertCodec.encode(ConvertMessage.poolAck(120_000)));
                out.flush();
                first = readMessage(in); // blocks while the connection idles in the gateway's pool
            }
            if (first.connectTlv().isEmpty()) {
                return;
            }
            if (pooled) {
                pooledConnects.incrementAndGet();
                misbehave(s, in, out, fault);
            } else {
                relay(in, out);
            }
        } catch (ConvertException e) {
            throw new IOException(e);
        }
    }

    private void misbehave(Socket s, InputStream in, OutputStream out, Fault f) throws IOException {
        if (f == Fault.REFUSE_RESOURCE_EXCEEDED) {
            out.write(ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED)));
            out.flush();
            return;
        }
        byte[] line = readLine(in);
        try (Socket up = connectUpstream()) {
            up.getOutputStream().write(line);
            up.getOutputStream().flush();
            // The request is out; the server's answer is lost with this connection.
            switch (f) {
                case FORWARD_THEN_RESET -> s.setSoLinger(true, 0);
                case FORWARD_THEN_GARBAGE -> {
                    out.write(new byte[] {(byte) 0xff, 0, 0, 0, 'x', 'y'});
                    out.flush();
                    // keep the connection open: the gateway must judge the reply, not a close
                    in.read();
                }
                default -> {
                    // FORWARD_THEN_CLOSE: a plain close (FIN)
                }
            }
        }
    }

    /** Like a real AP: upstream connect, success reply, then bytes both ways until either side ends. */
    private void relay(InputStream in, OutputStream out) throws IOException {
        try (Socket up = connectUpstream()) {
            out.write(ConvertCodec.encode(ConvertMessage.success()));
            out.flush();
            Thread down = new Thread(() -> {
                try {
                    up.getInputStream().transferTo(out);
                    out.flush();
                } catch (IOException e) {
                    // either side ended
                }
            }, "haapt-faulty-ap-down");
            down.setDaemon(true);
            down.start();
            in.transferTo(up.getOutputStream());
            up.shutdownOutput();
            down.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Socket connectUpstream() throws IOException {
        try {
            return ns.call(() -> {
                Socket up = new Socket();
                up.connect(upstream, 5_000);
                return up;
            });
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** Reads one Convert message: the fixed header gives its length in 32-bit words. */
    private static ConvertMessage readMessage(InputStream in) throws IOException, ConvertException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[4];
        data.readFully(header);
        byte[] message = new byte[(header[1] & 0xff) * 4];
        System.arraycopy(header, 0, message, 0, 4);
        data.readFully(message, 4, message.length - 4);
        return ConvertCodec.decode(Unpooled.wrappedBuffer(message));
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
