package org.haap.gateway.link;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.haap.config.LinkMonitorSettings;
import org.haap.robe.WanPath;

/**
 * The state of one WAN from its carrier and its probes, with time passed in (so tests drive
 * it with a fake clock). Not thread-safe: the monitor calls it from its one thread.
 *
 * <ul>
 *   <li>{@link #probeSent} starts a probe; {@link #answered} ends it with an RTT;
 *       {@link #expire}{@code (t)} declares lost every probe sent at or before
 *       {@code t - timeout}. The caller passes a time at which it had read every reply that
 *       reached its socket, so a lost probe is one whose reply did not arrive within the
 *       timeout of its send time, however late the caller's own timer ran.</li>
 *   <li>An answer to a probe already declared lost (a late answer) proves the path carries
 *       traffic: it ends the streak of lost probes (the loss stays in the window).</li>
 *   <li>Up or degraded → <b>down</b> after {@code downAfter} lost probes in a row (a lost probe
 *       older than the newest answered one breaks no streak: it was reordered or lost alone),
 *       or at once when the carrier goes down. With an {@link AnswerBoard} (several WANs)
 *       the streak must be this WAN's own: another WAN answered a probe sent after the
 *       streak's first lost one; while no WAN answers (a cause common to all: the
 *       aggregation point or this host starved or stopped), the WAN is down only once the
 *       streak's first lost probe is {@code allSilentHold} old.</li>
 *   <li>Down → <b>up</b> after {@code upAfter} answered probes in a row with the carrier up
 *       (hysteresis); the loss/RTT window starts afresh.</li>
 *   <li>Up → <b>degraded</b> when the window is full and its loss is at least
 *       {@code degradedLoss} % or its mean RTT at least {@code degradedRtt}; degraded →
 *       up when the loss is at most half of that and the mean RTT below 80 % of it.</li>
 * </ul>
 * The initial state is up (the WAN is assumed to work until probes say otherwise). Until the
 * WAN's first probe is answered, probes sent in the first {@link #START_GRACE} after the first
 * one are counted as lost but neither break a streak nor enter the window: a cold start on either side (class loading, JIT,
 * neighbour discovery) is not a failure of the path. A WAN dead from the start is therefore
 * down after that grace plus the usual detection time.
 */
public final class PathStateMachine {

    /** See the class documentation. */
    public static final Duration START_GRACE = Duration.ofSeconds(2);

    /** Outstanding probes kept at most; older ones are declared lost. */
    static final int MAX_OUTSTANDING = 64;

    private final WanPath path;
    private final LinkListener listener;
    private final long timeoutNanos;
    private final int downAfter;
    private final int upAfter;
    private final int degradedLossPercent;
    private final long degradedRttNanos;
    /** The window: RTT in ns of each probe in order, -1 for a lost one. */
    private final long[] window;
    private int windowSize;
    private int windowNext;

    private final AnswerBoard board;
    private final long allSilentHoldNanos;

    private final Map<Long, Long> outstanding = new LinkedHashMap<>();
    /** Probes declared lost, sequence to send time, the newest {@link #MAX_OUTSTANDING}: a late answer is recognised. */
    private final Map<Long, Long> recentlyLost = new LinkedHashMap<>();
    /** The send time of the first lost probe of the current streak. */
    private long streakStartNanos;
    private long nextSequence = 1;
    private long newestAnswered;
    private int lostInARow;
    private int answeredInARow;
    private boolean carrierUp = true;
    private long lastAnswerNanos = Long.MIN_VALUE;
    private long firstSentNanos;
    private boolean everSent;
    private LinkState state = LinkState.UP;

    /**
     * @param path     the WAN
     * @param settings thresholds (interval is the caller's business)
     * @param listener told about every probe outcome and state change
     */
    public PathStateMachine(WanPath path, LinkMonitorSettings settings, LinkListener listener) {
        this(path, settings, listener, null);
    }

