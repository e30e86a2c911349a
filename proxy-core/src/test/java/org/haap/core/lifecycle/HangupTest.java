package org.haap.core.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A real SIGHUP to this test JVM (which keeps the handler afterwards; nothing else here uses SIGHUP). */
class HangupTest {

    @Test
    void eachSighupRunsTheActionWithTheInstallersContextClassLoader() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        Thread thread = Thread.currentThread();
        ClassLoader was = thread.getContextClassLoader();
        try (URLClassLoader marker = new URLClassLoader(new URL[0], was)) {
            thread.setContextClassLoader(marker);
            try {
                assertTrue(Hangup.onHangup(() -> {
                    seen.set(Thread.currentThread().getContextClassLoader());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("a failing action is logged, not fatal");
                    }
                }));
            } finally {
                thread.setContextClassLoader(was);
            }
            hup();
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() == 1);
            hup();
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() == 2);
            assertSame(marker, seen.get());
        }
    }

    private static void hup() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
