package org.haap.gateway.accounting;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.haap.core.mptcp.MptcpInfo;
import org.haap.core.mptcp.SubflowInfo;

/**
 * What has already been counted of one MPTCP connection's subflows: per subflow (by its
 * sequential id, which the kernel never gives to another subflow of the same connection), the
 * payload bytes acknowledged by the peer (up) and received (down) at the last sample.
 * {@link #advance} turns a new sample into the bytes each subflow carried since. A subflow
 * that disappears between two samples takes its uncounted remainder with it. The
 * connection-level counters of the last sample tell whether another would show anything new
 * ({@link #quietSince}). Held for as long
 * as its connection lasts, so it keeps only numbers, not the sample's address objects. Not
 * thread-safe: one per connection, used on its event loop.
 */
final class SubflowLedger {

    /** The growth of one subflow's counters since the previous sample. */
    record Delta(InetSocketAddress local, long up, long down) {
    }

    private static final int[] NO_IDS = new int[0];
    private static final long[] NO_COUNTS = new long[0];

    /** The connection-level counters at the last sample; {@code sampled} once there was one. */
    private boolean sampled;
    private int subflowCount;
    private long sndUna;
    private long rcvNxt;
    private long bytesAcked;
    private long bytesReceived;

    /** Ids of the subflows of the last sample. */
    private int[] ids = NO_IDS;
    /** Their counters at the last sample: up at {@code 2 * i}, down at {@code 2 * i + 1}. */
    private long[] counts = NO_COUNTS;

    /**
     * The growth of each subflow's counters since the previous call; subflows seen for the
     * first time count from zero. Subflows without addresses are skipped.
     */
    List<Delta> advance(List<SubflowInfo> subflows) {
        int[] nowIds = new int[subflows.size()];
        long[] nowCounts = new long[2 * subflows.size()];
        int n = 0;
        List<Delta> out = new ArrayList<>();
        for (SubflowInfo s : subflows) {
            if (s.local() == null || s.remote() == null) {
                continue;
            }
            long up = s.tcp().bytesAcked();
            long down = s.tcp().bytesReceived();
            int before = indexOf(s.id());
            long upBefore = before < 0 ? 0 : counts[2 * before];
            long downBefore = before < 0 ? 0 : counts[2 * before + 1];
            // The counters only grow; a smaller value means a new subflow.
            long dUp = up >= upBefore ? up - upBefore : up;
            long dDown = down >= downBefore ? down - downBefore : down;
            nowIds[n] = s.id();
            nowCounts[2 * n] = up;
            nowCounts[2 * n + 1] = down;
            n++;
            if (dUp > 0 || dDown > 0) {
                out.add(new Delta(s.local(), dUp, dDown));
            }
        }
        if (n == 0) {
            ids = NO_IDS;
            counts = NO_COUNTS;
        } else if (n == nowIds.length) {
            ids = nowIds;
            counts = nowCounts;
        } else {
            ids = Arrays.copyOf(nowIds, n);
            counts = Arrays.copyOf(nowCounts, 2 * n);
        }
        return out;
    }

    /**
     * Remembers the connection-level counters ({@code MPTCP_INFO}) read just before the
     * subflows' sample that {@link #advance} has counted.
     */
    void sampledAt(MptcpInfo connection) {
        sampled = true;
        subflowCount = connection.subflows();
        sndUna = connection.sndUna();
        rcvNxt = connection.rcvNxt();
        bytesAcked = connection.bytesAcked();
        bytesReceived = connection.bytesReceived();
    }

    /**
     * Whether a new sample of the subflows would count nothing new and show the same
     * subflows: {@code connection} has nothing in flight (every byte written was
     * acknowledged), and its number of subflows, its data-level sequence numbers (next to be
     * acknowledged, next expected) and its byte counters are those of the last sample.
     */
    boolean quietSince(MptcpInfo connection) {
        return sampled && connection.sndUna() == connection.writeSeq() && connection.sndUna() == sndUna
                && connection.rcvNxt() == rcvNxt && connection.subflows() == subflowCount
                && connection.bytesAcked() == bytesAcked && connection.bytesReceived() == bytesReceived;
    }

    private int indexOf(int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
