package org.haap.deploy.testbed;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkSocket;
import org.haap.deploy.testbed.internal.DelayFifo;
import org.haap.deploy.testbed.internal.Nfqueue;
import org.haap.deploy.testbed.internal.RealtimeScheduling;

/**
 * A constant-delay forwarder on netfilter queues, the testbed's replacement for netem
 * (which this kernel lacks). iptables {@code NFQUEUE --queue-num N} rules hand packets to
 * the kernel's queue N; this class binds the queues in the network namespace of the thread
 * that calls {@link #start}, receives only each packet's metadata (copy mode META; GSO
 * packets arrive whole), and accepts every packet once its queue's delay has passed.
 *
 * <p>Each queue is a FIFO with one delay, so release times follow arrival order. A
 * dedicated release thread parks until the next release time and then sends one batch
 * verdict ({@code NFQNL_MSG_VERDICT_BATCH}) that accepts every packet up to the last
 * expired id; a notification the kernel could not deliver (receive-buffer overrun) is
 * therefore released by the next batch. The kernel holds the packets, so memory use is
 * two words per packet in flight.
 *
 * <p>Both threads run in the {@code SCHED_FIFO} real-time class when the process may
 * (root): they sleep almost all the time, and real-time wake-ups keep the delay within
 * ±1 ms even when the machine's cores are busy.
 *
 * <p>Fail-closed: the rules are installed without {@code --queue-bypass}, so when this
 * process dies the kernel drops the link's packets (like a dead link) instead of
 * forwarding them without delay, and a full queue drops like a full modem buffer.
 */
public final class DelayLine implements Closeable {

    private static final Logger LOG = Logger.getLogger(DelayLine.class.getName());
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
    private static final int RECEIVE_BUFFER = 8 * 1024 * 1024;
    private static final int REALTIME_PRIORITY = 20;
    private static final long SPIN_LIMIT_NANOS = 20_000;
    /** The default processing-latency compensation per packet (see {@link #start(List, int, Duration)}). */
    public static final Duration DEFAULT_COMPENSATION = Duration.ofNanos(150_000);

