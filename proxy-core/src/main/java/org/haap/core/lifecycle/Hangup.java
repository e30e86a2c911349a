package org.haap.core.lifecycle;

import sun.misc.Signal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Turns SIGHUP into a call the application handles itself (typically: re-read the
 * configuration file), instead of the JVM's default of running the shutdown hooks and
 * exiting with status 129. Each signal runs the action once, on the JVM's signal thread;
 * signals arriving while an action runs wait for it, so actions never overlap. The action
 * runs with the context class loader of the thread that installed it (the JVM's signal
 * threads have none, and libraries such as typesafe-config look resources up through it).
 */
public final class Hangup {

    private static final Logger LOG = System.getLogger(Hangup.class.getName());

    private Hangup() {
    }

    /**
     * Installs a SIGHUP handler that runs {@code action}. An exception from {@code action}
     * is logged as a warning and the process keeps running.
     *
     * @return false (and a warning logged) when the JVM cannot take SIGHUP, e.g. because the
     *     process was started with SIGHUP ignored ({@code nohup}) or with {@code -Xrs}
     */
    public static boolean onHangup(Runnable action) {
        Object lock = new Object();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Signal.handle(new Signal("HUP"), sig -> {
                synchronized (lock) {
                    Thread thread = Thread.currentThread();
                    ClassLoader was = thread.getContextClassLoader();
                    thread.setContextClassLoader(loader);
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "SIGHUP: " + e);
                    } finally {
                        thread.setContextClassLoader(was);
                    }
                }
            });
            return true;
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "SIGHUP cannot be handled (" + e.getMessage() + "): reload unavailable");
            return false;
        }
    }
}