    /**
     * @param path              the WAN
     * @param settings          thresholds (interval is the caller's business)
     * @param listener          told about every probe outcome and state change
     * @param board             the answers of every WAN (this one's are added to it), or
     *                          {@code null}: each streak is judged alone; with a board, a
     *                          streak while no other WAN answers waits for
     *                          {@code settings.allSilentHold()}
     */
    public PathStateMachine(WanPath path, LinkMonitorSettings settings, LinkListener listener, AnswerBoard board) {
        this.board = board;
        this.allSilentHoldNanos = settings.allSilentHold().toNanos();
        this.path = Objects.requireNonNull(path, "path");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.timeoutNanos = settings.timeout().toNanos();
        this.downAfter = settings.downAfter();
        this.upAfter = settings.upAfter();
        this.degradedLossPercent = settings.degradedLossPercent();
        this.degradedRttNanos = settings.degradedRtt().toNanos();
        this.window = new long[settings.window()];
    }

    /** The WAN. */
    public WanPath path() {
        return path;
    }

    /** The current state. */
    public LinkState state() {
        return state;
    }

    /** Probes sent and neither answered nor lost yet. */
    public int outstanding() {
        return outstanding.size();
    }

    /**
     * Records a probe sent at {@code nowNanos} and returns its sequence number (from 1).
     */
    public long probeSent(long nowNanos) {
        long seq = nextSequence++;
        if (!everSent) {
            everSent = true;
            firstSentNanos = nowNanos;
        }
        outstanding.put(seq, nowNanos);
        if (outstanding.size() > MAX_OUTSTANDING) {
            Iterator<Map.Entry<Long, Long>> it = outstanding.entrySet().iterator();
            Map.Entry<Long, Long> oldest = it.next();
            it.remove();
            lost(oldest.getKey(), oldest.getValue(), nowNanos);
        }
        listener.probeSent(path);
        return seq;
    }

    /**
     * Probe {@code sequence}, still outstanding, left at {@code nowNanos} (when the send call
     * returned): its RTT and age count from then, so a thread that stalled while sending
     * adds nothing to the RTT. Ignored for a probe already answered or lost.
     */
    public void leftAt(long sequence, long nowNanos) {
        outstanding.computeIfPresent(sequence, (seq, sent) -> Math.max(sent, nowNanos));
    }

    /**
     * The reply to probe {@code sequence} arrived at {@code nowNanos}. A late reply (to a
     * probe recently declared lost) ends the streak of lost probes and nothing else; a reply
     * to an unknown probe, or a duplicate, is ignored.
     *
     * @return whether the reply was taken (on time or late)
     */
    public boolean answered(long sequence, long nowNanos) {
        Long sent = outstanding.remove(sequence);
        if (sent == null) {
            Long late = recentlyLost.remove(sequence);
            if (late == null) {
                return false;
            }
            tookAnswer(sequence, late); // counted lost already: not in the window, not towards up
            return true;
        }
        tookAnswer(sequence, sent);
        long rtt = Math.max(0, nowNanos - sent);
        listener.probeAnswered(path, rtt);
        lastAnswerNanos = nowNanos;
        record(rtt);
        answeredInARow++;
        evaluate(nowNanos);
        return true;
    }

    /** The path carried probe {@code sequence} sent at {@code sentNanos}, on time or late: any streak ends. */
    private void tookAnswer(long sequence, long sentNanos) {
        newestAnswered = Math.max(newestAnswered, sequence);
        lostInARow = 0;
        if (board != null) {
            board.answered(path, sentNanos);
        }
    }

