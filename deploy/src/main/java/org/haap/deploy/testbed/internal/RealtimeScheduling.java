package org.haap.deploy.testbed.internal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Moves the calling thread to the {@code SCHED_FIFO} real-time class, so that a delay
 * line's threads wake on time even when every core is busy (the emulated delay must stay
 * within ±1 ms). Best effort: without CAP_SYS_NICE the thread keeps its normal priority.
 */
public final class RealtimeScheduling {

    private static final int SCHED_FIFO = 1;

    /** The libc call used here. */
    public interface LibC {
        /** {@code sched_setscheduler(2)}; pid 0 is the calling thread. */
        int sched_setscheduler(int pid, int policy, Pointer param);
    }

    private RealtimeScheduling() {
    }

    /**
     * Gives the calling thread real-time priority {@code priority} (1..99).
     *
     * @return whether the kernel accepted it
     */
    public static boolean makeCurrentThreadRealtime(int priority) {
        try {
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            Pointer param = Memory.allocateDirect(Runtime.getRuntime(libc), 4);
            param.putInt(0, priority);
            return libc.sched_setscheduler(0, SCHED_FIFO, param) == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
