package org.haap.ap.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The budget of unauthenticated connections: those accepted that have not yet presented a
 * valid Convert header (and cookie) or pool hello. It is separate from, and smaller than,
 * the session budget ({@link SessionLimiter}), so connections that never authenticate
 * cannot take what authenticated clients need. Per client ({@link ClientKey}) a new
 * connection over {@code maxPerClient} is refused; when the whole budget is full, a new
 * connection evicts the oldest unauthenticated one (a gateway sends its header at once, so
 * only connections that wait are at risk, and a flood from many addresses cannot lock the
 * budget). O(1) per admission and release; thread-safe (every event loop accepts).
 */
public final class AdmissionBudget {

    /** One unauthenticated connection's place in the budget, until {@link #release}d or evicted. */
    public static final class Ticket {
        private final ClientKey client;
        private final Runnable onEvicted;

        private Ticket(ClientKey client, Runnable onEvicted) {
            this.client = client;
            this.onEvicted = onEvicted;
        }
    }

    private int max;
    private int maxPerClient;
    /** Tickets held, oldest first. */
    private final LinkedHashSet<Ticket> held = new LinkedHashSet<>();
    private final Map<ClientKey, Integer> perClient = new HashMap<>();

    /**
     * @param max          unauthenticated connections in all, &gt;= 1
     * @param maxPerClient unauthenticated connections of one client, &gt;= 1
     */
    public AdmissionBudget(int max, int maxPerClient) {
        setLimits(max, maxPerClient);
    }

    /** Applies new limits to later admissions (a configuration reload); tickets held stay. */
    public synchronized void setLimits(int max, int maxPerClient) {
        if (max < 1 || maxPerClient < 1) {
            throw new IllegalArgumentException("max: " + max + ", maxPerClient: " + maxPerClient + " (expected: >= 1)");
        }
        this.max = max;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Admits a connection of {@code client}, or returns {@code null} when the client holds
     * {@code maxPerClient} tickets already. When the budget is full the oldest ticket is
     * taken from its holder, whose {@code onEvicted} then runs on this thread (outside the
     * budget's lock; it should hand the close to the connection's own event loop).
     *
     * @param onEvicted what to do if this connection is evicted later
     */
    public Ticket tryAdmit(ClientKey client, Runnable onEvicted) {
        Ticket ticket = new Ticket(client, onEvicted);
        List<Ticket> evicted = List.of();
        synchronized (this) {
            if (perClient.getOrDefault(client, 0) >= maxPerClient) {
                return null;
            }
            if (held.size() >= max) {
                evicted = new ArrayList<>(1); // more than one only after a lowered limit
                Iterator<Ticket> oldest = held.iterator();
                while (held.size() >= max) {
                    Ticket t = oldest.next();
                    oldest.remove();
                    uncount(t.client);
                    evicted.add(t);
                }
            }
            held.add(ticket);
            perClient.merge(client, 1, Integer::sum);
        }
        evicted.forEach(t -> t.onEvicted.run());
        return ticket;
    }

    /**
     * Returns {@code ticket} (its connection authenticated or closed); {@code false} if it
     * was evicted or released already.
     */
    public synchronized boolean release(Ticket ticket) {
        if (!held.remove(ticket)) {
            return false;
        }
        uncount(ticket.client);
        return true;
    }

    private void uncount(ClientKey client) {
        perClient.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Unauthenticated connections now. */
    public synchronized int size() {
        return held.size();
    }

    /** Unauthenticated connections of {@code client} now. */
    public synchronized int held(ClientKey client) {
        return perClient.getOrDefault(client, 0);
    }
}
