package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.gateway.internal.LoopGuard;
import org.junit.jupiter.api.Test;

class LoopGuardTest {

    private final AtomicLong now = new AtomicLong();
    private final Set<InetAddress> local = new HashSet<>();
    private final AtomicLong reads = new AtomicLong();

    @Test
    void refusesTheApTheGatewayAndLoopbackButNotOthers() throws Exception {
        local.add(InetAddress.getByName("192.168.7.1"));
        LoopGuard guard = guard();
        assertNotNull(guard.refuse(new InetSocketAddress("198.18.0.1", 80)), "the AP, any port");
        assertNotNull(guard.refuse(new InetSocketAddress("192.168.7.1", 15124)), "the gateway itself");
        assertNotNull(guard.refuse(new InetSocketAddress("127.0.0.1", 80)));
        assertNull(guard.refuse(new InetSocketAddress("198.18.1.2", 80)));
    }

    @Test
    void rereadsOwnAddressesAfterTheRefreshInterval() throws Exception {
        LoopGuard guard = guard();
        local.add(InetAddress.getByName("10.1.0.1"));
        assertNull(guard.refuse(new InetSocketAddress("10.1.0.1", 80)), "not re-read yet");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertNotNull(guard.refuse(new InetSocketAddress("10.1.0.1", 80)));
        assertEquals(2, reads.get());
    }

    private LoopGuard guard() {
        return new LoopGuard(new InetSocketAddress("198.18.0.1", 5124), () -> {
            reads.incrementAndGet();
            return Set.copyOf(local);
        }, Duration.ofSeconds(10), now::get);
    }
}
