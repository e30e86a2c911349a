package org.haap.loadtest.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.Test;

/**
 * The wire-level fuzz test: 100,000 mutated Convert messages ({@link Mutator}), each on a
 * connection of its own from {@value #SENDERS} concurrent senders, against a running AP
 * process ({@link SoakBed}: a namespace with only {@code lo}, the AP allowed to reach only
 * the echo server there), while a valid client loop runs alongside. Afterwards the AP still
 * runs, the valid loop had no failure, and, read while nothing is in flight, the AP's open
 * descriptors and threads equal those before, and its heap after a full GC is at most
 * {@value #HEAP_TOLERANCE_KIB} KiB above it.
 *
 * <p>Why a heap tolerance: the heap after a full GC of an idle AP varies by up to ~0.4 MiB
 * between readings with no trend (soak runs: 7.3-7.7 MiB, flat over 10 minutes: Micrometer
 * and Netty keep some per-interval and per-thread state); 1 MiB over 100,000 messages still
 * catches any leak of 11 bytes or more per message. Before the baseline a warm-up of
 * {@value #WARM_UP} messages lets lazily made state (event-loop threads, the attach
 * listener, caches) come into being.
 */
class MutatedConvertIT {

    static final long MESSAGES = 100_000;
    static final long WARM_UP = 3_000;
    static final int SENDERS = 6;
    static final int VALID_CLIENTS = 2;
    static final double VALID_PER_SECOND = 40;
    static final long HEAP_TOLERANCE_KIB = 1024;
    /** Bound on the whole run (it takes about a minute on a 2-CPU machine). */
    static final long LIMIT_SECONDS = 300;

    @Test
    void hundredThousandMutatedMessagesLeaveTheApAsItWas() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "sysctl");
        Path logDir = Files.createTempDirectory("haap-fuzz-it");
        try (SoakBed bed = SoakBed.start(logDir)) {
            SoakSample before;
            SoakSample after;
            Traffic traffic = new Traffic(bed.namespace(), 12);
            try {
                traffic.start(VALID_CLIENTS, VALID_PER_SECOND, SENDERS, 0, MESSAGES + WARM_UP);
                awaitSent(traffic, WARM_UP);
                before = SoakScenario.sample(bed, traffic, 0);
                awaitSent(traffic, MESSAGES + WARM_UP);
            } finally {
                traffic.close();
            }
            after = SoakScenario.sample(bed, traffic, 0);
            String what = "before " + before + "\nafter " + after + "\n" + SoakScenario.counters(traffic)
                    + "\nfailures " + traffic.failures() + "\nAP log " + bed.apLog();
            assertTrue(bed.apAlive(), "the AP is running: " + what);
            assertEquals(MESSAGES + WARM_UP, traffic.invalidSent.get(), what);
            assertEquals(0, traffic.invalidErrors.get(), "every connect accepted: " + what);
            assertEquals(0, traffic.validFailed.get(), "valid sessions failed: " + what);
            assertTrue(traffic.validOk.get() > 0, what);
            assertEquals(List.of(), traffic.failures(), what);
            assertEquals(before.fds(), after.fds(), "open descriptors: " + what);
            assertEquals(before.threads(), after.threads(), "threads: " + what);
            assertTrue(after.heapKib() <= before.heapKib() + HEAP_TOLERANCE_KIB, "heap after GC: " + what);
            System.out.println("MutatedConvertIT: " + what.replace('\n', ' '));
        }
    }

    private static void awaitSent(Traffic traffic, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (traffic.invalidSent.get() + traffic.invalidErrors.get() < count) {
            assertTrue(System.nanoTime() < deadline, "only " + traffic.invalidSent.get() + " of " + count + " sent");
            Thread.sleep(100); // progress of other threads: polled
        }
    }
}
