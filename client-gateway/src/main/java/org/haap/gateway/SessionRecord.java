package org.haap.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.haap.core.session.Termination;
import org.haap.gateway.accounting.WanUsage;

/**
 * What one intercepted connection did, logged as one line when it ends: who ended it, why,
 * in which phase, bytes each way, the WAN of the initial subflow, setup time, whether the AP
 * connection fell back to TCP, and the bytes each WAN carried ({@code wans=name:up/down,...},
 * payload from the subflows' counters) and its duration ({@code ms=}, from the LAN
 * connection's accept to the end of the session, on a monotonic clock). Confined to the
 * session's event loop.
 */
final class SessionRecord {

    private static final Logger LOG = System.getLogger("org.haap.gateway.session");

    private final long id;
    private final InetSocketAddress client;
    private final InetSocketAddress destination;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private String wan = "-";
    private String mode = "ap";
    private long setupMs = -1;
    private boolean fallback;
    private long bytesUp;
    private long bytesDown;
    private String note;
    private boolean ended;
    private WanUsage usage;
    private String flow;

    /**
     * Starts the record of a session that starts now.
     *
     * @param nanoClock a monotonic clock in nanoseconds (the session's event loop's ticker)
     */
    SessionRecord(long id, InetSocketAddress client, InetSocketAddress destination, LongSupplier nanoClock) {
        this.id = id;
        this.client = client;
        this.destination = destination;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.startNanos = nanoClock.getAsLong();
    }

    void wan(String name, long setupMillis) {
        this.wan = name;
        this.setupMs = setupMillis;
    }

    /** The session's flow class ({@code short}, {@code bulk}; logged as {@code flow=}). */
    void flow(String flowClass) {
        this.flow = flowClass;
    }

    /** What the AP connection carried per WAN (logged as {@code wans=}). */
    void usage(WanUsage usage) {
        this.usage = usage;
    }

    /** What the session's MPTCP connection carried per WAN, or {@code null} when it had none (bypass). */
    WanUsage usage() {
        return usage;
    }

    void bypass() {
        this.mode = "bypass";
    }

    void fallback() {
        this.fallback = true;
    }

    void bytes(long up, long down) {
        this.bytesUp += up;
        this.bytesDown += down;
    }

    /** A short detail for the log line (the first one wins). */
    void note(String detail) {
        if (note == null) {
            note = detail;
        }
    }

    /** Logs the line once; returns false if it was logged already. */
    boolean end(Termination t) {
        if (ended) {
            return false;
        }
        ended = true;
        if (LOG.isLoggable(Level.INFO)) {
            LOG.log(Level.INFO, toLine(t));
        }
        return true;
    }

    String toLine(Termination t) {
        long ms = (nanoClock.getAsLong() - startNanos) / 1_000_000;
        return "session " + Long.toHexString(id)
                + " client=" + client
                + " dst=" + destination
                + " via=" + mode
                + " wan=" + wan
                + (setupMs >= 0 ? " setup-ms=" + setupMs : "")
                + (fallback ? " fallback=tcp" : "")
                + " " + t.logFields()
                + " up=" + bytesUp + " down=" + bytesDown
                + (usage == null ? "" : " wans=" + usage.summary())
                + (flow == null ? "" : " flow=" + flow)
                + " ms=" + ms
                + (note == null ? "" : " detail=\"" + note + '"');
    }
}
