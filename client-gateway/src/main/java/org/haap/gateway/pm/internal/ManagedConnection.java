package org.haap.gateway.pm.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.pm.MptcpPmException;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PmCommands;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmNetwork;
import org.haap.gateway.pm.PmSubflow;
import org.haap.gateway.pm.PmWan;
import org.haap.gateway.pm.internal.PmMeters.Command;
import org.haap.gateway.pm.internal.PmMeters.Result;

/**
 * One managed MPTCP connection: its established subflows and, per WAN, what the policy wants
 * ({@link Want}) and the state that bounds the commands making it so. {@link #reconcile}
 * compares the two and sends the commands. Confined to the engine's thread.
 */
public final class ManagedConnection implements PmConnection {

    /** The shortest interval between two commands of one kind for one WAN (or subflow) of a connection. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The longest wait before creating a subflow again after attempts keep failing. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a requested subflow may take to be reported established before it counts as failed. */
    public static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How soon a subflow the kernel refused because the connection was not fully established
     * yet ({@link MptcpPmException#notFullyEstablished()}) is asked again, at most
     * {@link #NOT_READY_RETRIES} times in a row before the usual back-off applies.
     */
    public static final Duration NOT_READY_RETRY = Duration.ofMillis(20);
    public static final int NOT_READY_RETRIES = 5;

    private static final Logger LOG = System.getLogger(ManagedConnection.class.getName());
    private static final long MIN_INTERVAL_NANOS = MIN_INTERVAL.toNanos();

    /** What the policy wants on one WAN. */
    enum Want { UNSET, ACTIVE, BACKUP, ABSENT }

    /** Per WAN: the policy's wish and the create rate bound. */
    private static final class Slot {
        Want want = Want.UNSET;
        long pendingSinceNanos = Long.MIN_VALUE;
        long nextCreateNanos = Long.MIN_VALUE;
        long lastCreateNanos = Long.MIN_VALUE;
        /** The backup flag the pending create asked for. */
        boolean pendingBackup;
        int failures;
        /** Creates refused in a row because the connection was not fully established yet. */
        int notReady;

        boolean pending() {
            return pendingSinceNanos != Long.MIN_VALUE;
        }
    }

    private final long token;
    private final InetSocketAddress remote;
    private final PmNetwork network;
    private final List<ManagedSubflow> subflows = new ArrayList<>();
    /** The peer's announced addresses by its address id, in the order announced (port 0 replaced by remote's). */
    private final Map<Integer, InetSocketAddress> announced = new LinkedHashMap<>();
    private final Slot[] slots;
    private boolean initialJoinsRefused;
    private PmWan initialWan;
    private boolean bulk;
    private boolean established;
    private boolean gone;
    /** When a quick retry is due ({@link #NOT_READY_RETRY}); {@code Long.MAX_VALUE} for none. */
    private long retryAtNanos = Long.MAX_VALUE;

    public ManagedConnection(long token, InetSocketAddress remote, PmNetwork network) {
        this.token = token;
        this.remote = remote;
        this.network = network;
        this.slots = new Slot[network.wans().size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    @Override
    public long token() {
        return token;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public InetSocketAddress joinTarget() {
        for (InetSocketAddress a : announced.values()) {
            return a;
        }
        return initialJoinsRefused ? null : remote;
    }

    @Override
    public boolean initialJoinsRefused() {
        return initialJoinsRefused;
    }

    @Override
    public PmWan initialWan() {
        return initialWan;
    }

    @Override
    public boolean bulk() {
        return bulk;
    }

    /** The connection proved to be bulk; returns whether that is news. */
    public boolean markBulk() {
        boolean news = !bulk;
        bulk = true;
        return news;
    }

    @Override
    public List<PmSubflow> subflows() {
        return Collections.unmodifiableList(subflows);
    }

    @Override
    public PmSubflow subflow(PmWan wan) {
        for (ManagedSubflow s : subflows) {
            if (wan.equals(s.wan()) && !s.destroyRequested()) {
                return s;
            }
        }
        return null;
    }

    @Override
    public boolean canJoin(PmWan wan) {
        InetSocketAddress target = joinTarget();
        return wan.path().sourceFor((target == null ? remote : target).getAddress()) != null;
    }

    @Override
    public void join(PmWan wan, boolean backup) {
        slot(wan).want = backup ? Want.BACKUP : Want.ACTIVE;
    }

    @Override
    public void close(PmWan wan) {
        slot(wan).want = Want.ABSENT;
    }

    @Override
    public void setBackup(PmWan wan, boolean backup) {
        Slot s = slot(wan);
        if (s.want == Want.ACTIVE || s.want == Want.BACKUP) {
            s.want = backup ? Want.BACKUP : Want.ACTIVE;
        }
    }

    @Override
    public PmNetwork network() {
        return network;
    }

    /** What the policy wants on {@code wan} (for tests and logs). */
    public String want(PmWan wan) {
        return slot(wan).want.name();
    }

    // ---- events, from the engine ----

    /** Whether the connection is established (before, the policy does not see it). */
    public boolean established() {
        return established;
    }

    /** The connection is established on its initial subflow, from {@code wan} (may be {@code null}). */
    public void markEstablished(PmWan wan) {
        established = true;
        initialWan = wan;
    }

    /** The peer set the MP_CAPABLE "C" flag: no join may go to {@link #remote()}. */
    public void refuseInitialJoins() {
        initialJoinsRefused = true;
    }

    /**
     * The peer announced {@code address} under its id {@code remoteId} (a port of 0 means
     * remote's port); a new address for a known id replaces it. Returns whether anything changed.
     */
    public boolean announced(int remoteId, InetSocketAddress address) {
        InetSocketAddress a = address.getPort() != 0 ? address
                : new InetSocketAddress(address.getAddress(), remote.getPort());
        return !a.equals(announced.put(remoteId, a));
    }

    /**
     * The peer withdrew its address {@code remoteId} (the kernel closes the subflows to it).
     * Returns whether it was known; pending joins to it count as not sent, so they are asked
     * again, to the next target, at the next rate bound.
     */
    public boolean removed(int remoteId) {
        if (announced.remove(remoteId) == null) {
            return false;
        }
        for (Slot slot : slots) {
            slot.pendingSinceNanos = Long.MIN_VALUE;
        }
        return true;
    }

    /** Records an established subflow; returns it, or the known one if it was already recorded. */
    public ManagedSubflow subflowEstablished(PmWan wan, InetSocketAddress local, InetSocketAddress remoteEnd,
            boolean backup) {
        ManagedSubflow known = find(local, remoteEnd);
        if (known != null) {
            known.backup(backup);
            return known;
        }
        // The kernel reports the peer's backup flag; a subflow this engine asked for carries the
        // flag it asked for (the MP_JOIN's B bit), which is what matters for the commands.
        boolean flag = wan != null && slot(wan).pending() ? slot(wan).pendingBackup : backup;
        ManagedSubflow s = new ManagedSubflow(wan, local, remoteEnd, flag, network.nanoTime());
        subflows.add(s);
        if (wan != null) {
            Slot slot = slot(wan);
            slot.pendingSinceNanos = Long.MIN_VALUE;
            slot.failures = 0;
            slot.notReady = 0;
        }
        return s;
    }

    /**
     * Removes a closed subflow; returns it, or {@code null} if it was not established (then
     * a pending join on {@code wan} counts as failed).
     */
    public ManagedSubflow subflowClosed(PmWan wan, InetSocketAddress local, InetSocketAddress remoteEnd,
            int errno) {
        ManagedSubflow s = find(local, remoteEnd);
        if (s != null) {
            subflows.remove(s);
            if (wan != null && !s.destroyRequested() && errno != 0) {
                failed(slot(wan));
            }
            return s;
        }
        if (wan != null && slot(wan).pending()) {
            Slot slot = slot(wan);
            slot.pendingSinceNanos = Long.MIN_VALUE;
            failed(slot);
        }
        return null;
    }

    /** The peer's (or the kernel's) new backup flag of a subflow; returns it, or {@code null} if unknown. */
    public ManagedSubflow subflowPriority(InetSocketAddress local, InetSocketAddress remoteEnd, boolean backup) {
        ManagedSubflow s = find(local, remoteEnd);
        if (s != null) {
            s.backup(backup);
        }
        return s;
    }

    /**
     * Takes new TCP counters. A known subflow missing from a non-empty sample and established
     * more than {@code staleNanos} ago is dropped (its SUB_CLOSED was missed) and returned.
     */
    public List<ManagedSubflow> sample(List<SubflowInfo> infos, long staleNanos) {
        for (SubflowInfo info : infos) {
            ManagedSubflow s = info.local() == null || info.remote() == null ? null : find(info.local(), info.remote());
            if (s != null) {
                s.tcp(info.tcp());
            }
        }
        List<ManagedSubflow> gone = new ArrayList<>();
        if (infos.isEmpty()) {
            return gone;
        }
        long now = network.nanoTime();
        for (ManagedSubflow s : List.copyOf(subflows)) {
            boolean present = infos.stream().anyMatch(i -> s.local().equals(i.local()) && s.remote().equals(i.remote()));
            if (!present && now - s.establishedNanos() > staleNanos) {
                subflows.remove(s);
                gone.add(s);
            }
        }
        return gone;
    }

    /**
     * The WAN came back up: its failure back-off and any join still pending from before
     * (likely lost while it was down) are forgotten, so it is joined again at once (rate bound kept).
     */
    public void wanRecovered(PmWan wan) {
        Slot slot = slot(wan);
        slot.failures = 0;
        slot.pendingSinceNanos = Long.MIN_VALUE;
        slot.nextCreateNanos = slot.lastCreateNanos == Long.MIN_VALUE
                ? Long.MIN_VALUE : slot.lastCreateNanos + MIN_INTERVAL_NANOS;
    }

    // ---- reconciliation ----

    /**
     * Sends the commands that bring the subflows closer to what the policy wants, within the
     * rate bounds: first the joins and flags, then the closes (make before break).
     */
    public void reconcile(PmCommands commands, PmMeters meters) {
        for (PmWan wan : network.wans()) {
            if (gone) {
                return;
            }
            Slot slot = slots[wan.index()];
            if (slot.want == Want.ACTIVE || slot.want == Want.BACKUP) {
                keep(wan, slot, slot.want == Want.BACKUP, commands, meters);
            }
        }
        for (PmWan wan : network.wans()) {
            if (slots[wan.index()].want == Want.ABSENT) {
                for (ManagedSubflow s : on(wan)) {
                    if (gone) {
                        return;
                    }
                    destroy(s, commands, meters);
                }
            }
        }
    }

    private void keep(PmWan wan, Slot slot, boolean backup, PmCommands commands, PmMeters meters) {
        long now = network.nanoTime();
        List<ManagedSubflow> live = new ArrayList<>();
        for (ManagedSubflow s : on(wan)) {
            if (!s.destroyRequested()) {
                live.add(s);
            }
        }
        if (live.isEmpty()) {
            create(wan, slot, backup, now, commands, meters);
            return;
        }
        for (int i = 1; i < live.size(); i++) {
            destroy(live.get(i), commands, meters);
        }
        ManagedSubflow s = live.get(0);
        if (s.backup() != backup && due(s.flagRequestedNanos, now)) {
            s.flagRequestedNanos = now;
            try {
                commands.setBackup(token, s.local(), s.remote(), backup);
                s.backup(backup);
                meters.command(Command.SET_BACKUP, wan, Result.OK);
            } catch (IOException e) {
                if (gone(e, Command.SET_BACKUP, wan, meters)) {
                    return;
                }
                meters.command(Command.SET_BACKUP, wan, Result.FAILED);
                // a subflow that closed meanwhile (its event still to come) is no fault of anyone's
                boolean closed = e instanceof MptcpPmException refused && refused.subflowGone();
                LOG.log(closed ? Level.DEBUG : Level.WARNING, () -> "path manager: connection " + tokenText()
                        + ": backup=" + backup + " on " + s + " failed: " + e.getMessage());
            }
        }
    }

    private void create(PmWan wan, Slot slot, boolean backup, long now, PmCommands commands, PmMeters meters) {
        if (slot.pending()) {
            if (now - slot.pendingSinceNanos < JOIN_TIMEOUT.toNanos()) {
                return;
            }
            slot.pendingSinceNanos = Long.MIN_VALUE;
            failed(slot);
            LOG.log(Level.DEBUG, () -> "path manager: connection " + tokenText() + ": no subflow on " + wan
                    + " within " + JOIN_TIMEOUT.toSeconds() + "s of asking");
        }
        InetSocketAddress target = joinTarget();
        InetAddress local = target == null ? null : wan.path().sourceFor(target.getAddress());
        if (local == null || network.state(wan) == LinkState.DOWN
                || (slot.nextCreateNanos != Long.MIN_VALUE && now - slot.nextCreateNanos < 0)) {
            return;
        }
        slot.lastCreateNanos = now;
        slot.nextCreateNanos = now + MIN_INTERVAL_NANOS;
        try {
            commands.createSubflow(token, wan, local, target, backup);
            slot.pendingSinceNanos = now;
            slot.pendingBackup = backup;
            meters.command(Command.CREATE, wan, Result.OK);
        } catch (IOException e) {
            if (gone(e, Command.CREATE, wan, meters)) {
                return;
            }
            meters.command(Command.CREATE, wan, Result.FAILED);
            if (e instanceof MptcpPmException refused && refused.notFullyEstablished()
                    && slot.notReady < NOT_READY_RETRIES) {
                slot.notReady++;
                slot.nextCreateNanos = now + NOT_READY_RETRY.toNanos();
                retryAtNanos = Math.min(retryAtNanos, slot.nextCreateNanos);
                LOG.log(Level.DEBUG, () -> "path manager: connection " + tokenText() + ": subflow on " + wan
                        + " refused, not fully established yet; again in " + NOT_READY_RETRY.toMillis() + " ms");
                return;
            }
            failed(slot);
            int failures = slot.failures;
            LOG.log(failures == 1 ? Level.WARNING : Level.DEBUG, () -> "path manager: connection " + tokenText()
                    + ": subflow on " + wan + " failed (" + failures + " in a row): " + e.getMessage());
        }
    }

    private void destroy(ManagedSubflow s, PmCommands commands, PmMeters meters) {
        long now = network.nanoTime();
        if (s.destroyRequested() || !due(s.destroyAttemptNanos, now) || !anotherUsable(s)) {
            return;
        }
        s.destroyAttemptNanos = now;
        try {
            commands.destroySubflow(token, s.local(), s.remote());
            s.destroyRequested = true;
            meters.command(Command.DESTROY, s.wan(), Result.OK);
        } catch (IOException e) {
            if (gone(e, Command.DESTROY, s.wan(), meters)) {
                return;
            }
            meters.command(Command.DESTROY, s.wan(), Result.FAILED);
            LOG.log(Level.WARNING, () -> "path manager: connection " + tokenText() + ": closing " + s + " failed: "
                    + e.getMessage());
        }
    }

    /** Whether the connection keeps a subflow the policy does not want closed besides {@code s}. */
    private boolean anotherUsable(ManagedSubflow s) {
        for (ManagedSubflow t : subflows) {
            if (t != s && !t.destroyRequested() && (t.wan() == null || slot(t.wan()).want != Want.ABSENT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} says the kernel no longer knows this connection (it closed after the
     * event that led to the command, e.g. a RobE loser that was reset). Such a refusal is
     * counted as {@code gone}, logged at DEBUG, and ends the connection's commands.
     */
    private boolean gone(IOException e, Command command, PmWan wan, PmMeters meters) {
        if (!(e instanceof MptcpPmException refused) || !refused.connectionGone()) {
            return false;
        }
        gone = true;
        meters.command(command, wan, Result.GONE);
        LOG.log(Level.DEBUG, () -> "path manager: connection " + tokenText() + " closed before "
                + refused.command() + " on " + wan + " (" + e.getMessage() + ")");
        return true;
    }

    /**
     * When a refused create is due again soon ({@link #NOT_READY_RETRY}), for the engine to
     * settle this connection then rather than at its next tick; {@code Long.MAX_VALUE} for none.
     * Reading it clears it.
     */
    public long takeRetryAtNanos() {
        long at = retryAtNanos;
        retryAtNanos = Long.MAX_VALUE;
        return at;
    }

    /** Whether a command was refused because the kernel no longer knows this connection. */
    public boolean gone() {
        return gone;
    }

    private void failed(Slot slot) {
        slot.failures++;
        long backoff = Math.min(MAX_BACKOFF.toNanos(), MIN_INTERVAL_NANOS << Math.min(20, slot.failures - 1));
        long from = slot.lastCreateNanos == Long.MIN_VALUE ? network.nanoTime() : slot.lastCreateNanos;
        slot.nextCreateNanos = from + backoff;
    }

    private static boolean due(long lastNanos, long now) {
        return lastNanos == Long.MIN_VALUE || now - lastNanos >= MIN_INTERVAL_NANOS;
    }

    private List<ManagedSubflow> on(PmWan wan) {
        List<ManagedSubflow> out = new ArrayList<>();
        for (ManagedSubflow s : subflows) {
            if (wan.equals(s.wan())) {
                out.add(s);
            }
        }
        return out;
    }

    private ManagedSubflow find(InetSocketAddress local, InetSocketAddress remoteEnd) {
        for (ManagedSubflow s : subflows) {
            if (s.is(local, remoteEnd)) {
                return s;
            }
        }
        return null;
    }

    private Slot slot(PmWan wan) {
        return slots[wan.index()];
    }

    private String tokenText() {
        return Long.toHexString(token);
    }

    @Override
    public String toString() {
        return "connection " + tokenText() + ' ' + subflows;
    }
}
