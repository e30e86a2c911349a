package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.ProcessStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An AP started with a low open-files limit ({@code prlimit --nofile=N:N}) and then filled
 * up with silent connections until accept fails with EMFILE: the relaying session opened
 * before keeps working, every new client is reset at once (the listener's spare descriptor),
 * the failures are counted, the AP uses almost no CPU while saturated, a client accepted
 * into the last free descriptor gets Error 64 when its upstream socket cannot be opened,
 * and once the flood is gone new sessions work again.
 *
 * <pre>
 *  client ns                         ap ns                          server ns
 *  198.18.41.2  c1 ─── a1 198.18.41.1 :5124
 *                                    a3 198.18.43.1 ─── s3 198.18.43.2 (:7003 echo)
 * </pre>
 */
class AggregationPointFdLimitIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.41.1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.43.2", 7003);
    private static final byte[] COOKIE = "fd-limit-secret".getBytes(StandardCharsets.UTF_8);
    /** The AP's soft and hard RLIMIT_NOFILE: room for the JVM and some connections, no more. */
    private static final int FD_LIMIT = 400;
    /** Connections attempted beyond the descriptors the AP has free (they are to be reset). */
    private static final int PAST_THE_LIMIT = 100;
    /** How long a refused client may wait for its reset: the longest pause, and some. */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(2);
    private static final Duration CPU_WINDOW = Duration.ofSeconds(5);

    private ApItFixture bed;
    private final List<Socket> flood = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireCommand("prlimit");
        bed = ApItFixture.create("fdl");
        bed.linkThrough(41, 43);
        bed.serve(ECHO, TestServer.Mode.ECHO);
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["198.18.41.1:5124"]
                  event-loops = 1
                  clients.allow = ["198.18.41.0/24"]
                  destinations.allow = ["198.18.43.0/24"]
                  cookies = ["fd-limit-secret"]
                  timeouts { header = 300s, drain = 2s }
                  limits { max-unauthenticated-per-client = 100000, max-unauthenticated = 100000 }
                  metrics.listen = "127.0.0.1:9124"
                }
                """, List.of("prlimit", "--nofile=" + FD_LIMIT + ":" + FD_LIMIT));
    }

    @AfterEach
    void tearDown() {
        closeFlood();
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void outOfFileDescriptorsTheApServesItsSessionsResetsNewOnesAndIdles() throws Exception {
        assertTrue(bed.log().contains("open files limit (RLIMIT_NOFILE): soft " + FD_LIMIT + ", hard " + FD_LIMIT),
                bed::log);
        long pid = bed.apProcess().pid();
        try (TestClient session = openSession()) {
            echo(session, "before the flood");
            // fill every free descriptor with silent connections, then go on past the limit
            int attempts = FD_LIMIT - bed.apOpenFds() + PAST_THE_LIMIT;
            AtomicInteger floodReset = new AtomicInteger();
            for (int i = 0; i < attempts; i++) {
                Socket s = silentConnectionOrReset();
                if (s != null) {
                    flood.add(s);
                } else {
                    floodReset.incrementAndGet();
                }
            }
            await().atMost(T).until(() -> bed.apOpenFds() >= FD_LIMIT - 2);
            // the AP resets what it cannot take at once; the connections it took stay open
            await().atMost(T).until(() -> {
                floodReset.addAndGet(dropReset());
                return floodReset.get() >= PAST_THE_LIMIT / 2;
            });
            int held = flood.size();
            System.out.printf("fd-limit IT: %d silent connections held, %d reset of %d%n", held, floodReset.get(), attempts);
            int open = bed.apOpenFds();
            assertTrue(open >= FD_LIMIT - 2, () -> "not saturated: " + open + " fds open");

            echo(session, "while saturated");

            // five seconds of new clients, 20 a second, all reset at once: the AP's CPU time
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger resetDuringWindow = new AtomicInteger();
            ExecutorService knocker = Executors.newSingleThreadExecutor();
            Future<?> knocking = knocker.submit(() -> {
                while (!stop.get()) {
                    if (attemptRefused()) {
                        resetDuringWindow.incrementAndGet();
                    }
                    Thread.sleep(50);
                }
                return null;
            });
            long ticksBefore = ProcessStats.ticks(pid);
            Thread.sleep(CPU_WINDOW.toMillis()); // the measured window: the AP's CPU ticks over it
            long ticks = ProcessStats.ticks(pid) - ticksBefore;
            stop.set(true);
            knocking.get();
            knocker.shutdown();
            double share = ticks / (double) ProcessStats.ticksPerSecond() / CPU_WINDOW.toSeconds();
            System.out.printf("fd-limit IT: AP CPU %.1f %% of a core over %d s saturated (%d ticks),"
                    + " %d clients reset meanwhile, %d held%n", share * 100, CPU_WINDOW.toSeconds(), ticks,
                    resetDuringWindow.get(), held);
            assertTrue(resetDuringWindow.get() >= 50, () -> "only " + resetDuringWindow.get() + " clients reset");
            assertTrue(share < 0.10, () -> "AP used " + share * 100 + " % of a core while saturated");

            echo(session, "after the window");

            // one descriptor free: a client is accepted, but its upstream socket cannot be opened
            flood.remove(0).close();
            await().atMost(T).until(() -> bed.apOpenFds() < FD_LIMIT);
            try (TestClient starved = bed.connect(AP, ClientSocketOptions.mptcp())) {
                starved.write(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)));
                assertArrayEquals(ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED)),
                        starved.readToEnd(T), "Error 64, then the AP closes");
            }

            closeFlood();
            // descriptors free again: the metrics endpoint answers and a new session works
            await().atMost(T).until(() -> bed.apOpenFds() < FD_LIMIT - PAST_THE_LIMIT);
            try (TestClient next = openSession()) {
                echo(next, "after the flood");
            }
            assertTrue(bed.metricSum("haap_ap_accept_errors_total{reason=\"fd_limit\"") > 0);
            assertEquals(1, bed.metricSum("haap_ap_upstream_failures_total{reason=\"fd_limit\""));
            assertTrue(bed.metricSum("haap_ap_rejected_total{reason=\"fd_limit\"")
                    >= floodReset.get() + resetDuringWindow.get());
            echo(session, "at the end");
        }
        assertTrue(bed.apRunning());
    }

    /** A session through the AP to the echo server. */
    private TestClient openSession() throws Exception {
        TestClient c = bed.connect(AP, ClientSocketOptions.mptcp());
        c.write(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)));
        assertArrayEquals(HEX.parseHex("01 01 22 63"), c.readExactly(4, T));
        return c;
    }

    private static void echo(TestClient session, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        session.write(data);
        assertArrayEquals(data, session.readExactly(data.length, T), text);
    }

    /** A connection from the client namespace that sends nothing (closed with a reset). */
    private Socket silentConnection() throws Exception {
        return bed.client.call(() -> {
            Socket socket = new Socket();
            socket.setSoLinger(true, 0);
            socket.connect(AP, (int) T.toMillis());
            return socket;
        });
    }

    /** {@link #silentConnection()}, or null if the AP reset it so fast that the connect itself failed. */
    private Socket silentConnectionOrReset() throws Exception {
        try {
            return silentConnection();
        } catch (SocketException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("reset"), e::toString);
            return null;
        }
    }

    /** Closes and drops the flood's connections that the AP has reset; returns how many. */
    private int dropReset() throws IOException {
        int reset = 0;
        for (var it = flood.iterator(); it.hasNext();) {
            Socket s = it.next();
            s.setSoTimeout(1);
            try {
                int r = s.getInputStream().read();
                throw new AssertionError("the AP answered " + r + " to a connection without a header");
            } catch (SocketTimeoutException e) {
                // held by the AP
            } catch (SocketException e) {
                assertTrue(String.valueOf(e.getMessage()).contains("reset"), e::toString);
                s.close();
                it.remove();
                reset++;
            }
        }
        return reset;
    }

    /**
     * A new client while the AP is saturated: true when the AP resets it within {@link
     * #REFUSED_WITHIN}; fails if it answers or keeps the connection.
     */
    private boolean attemptRefused() throws Exception {
        Socket connected = silentConnectionOrReset();
        if (connected == null) {
            return true; // reset before the connect call even returned
        }
        try (Socket s = connected) {
            s.setSoTimeout((int) REFUSED_WITHIN.toMillis());
            SocketException reset = assertThrows(SocketException.class, () -> s.getInputStream().read(),
                    "not reset within " + REFUSED_WITHIN);
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset::toString);
            return true;
        }
    }

    private void closeFlood() {
        for (Socket s : flood) {
            try {
                s.close();
            } catch (IOException e) {
                // a reset close; the namespace goes away later anyway
            }
        }
        flood.clear();
    }
}