    /** One queue number and the constant one-way delay of the packets it carries. */
    public record QueueDelay(int queue, Duration delay) {
        /** Validates the queue number (0..65535) and delay (0..10 s). */
        public QueueDelay {
            if (queue < 0 || queue > 0xffff) {
                throw new IllegalArgumentException("queue: " + queue + " (expected: 0..65535)");
            }
            if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("delay: " + delay + " (expected: 0..10s)");
            }
        }
    }

    private final NetlinkSocket socket;
    private final List<QueueDelay> queues;
    private final Map<Integer, Slot> slots = new HashMap<>();
    private final Slot[] slotArray;
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong kernelErrors = new AtomicLong();
    private final Thread receiver;
    private final Thread releaser;
    private volatile boolean running = true;

    private static final class Slot {
        final int queue;
        final long delayNanos;
        final DelayFifo fifo = new DelayFifo();
        final AtomicLong packets = new AtomicLong();

        Slot(int queue, long delayNanos) {
            this.queue = queue;
            this.delayNanos = delayNanos;
        }
    }

    private DelayLine(NetlinkSocket socket, List<QueueDelay> queues, long compensationNanos) {
        this.socket = socket;
        this.queues = List.copyOf(queues);
        for (QueueDelay q : queues) {
            slots.put(q.queue(), new Slot(q.queue(), Math.max(0, q.delay().toNanos() - compensationNanos)));
        }
        this.slotArray = slots.values().toArray(new Slot[0]);
        this.receiver = new Thread(this::receiveLoop, "delay-line-receiver");
        this.releaser = new Thread(this::releaseLoop, "delay-line-releaser");
        receiver.setDaemon(true);
        releaser.setDaemon(true);
        releaser.setPriority(Thread.MAX_PRIORITY);
    }

    /**
     * Binds the queues in the current network namespace and starts forwarding.
     *
     * @param queues distinct queue numbers with their delays
     * @param maxQueueLength packets the kernel may hold per queue before dropping
     * @throws NetlinkException if a queue cannot be bound (for example already bound by
     *         another process, or no CAP_NET_ADMIN)
     */
    public static DelayLine start(List<QueueDelay> queues, int maxQueueLength) throws NetlinkException {
        return start(queues, maxQueueLength, DEFAULT_COMPENSATION);
    }

    /**
     * Like {@link #start(List, int)}, holding each packet {@code compensation} less than its
     * queue's delay (never less than zero) to make up for the time a packet spends between
     * the kernel queueing it and this process seeing it, and between the verdict and its
     * reinjection. {@link #DEFAULT_COMPENSATION} was measured on a 2-core VM: the median TCP
     * connect RTT through two delay-line passes was 0.5-0.6 ms above the configured RTT
     * without compensation (0.18 ms of it the namespaces' own path).
     */
    public static DelayLine start(List<QueueDelay> queues, int maxQueueLength, Duration compensation)
            throws NetlinkException {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("queues: [] (expected: at least one)");
        }
        if (queues.stream().map(QueueDelay::queue).distinct().count() != queues.size()) {
            throw new IllegalArgumentException("queues: " + queues + " (expected: distinct queue numbers)");
        }
        NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER);
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.setOption(NetlinkSocket.SOL_NETLINK, NetlinkSocket.NETLINK_NO_ENOBUFS, 1);
            for (QueueDelay q : queues) {
                int seq = socket.nextSequence();
                socket.request(Nfqueue.bind(q.queue(), seq), seq, ACK_TIMEOUT);
                seq = socket.nextSequence();
                socket.request(Nfqueue.configure(q.queue(), maxQueueLength, seq), seq, ACK_TIMEOUT);
            }
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
        DelayLine line = new DelayLine(socket, queues, compensation.toNanos());
        line.receiver.start();
        line.releaser.start();
        return line;
    }

    /** The queues this delay line serves. */
    public List<QueueDelay> queues() {
        return queues;
    }

    /** Packets received so far on {@code queue}. */
    public long packets(int queue) {
        Slot s = slots.get(queue);
        return s == null ? 0 : s.packets.get();
    }

    /** Batch verdicts sent so far. */
    public long verdicts() {
        return released.get();
    }

    /** Error reports received from the kernel so far. */
    public long kernelErrors() {
        return kernelErrors.get();
    }

    /** Stops both threads and closes the socket; the kernel drops packets still queued. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(releaser);
        try {
            receiver.join(2000);
            releaser.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    private void receiveLoop() {
        realtime();
        ByteBuffer buf = ByteBuffer.allocate(1024 * 1024);
        Nfqueue.PacketSink sink = this::onPacket;
        while (running) {
            try {
                if (socket.receive(buf, Duration.ofMillis(200)) > 0) {
                    int errors = Nfqueue.forEachPacket(buf, sink);
                    if (errors > 0) {
                        kernelErrors.addAndGet(errors);
                    }
                }
            } catch (NetlinkException e) {
                // ENOBUFS is switched off; anything else is reported and survived: the next
                // batch verdict still releases packets whose notification was lost.
                kernelErrors.incrementAndGet();
                LOG.log(Level.WARNING, "delay line receive failed", e);
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private void onPacket(int queue, int packetId) {
        long now = System.nanoTime();
        Slot s = slots.get(queue);
        if (s == null) {
            return;
        }
        s.packets.incrementAndGet();
        if (s.fifo.add(packetId, now + s.delayNanos)) {
            LockSupport.unpark(releaser);
        }
    }

    private void releaseLoop() {
        realtime();
        // How late the kernel wakes a timed park, learned as a moving average: the thread
        // parks that much early and spins the rest, so releases are on time to a few
        // microseconds without spinning for long.
        long lateNanos = 50_000;
        while (running) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            boolean pending = false;
            for (Slot s : slotArray) {
                long last = s.fifo.pollExpired(now);
                if (last >= 0) {
                    try {
                        socket.send(Nfqueue.verdictBatch(s.queue, (int) last, Nfqueue.NF_ACCEPT));
                        released.incrementAndGet();
                    } catch (NetlinkException e) {
                        kernelErrors.incrementAndGet();
                        LOG.log(Level.WARNING, "delay line verdict failed", e);
                    }
                }
                if (s.fifo.size() > 0) {
                    long d = s.fifo.nextDeadline();
                    if (!pending || d - next < 0) {
                        next = d;
                        pending = true;
                    }
                }
            }
            if (!pending) {
                LockSupport.park(this);
                continue;
            }
            long wait = next - System.nanoTime();
            if (wait > lateNanos + SPIN_LIMIT_NANOS) {
                long wake = next - lateNanos;
                LockSupport.parkNanos(this, wake - System.nanoTime());
                long late = System.nanoTime() - wake;
                if (late >= 0 && late < 2_000_000) { // a timed wake-up, not an unpark
                    lateNanos += (late - lateNanos) / 8;
                }
            }
            while (next - System.nanoTime() > 0 && next - System.nanoTime() <= SPIN_LIMIT_NANOS + lateNanos) {
                Thread.onSpinWait();
            }
        }
    }

    private void realtime() {
        if (!RealtimeScheduling.makeCurrentThreadRealtime(REALTIME_PRIORITY)) {
            LOG.fine(() -> Thread.currentThread().getName() + " keeps normal scheduling (no CAP_SYS_NICE)");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DelayLine[");
        for (QueueDelay q : queues) {
            sb.append("queue ").append(q.queue()).append(": ").append(q.delay().toNanos() / 1e6)
                    .append(" ms, ").append(packets(q.queue())).append(" packets; ");
        }
        return sb.append(verdicts()).append(" verdicts, ").append(kernelErrors()).append(" errors]").toString();
    }
}
