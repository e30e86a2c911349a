package org.haap.ap;

import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The AP's drain on SIGTERM on the real kernel: an idle pooled connection is closed when
 * the drain starts, a transfer still running at the drain deadline is reset on both sides
 * (the client sees a reset, never an end of stream that would pass a cut transfer for a
 * complete one) and counted, and the process exits within the drain time plus one second.
 */
class AggregationPointDrainIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.31.1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.33.2", 7003);
    private static final byte[] COOKIE = "drain-secret".getBytes(StandardCharsets.UTF_8);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final long TRANSFER_BYTES = 300L << 20;
    private static final long BYTES_PER_SECOND = 10L << 20;
    private static final int CHUNK = 64 << 10;

    @AutoClose
    private ApItFixture bed;

    private TestClient connect() throws Exception {
        return bed.connect(AP, ClientSocketOptions.mptcp().withSource(new InetSocketAddress("198.18.31.2", 0)));
    }

    @Test
    void sigtermClosesPooledConnectionsAtOnceAndResetsTransfersAtTheDeadline() throws Exception {
        bed = ApItFixture.create("drain");
        Veth.link(bed.client, "c1", "198.18.31.2/24", bed.ap, "a1", "198.18.31.1/24");
        Veth.link(bed.ap, "a3", "198.18.33.1/24", bed.server, "s3", "198.18.33.2/24");
        bed.server.exec("ip", "route", "add", "default", "via", "198.18.33.1");
        bed.serve(ECHO, TestServer.Mode.ECHO);
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124"]
                  event-loops = 2
                  clients.allow = ["198.18.31.0/24"]
                  destinations.allow = ["198.18.33.0/24"]
                  cookies = ["drain-secret"]
                  timeouts { drain = %ds, pool-idle = 120s }
                  metrics.listen = "127.0.0.1:9124"
                }
                """.formatted(DRAIN.toSeconds()));

        TestClient pooled = connect();
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        pooled.write(ConvertCodec.encode(ConvertMessage.poolHello(
                PoolHelloTlv.sign(COOKIE, System.currentTimeMillis(), nonce))));
        assertEquals(12, pooled.readExactly(12, T).length, "pool ack");

        TestClient transfer = connect();
        transfer.write(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)));
        assertArrayEquals(HEX.parseHex("01 01 22 63"), transfer.readExactly(4, T));
        AtomicLong echoed = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> pace(transfer));
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                byte[] chunk;
                while ((chunk = transfer.next(System.nanoTime() + T.toNanos())) != null) {
                    echoed.addAndGet(chunk.length);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (echoed.get() < BYTES_PER_SECOND) { // about a second into the transfer
            assertFalse(reader.isDone(), "the transfer ended early");
            Thread.sleep(10);
        }

        long sigterm = System.nanoTime();
        bed.apProcess().destroy(); // SIGTERM
        assertEquals(0, pooled.readToEnd(T).length, "the pooled connection is closed, with nothing sent");
        long echoedAtPoolClose = echoed.get();
        // the readiness deploy/kubernetes/ relies on: from the drain's start the service port
        // refuses new connections, while the metrics endpoint still answers
        Exception refused = assertThrows(Exception.class, this::connect);
        assertTrue(String.valueOf(refused.getMessage()).contains("refused"), refused::toString);
        assertTrue(bed.metrics().contains("haap_ap_sessions_active"), "metrics answered during the drain");

        reader.get(T.toSeconds(), TimeUnit.SECONDS);
        assertTrue(echoed.get() > echoedAtPoolClose + BYTES_PER_SECOND,
                "the transfer went on after the pooled connection was closed");
        assertTrue(echoed.get() < TRANSFER_BYTES, "the transfer was cut");
        assertTrue(transfer.wasReset(), () -> "the client sees a reset, not an end of stream: " + transfer.error);
        writer.get(T.toSeconds(), TimeUnit.SECONDS);

        assertTrue(bed.apProcess().waitFor(T.toSeconds(), TimeUnit.SECONDS), "AP did not exit");
        long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
        assertTrue(exitMillis >= DRAIN.toMillis() && exitMillis <= DRAIN.toMillis() + 1000,
                () -> "exited " + exitMillis + " ms after SIGTERM (expected: drain " + DRAIN.toMillis()
                        + " ms .. + 1 s)\n" + bed.log());
        String log = bed.log();
        assertTrue(log.contains("resetting both sides of 1 sessions"), log);
        assertTrue(log.lines().anyMatch(l -> l.contains("dst=" + ECHO) && l.contains("reason=drain_aborted")
                && l.contains("ended-by=proxy")), log);
        assertTrue(log.contains("haap ap: stopped"), log);
        assertEquals(0, bed.apProcess().exitValue());
    }

    /** Writes {@link #TRANSFER_BYTES} at {@link #BYTES_PER_SECOND} until the connection ends. */
    private static void pace(TestClient c) {
        byte[] chunk = new byte[CHUNK];
        long start = System.nanoTime();
        try {
            for (long sent = 0; sent < TRANSFER_BYTES && c.channel().isActive(); sent += CHUNK) {
                long due = start + sent * 1_000_000_000L / BYTES_PER_SECOND;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                c.writeAsync(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
