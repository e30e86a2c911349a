package org.haap.gateway.accounting;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haap.core.mptcp.SubflowInfo;

/**
 * What has already been counted of one MPTCP connection's subflows: per subflow (its
 * local and remote address and port), the payload bytes acknowledged by the peer (up) and
 * received (down) at the last sample. {@link #advance} turns a new sample into the bytes
 * each subflow carried since. A subflow that disappears between two samples takes its
 * uncounted remainder with it. Not thread-safe: one per connection, used on its event loop.
 */
final class SubflowLedger {

    /** The growth of one subflow's counters since the previous sample. */
    record Delta(InetSocketAddress local, long up, long down) {
    }

    private record Key(InetSocketAddress local, InetSocketAddress remote) {
    }

    private Map<Key, long[]> last = new HashMap<>();

    /**
     * The growth of each subflow's counters since the previous call; subflows seen for the
     * first time count from zero. Subflows without addresses are skipped.
     */
    List<Delta> advance(List<SubflowInfo> subflows) {
        Map<Key, long[]> now = new HashMap<>();
        List<Delta> out = new java.util.ArrayList<>();
        for (SubflowInfo s : subflows) {
            if (s.local() == null || s.remote() == null) {
                continue;
            }
            Key key = new Key(s.local(), s.remote());
            long up = s.tcp().bytesAcked();
            long down = s.tcp().bytesReceived();
            long[] before = last.getOrDefault(key, new long[2]);
            // The counters only grow; a smaller value means a new subflow on the same ports.
            long dUp = up >= before[0] ? up - before[0] : up;
            long dDown = down >= before[1] ? down - before[1] : down;
            now.put(key, new long[] {up, down});
            if (dUp > 0 || dDown > 0) {
                out.add(new Delta(s.local(), dUp, dDown));
            }
        }
        last = now;
        return out;
    }
}
