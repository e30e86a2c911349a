package org.haap.core.lifecycle;

import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Gives the heap back to the operating system after a burst, for a JVM whose collector
 * shrinks the heap only at a full collection (the gateway's Serial GC; G1 has
 * {@code -XX:G1PeriodicGCInterval} for this). Every {@link #TICK} it looks at what the
 * process's threads allocated and at the heap, and calls {@link System#gc()} when all of
 * these hold:
 * <ul>
 *   <li>the last tick was quiet: less than {@link #QUIET_BYTES} allocated (so a full
 *       collection costs nobody a pause under load; young collections do not count: a small
 *       young generation is collected every few seconds even by an idle process);</li>
 *   <li>{@link #QUIET_BYTES} or more were allocated since the last collection asked for here
 *       (an idle process is not collected again and again);</li>
 *   <li>the committed heap is more than {@link #GROWTH} times the initial heap.</li>
 * </ul>
 * The collector then shrinks the heap to the live set plus {@code -XX:MaxHeapFreeRatio}.
 * {@code -XX:+DisableExplicitGC} turns it off.
 */
public final class HeapReturn {

    private static final Logger LOG = System.getLogger(HeapReturn.class.getName());

    /** How often the heap is looked at. */
    public static final Duration TICK = Duration.ofSeconds(15);
    /** Allocation in one tick below which the process counts as quiet. */
    public static final long QUIET_BYTES = 2L << 20;
    /** How much above the initial heap the committed heap must be to be worth a full collection. */
    public static final double GROWTH = 1.25;

    private final MemoryMXBean memory;
    private final LongSupplier allocated;
    private Look last;
    /** The look right after the last collection asked for here; {@code null} before the first. */
    private Look afterOwn;

    /**
     * Bytes the process's threads had allocated and the heap committed, at one moment.
     *
     * @param allocated bytes allocated so far by the live threads (a thread's count goes when it ends)
     * @param committed the committed heap
     */
    record Look(long allocated, long committed) {

        /** Whether less than {@link #QUIET_BYTES} were allocated between {@code earlier} and this look. */
        boolean quietSince(Look earlier) {
            return allocated - earlier.allocated < QUIET_BYTES;
        }
    }

    HeapReturn(MemoryMXBean memory, LongSupplier allocated) {
        this.memory = memory;
        this.allocated = allocated;
        this.last = look();
    }

    /** Starts the check every {@link #TICK} on {@code executor}; does nothing where the JVM cannot count allocations. */
    public static void start(ScheduledExecutorService executor) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            LOG.log(Level.INFO, "this JVM cannot count allocated bytes: the heap is not given back after bursts");
            return;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        HeapReturn h = new HeapReturn(ManagementFactory.getMemoryMXBean(), () -> allocatedBytes(threads));
        executor.scheduleWithFixedDelay(h::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long allocatedBytes(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, a);
        }
        return sum;
    }

    /**
     * Whether a full collection is worth it now.
     *
     * @param previous the look one tick ago
     * @param now      the look now
     * @param afterOwn the look right after the last collection asked for here, {@code null} if none
     * @param initial  the initial heap, bytes
     */
    static boolean worthCollecting(Look previous, Look now, Look afterOwn, long initial) {
        boolean quiet = now.quietSince(previous);
        boolean changed = afterOwn == null || !now.quietSince(afterOwn);
        return quiet && changed && now.committed() > GROWTH * initial;
    }

    /** One look; returns whether it collected. */
    boolean tick() {
        Look now = look();
        Look previous = last;
        last = now;
        if (!worthCollecting(previous, now, afterOwn, memory.getHeapMemoryUsage().getInit())) {
            return false;
        }
        System.gc();
        afterOwn = look();
        last = afterOwn;
        LOG.log(Level.DEBUG, () -> "heap returned after a quiet period: committed " + (now.committed() >> 10)
                + " KiB -> " + (afterOwn.committed() >> 10) + " KiB");
        return true;
    }

    private Look look() {
        return new Look(allocated.getAsLong(), memory.getHeapMemoryUsage().getCommitted());
    }
}
