package org.haap.gateway.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides whether an intercepted connection must not be carried: one addressed to the
 * gateway itself (e.g. straight to a TPROXY listener port) or to the aggregation point
 * (carrying it would loop). The gateway's own addresses are re-read at most every
 * {@code refresh}, since WAN addresses can change.
 */
public final class LoopGuard {

    private final InetSocketAddress ap;
    private final Supplier<Set<InetAddress>> localAddresses;
    private final long refreshNanos;
    private final LongSupplier nanoClock;
    private volatile Set<InetAddress> own;
    private volatile long readAt;

    public LoopGuard(InetSocketAddress ap, Supplier<Set<InetAddress>> localAddresses, Duration refresh,
            LongSupplier nanoClock) {
        this.ap = ap;
        this.localAddresses = localAddresses;
        this.refreshNanos = refresh.toNanos();
        this.nanoClock = nanoClock;
        this.own = Set.copyOf(localAddresses.get());
        this.readAt = nanoClock.getAsLong();
    }

    /** Why {@code destination} must not be carried, or {@code null} if it may. */
    public String refuse(InetSocketAddress destination) {
        InetAddress dst = Interfaces.withoutScope(destination.getAddress());
        if (dst.equals(Interfaces.withoutScope(ap.getAddress()))) {
            return "destination is the aggregation point";
        }
        if (dst.isLoopbackAddress() || dst.isAnyLocalAddress()) {
            return "destination is a local address";
        }
        long now = nanoClock.getAsLong();
        if (now - readAt > refreshNanos) {
            own = Set.copyOf(localAddresses.get());
            readAt = now;
        }
        return own.contains(dst) ? "destination is the gateway itself" : null;
    }
}
