package org.haap.ap;

import io.netty.channel.group.ChannelGroup;
import org.haap.ap.internal.PoolAdmission;
import org.haap.ap.internal.SessionLimiter;
import org.haap.config.ApConfig;
import org.haap.core.relay.RelayConfig;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every session of one aggregation point shares: its configuration, meters, limits,
 * warm-pool admission, the set of open client channels (for draining) and the AP's own
 * addresses (never a valid destination).
 */
record ApContext(ApConfig config,
                 ApMetrics metrics,
                 SessionLimiter limiter,
                 PoolAdmission pool,
                 RelayConfig relayConfig,
                 Set<InetAddress> ownAddresses,
                 ChannelGroup clients,
                 AtomicLong sessionIds) {

    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }
}
