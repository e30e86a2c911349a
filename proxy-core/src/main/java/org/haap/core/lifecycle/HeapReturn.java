package org.haap.core.lifecycle;

import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap back to the operating system after a burst, for a JVM whose collector
 * shrinks the heap only at a full collection (the gateway's Serial GC; G1 has
 * {@code -XX:G1PeriodicGCInterval} for this). Every {@link #TICK} it looks at the collectors'
 * counts and the heap, and calls {@link System#gc()} when all of these hold:
 * <ul>
 *   <li>the last tick was quiet: no collection ran and less than {@link #QUIET_BYTES} were
 *       allocated (so a full collection costs nobody a pause under load);</li>
 *   <li>something happened since the last collection asked for here: a collection ran, or
 *       {@link #QUIET_BYTES} or more were allocated (an idle process is not collected again
 *       and again);</li>
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
    private final List<GarbageCollectorMXBean> collectors;
    private Look last;
    /** The look right after the last collection asked for here; {@code null} before the first. */
    private Look afterOwn;

    /** The collectors' total count and the heap in use and committed at one moment. */
    record Look(long collections, long used, long committed) {

        /** Whether nothing that matters happened between {@code earlier} and this look. */
        boolean quietSince(Look earlier) {
            return collections == earlier.collections && used - earlier.used < QUIET_BYTES;
        }
    }

    HeapReturn(MemoryMXBean memory, List<GarbageCollectorMXBean> collectors) {
        this.memory = memory;
        this.collectors = collectors;
        this.last = look();
    }

    /** Starts the check every {@link #TICK} on {@code executor}. */
    public static HeapReturn start(ScheduledExecutorService executor) {
        HeapReturn h = new HeapReturn(ManagementFactory.getMemoryMXBean(), ManagementFactory.getGarbageCollectorMXBeans());
        executor.scheduleWithFixedDelay(h::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return h;
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
                + " KiB -> " + (afterOwn.committed() >> 10) + " KiB, used " + (afterOwn.used() >> 10) + " KiB");
        return true;
    }

    private Look look() {
        long collections = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            collections += Math.max(0, gc.getCollectionCount());
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        return new Look(collections, heap.getUsed(), heap.getCommitted());
    }
}