    /**
     * Declares every outstanding probe sent at or before {@code nowNanos - timeout} lost;
     * {@code nowNanos} must be a time before which every reply that arrived was passed to
     * {@link #answered}.
     */
    public void expire(long nowNanos) {
        Iterator<Map.Entry<Long, Long>> it = outstanding.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Long> e = it.next();
            if (nowNanos - e.getValue() < timeoutNanos) {
                break; // in sending order: the rest are younger
            }
            it.remove();
            lost(e.getKey(), e.getValue(), nowNanos);
        }
    }

    /** The interface's carrier (or address) went up or down. */
    public void carrier(boolean up, long nowNanos) {
        if (up == carrierUp) {
            return;
        }
        carrierUp = up;
        lostInARow = 0;
        answeredInARow = 0;
        if (!up) {
            change(LinkState.DOWN, "carrier down");
        }
    }

    /** Whether the carrier is up as last reported. */
    public boolean carrierUp() {
        return carrierUp;
    }

    private void lost(long sequence, long sentNanos, long nowNanos) {
        listener.probeLost(path);
        recentlyLost.put(sequence, sentNanos);
        if (recentlyLost.size() > MAX_OUTSTANDING) {
            Iterator<Long> oldest = recentlyLost.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        if (lastAnswerNanos == Long.MIN_VALUE && sentNanos - firstSentNanos < START_GRACE.toNanos()) {
            return; // start-up grace: counted (listener) but not judged
        }
        record(-1);
        if (sequence > newestAnswered) {
            if (lostInARow == 0) {
                streakStartNanos = sentNanos;
            }
            lostInARow++;
            answeredInARow = 0;
        }
        evaluate(nowNanos);
    }

    private void evaluate(long nowNanos) {
        switch (state) {
            case UP, DEGRADED -> {
                if (lostInARow >= downAfter && ownLoss(nowNanos)) {
                    change(LinkState.DOWN, lostInARow + " probes lost in a row, last answer "
                            + (lastAnswerNanos == Long.MIN_VALUE ? "never"
                                    : Duration.ofNanos(Math.max(0, nowNanos - lastAnswerNanos)).toMillis() + " ms ago")
                            + (board != null && !board.answeredElsewhereSince(path, streakStartNanos)
                                    ? ", no WAN answered for " + Duration.ofNanos(nowNanos - streakStartNanos).toMillis()
                                            + " ms" : ""));
                } else if (state == LinkState.UP && windowSize == window.length && degraded()) {
                    change(LinkState.DEGRADED, windowText());
                } else if (state == LinkState.DEGRADED && recovered()) {
                    change(LinkState.UP, windowText());
                }
            }
            case DOWN -> {
                if (carrierUp && answeredInARow >= upAfter) {
                    windowSize = 0;
                    windowNext = 0;
                    change(LinkState.UP, answeredInARow + " probes answered in a row");
                }
            }
        }
    }

    /**
     * Whether the current streak is this WAN's own loss: judged alone (no board), another WAN
     * answered since it began, or every WAN has been silent for the all-silent hold.
     */
    private boolean ownLoss(long nowNanos) {
        return board == null || board.answeredElsewhereSince(path, streakStartNanos)
                || nowNanos - streakStartNanos >= allSilentHoldNanos;
    }

    private boolean degraded() {
        return lossPercent() >= degradedLossPercent || meanRttNanos() >= degradedRttNanos;
    }

    private boolean recovered() {
        return lossPercent() * 2 <= degradedLossPercent && meanRttNanos() * 5 < degradedRttNanos * 4;
    }

    /** Loss over the window in percent (0 when empty). */
    double lossPercent() {
        if (windowSize == 0) {
            return 0;
        }
        int lost = 0;
        for (int i = 0; i < windowSize; i++) {
            if (window[i] < 0) {
                lost++;
            }
        }
        return 100.0 * lost / windowSize;
    }

    /** Mean RTT of the answered probes in the window, in ns (0 when none). */
    long meanRttNanos() {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < windowSize; i++) {
            if (window[i] >= 0) {
                sum += window[i];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private String windowText() {
        return String.format(Locale.ROOT, "loss %.0f %%, mean RTT %.1f ms over the last %d probes", lossPercent(),
                meanRttNanos() / 1e6, windowSize);
    }

    private void record(long rttOrLost) {
        window[windowNext] = rttOrLost;
        windowNext = (windowNext + 1) % window.length;
        windowSize = Math.min(windowSize + 1, window.length);
    }

    private void change(LinkState to, String reason) {
        if (to == state) {
            return;
        }
        LinkState from = state;
        state = to;
        listener.stateChanged(path, from, to, reason);
    }
}
