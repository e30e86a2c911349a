package org.haap.loadtest.pageload;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.haap.loadtest.hybrid.ObjectConnection;

/**
 * Loads a {@link Page} the way a browser does with HTTP/1.1: the document first over a new
 * connection to host 0; then for every host at once up to {@value #MAX_PER_HOST} parallel
 * connections (host 0 reuses the document's as one of them, the others are new), each
 * fetching the host's objects one after the other from a shared queue. The page time runs
 * from the first {@code connect()} to the last byte of the last object, on the client's
 * {@link System#nanoTime()} clock, all sockets created in the client's namespace. Each
 * object's time goes to an {@link ObjectTimes}: where the page's time goes.
 */
final class PageLoader implements AutoCloseable {

    /**
     * Per-object times of page loads, in ms, from every connection's thread.
     *
     * @param firstMs on a new connection, {@code connect()} to the first object's last byte:
     *                set-up (a WAN handshake, or none with the warm pool), the request's
     *                round trip and the transfer
     * @param laterMs on a connection that already fetched an object, the request to the
     *                object's last byte: the round trip and the transfer
     */
    record ObjectTimes(Queue<Double> firstMs, Queue<Double> laterMs) {

        ObjectTimes() {
            this(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        }
    }

    /** Parallel connections per host, as browsers allow. */
    static final int MAX_PER_HOST = 6;

    private final String namespace;
    private final List<InetSocketAddress> hosts;
    private final ExecutorService threads;

    PageLoader(String namespace, List<InetSocketAddress> hosts) {
        this.namespace = namespace;
        this.hosts = List.copyOf(hosts);
        this.threads = Executors.newFixedThreadPool(hosts.size() * MAX_PER_HOST, r -> {
            Thread t = new Thread(r, "pageload-client");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads {@code page} once, everything before {@code timeoutMs} has passed, adding each
     * object's time to {@code times}.
     *
     * @return the page-load time in ms
     * @throws Exception the first failure of any connection (the page counts as failed)
     */
    double load(Page page, long timeoutMs, ObjectTimes times) throws Exception {
        if (page.hosts() > hosts.size()) {
            throw new IllegalArgumentException("page hosts: " + page.hosts() + " (expected: <= " + hosts.size() + ")");
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        ObjectConnection doc = ObjectConnection.open(namespace, hosts.get(0), deadline);
        List<Future<?>> workers = new ArrayList<>();
        try {
            doc.fetch(page.documentSize(), deadline);
            times.firstMs().add(since(start));
            for (int h = 0; h < page.hosts(); h++) {
                ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>(page.sizesOn(h));
                int connections = Math.min(MAX_PER_HOST, queue.size());
                for (int c = 0; c < connections; c++) {
                    ObjectConnection reuse = h == 0 && c == 0 ? doc : null;
                    InetSocketAddress host = hosts.get(h);
                    workers.add(threads.submit(() -> {
                        fetchAll(reuse, host, queue, deadline, times);
                        return null;
                    }));
                }
            }
            for (Future<?> w : workers) {
                try {
                    w.get(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            return since(start);
        } finally {
            workers.forEach(w -> w.cancel(true));
            doc.close();
        }
    }

    private void fetchAll(ObjectConnection reuse, InetSocketAddress host, ConcurrentLinkedQueue<Integer> queue,
                          long deadline, ObjectTimes times) throws Exception {
        Integer size = queue.poll();
        if (size == null) {
            return;
        }
        long start = System.nanoTime();
        ObjectConnection c = reuse != null ? reuse : ObjectConnection.open(namespace, host, deadline);
        try {
            boolean first = reuse == null;
            while (size != null) {
                c.fetch(size, deadline);
                (first ? times.firstMs() : times.laterMs()).add(since(start));
                first = false;
                start = System.nanoTime();
                size = queue.poll();
            }
        } finally {
            if (reuse == null) {
                c.close();
            }
        }
    }

    private static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(15, TimeUnit.SECONDS);
    }
}
