package org.haap.ap;

import org.haap.core.session.Termination;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * What the AP remembers of one session to log it once when it ends: one line with the
 * client, the destination, the transport, the bytes each way, the duration and the
 * {@link Termination} (who ended it, why, in which phase).
 */
final class SessionRecord {

    private static final Logger LOG = System.getLogger("org.haap.ap.session");

    private final ApContext ap;
    private final long id;
    private final InetSocketAddress client;
    private final boolean mptcp;
    private final long startNanos = System.nanoTime();
    private InetSocketAddress destination;
    private long bytesUp;
    private long bytesDown;
    private String note;
    private boolean ended;

    SessionRecord(ApContext ap, long id, InetSocketAddress client, boolean mptcp) {
        this.ap = ap;
        this.id = id;
        this.client = client;
        this.mptcp = mptcp;
    }

    boolean mptcp() {
        return mptcp;
    }

    InetSocketAddress client() {
        return client;
    }

    void destination(InetSocketAddress destination) {
        this.destination = destination;
    }

    void bytes(long up, long down) {
        this.bytesUp = up;
        this.bytesDown = down;
    }

    /** A short detail for the log line (the first one wins). */
    void note(String detail) {
        if (note == null) {
            note = detail;
        }
    }

    /**
     * Ends a warm-pool connection that closed idle, without carrying a session: counted
     * apart from sessions; logged at DEBUG only.
     */
    void pooledClosed(ApMetrics.PoolClose reason) {
        if (ended) {
            return;
        }
        ended = true;
        ap.metrics().poolClosed(reason);
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "session " + Long.toHexString(id) + " client=" + client + " pooled, closed: "
                    + reason.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Ends a session the client abandoned before sending any byte (closed or reset in the
     * header phase): counted as abandoned, not as an error; logged at DEBUG only.
     */
    void abandoned() {
        if (ended) {
            return;
        }
        ended = true;
        ap.metrics().sessionAbandoned();
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "session " + Long.toHexString(id) + " client=" + client + " abandoned before any byte");
        }
    }

    /**
     * Records the end once: metrics and one log line, at INFO for a session, at DEBUG for a
     * {@code rejection} (refused before any upstream connect; {@link RejectionLog} sums those
     * up at INFO, so a flood of bad connections does not flood the log).
     */
    void end(Termination t, boolean rejection) {
        if (ended) {
            return;
        }
        ended = true;
        ap.metrics().sessionEnded(t);
        Level level = rejection ? Level.DEBUG : Level.INFO;
        if (LOG.isLoggable(level)) {
            LOG.log(level, toLine(t));
        }
    }

    String toLine(Termination t) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        return "session " + Long.toHexString(id)
                + " client=" + client
                + " dst=" + (destination == null ? "-" : destination)
                + " transport=" + (mptcp ? "mptcp" : "tcp")
                + " " + t.logFields()
                + " up=" + bytesUp + " down=" + bytesDown
                + " ms=" + ms
                + (note == null ? "" : " detail=\"" + note + '"');
    }

    @Override
    public String toString() {
        return "session " + Long.toHexString(id);
    }
}
