package org.haap.deploy.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A small TCP measuring tool for the testbed's namespaces (no iperf or ping needed):
 * <ul>
 *   <li>{@code serve --port P}: accepts connections and discards what they send until EOF;</li>
 *   <li>{@code rtt --host H --port P --count N [--bind ADDR] [--timeout-ms T]}: N sequential
 *       TCP connects, prints {@code connect-us=...} per sample and {@code median-us=...}; exit
 *       code 1 and {@code failed=...} when a connect fails or times out;</li>
 *   <li>{@code send --host H --port P --seconds S [--bind ADDR]}: sends for S seconds,
 *       waits until the receiver has read everything, prints {@code mbit=...}.</li>
 * </ul>
 * A TCP connect takes one round trip (SYN, SYN/ACK), so its time measures the path's RTT.
 */
public final class LinkProbe {

    private LinkProbe() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        if (args.length == 0) {
            out.println("Usage: LinkProbe serve|rtt|send --port P [--host H] [--bind A] [--count N] [--seconds S]");
            return 2;
        }
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        int port = Integer.parseInt(opt.getOrDefault("--port", "5201"));
        switch (args[0]) {
            case "serve" -> serve(port);
            case "rtt" -> {
                return rtt(opt.get("--host"), port, opt.get("--bind"), Integer.parseInt(opt.getOrDefault("--count", "50")),
                        Integer.parseInt(opt.getOrDefault("--timeout-ms", "3000")), out);
            }
            case "send" -> send(opt.get("--host"), port, opt.get("--bind"), Double.parseDouble(opt.getOrDefault("--seconds", "3")), out);
            default -> {
                out.println("unknown mode " + args[0]);
                return 2;
            }
        }
        return 0;
    }

    private static void serve(int port) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port), 512);
            System.out.println("serving " + port);
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> discard(s), "probe-conn");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void discard(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] buf = new byte[256 * 1024];
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // the peer went away: nothing to measure here
        }
    }

    private static int rtt(String host, int port, String bind, int count, int timeoutMs, PrintStream out)
            throws IOException, InterruptedException {
        long[] us = new long[count];
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket()) {
                if (bind != null) {
                    s.bind(new InetSocketAddress(InetAddress.getByName(bind), 0));
                }
                long t0 = System.nanoTime();
                s.connect(target, timeoutMs);
                us[i] = (System.nanoTime() - t0) / 1000;
            } catch (IOException e) {
                out.println("failed=" + e.getMessage());
                return 1;
            }
            out.println("connect-us=" + us[i]);
            Thread.sleep(5); // spaces the samples so they do not queue behind each other
        }
        long[] sorted = us.clone();
        Arrays.sort(sorted);
        out.println("median-us=" + sorted[count / 2]);
        return 0;
    }

    private static void send(String host, int port, String bind, double seconds, PrintStream out) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            if (bind != null) {
                ch.bind(new InetSocketAddress(InetAddress.getByName(bind), 0));
            }
            ch.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
            long bytes = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                buf.clear();
                bytes += ch.write(buf);
            }
            ch.shutdownOutput();
            // The receiver closes after reading everything: the transfer is complete then.
            ByteBuffer one = ByteBuffer.allocate(1);
            while (ch.read(one) >= 0) {
                one.clear();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            out.println("bytes=" + bytes + " seconds=" + String.format("%.3f", elapsed));
            out.println("mbit=" + String.format("%.1f", bytes * 8 / elapsed / 1e6));
        }
    }
}
