package org.haap.core.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;

/**
 * Runs code with the current thread inside a named network namespace (one created by
 * {@code ip netns add NAME}, i.e. bind-mounted at {@code /var/run/netns/NAME}).
 *
 * <p>{@code setns(fd, CLONE_NEWNET)} changes the network namespace of the <em>calling
 * thread only</em>: other threads of the JVM, including Netty event loops, stay where they
 * are. A socket belongs to the namespace of the thread that created it, for its whole life,
 * whichever thread later uses it. So a single JVM can create listeners and client sockets in
 * several namespaces by creating each inside {@link #call}, and hand them all to one event
 * loop group. Entering a namespace needs {@code CAP_SYS_ADMIN}.
 */
public final class NetworkNamespace {

    private static final String NETNS_DIR = "/var/run/netns/";
    private static final String THREAD_NETNS = "/proc/thread-self/ns/net";

    private NetworkNamespace() {
    }

    /**
     * Runs {@code task} on the current thread switched into namespace {@code name}, and
     * always switches the thread back to its original namespace afterwards, also when the
     * task throws. Sockets created by the task stay in namespace {@code name}.
     *
     * @throws IOException       if the namespace cannot be entered (nothing ran)
     * @throws IllegalStateException if the thread could not be switched back (it is then
     *                           left in {@code name}; treat the thread as lost)
     * @throws Exception         whatever {@code task} throws
     */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        validateName(name);
        Objects.requireNonNull(task, "task");
        int original = Posix.openReadOnly(THREAD_NETNS);
        try {
            enter(name);
            T result;
            try {
                result = task.call();
            } catch (Throwable t) {
                try {
                    restore(original, name);
                } catch (IllegalStateException e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
            restore(original, name);
            return result;
        } finally {
            Posix.closeQuietly(original);
        }
    }

    /**
     * A thread factory whose threads enter namespace {@code nsName} when they start, before
     * running their task, and stay there (useful for event-loop groups or executors that
     * must create sockets in a namespace). If the namespace cannot be entered, the thread
     * ends with an {@link UncheckedIOException} without running its task.
     */
    public static ThreadFactory threadFactory(String nsName, ThreadFactory delegate) {
        validateName(nsName);
        Objects.requireNonNull(delegate, "delegate");
        return task -> delegate.newThread(() -> {
            try {
                enter(nsName);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            task.run();
        });
    }

    private static void enter(String name) throws IOException {
        int ns = Posix.openReadOnly(NETNS_DIR + name);
        try {
            Posix.setns(ns, Linux.CLONE_NEWNET, "netns " + name);
        } finally {
            Posix.closeQuietly(ns);
        }
    }

    private static void restore(int original, String name) {
        try {
            Posix.setns(original, Linux.CLONE_NEWNET, "original netns");
        } catch (ErrnoException e) {
            throw new IllegalStateException(
                    "thread " + Thread.currentThread().getName() + " could not leave netns " + name, e);
        }
    }

    private static void validateName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("name: " + name + " (expected: a netns name without '/')");
        }
    }
}
