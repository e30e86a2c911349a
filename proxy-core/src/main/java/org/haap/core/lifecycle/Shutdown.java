package org.haap.core.lifecycle;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGTERM and SIGINT into a call the application handles itself, so that a service
 * stops by draining and returning from {@code main} with exit status 0 instead of being
 * halted by the JVM's default handler (status 143). A second signal while stopping halts
 * at once.
 */
public final class Shutdown {

    private Shutdown() {
    }

    /**
     * Installs handlers for SIGTERM and SIGINT that run {@code onFirst} once, on the JVM's
     * signal thread. Call {@code onFirst} quickly (typically it releases a latch the main
     * thread waits on).
     */
    public static void onTerminate(Runnable onFirst) {
        AtomicBoolean signalled = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                if (signalled.compareAndSet(false, true)) {
                    onFirst.run();
                } else {
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
            });
        }
    }
}
