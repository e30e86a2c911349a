package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.haap.ap.internal.AttemptRegistry.Claim;
import org.junit.jupiter.api.Test;

class AttemptRegistryTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AttemptRegistry registry = new AttemptRegistry(Duration.ofSeconds(60), 3, now::get);

    private static byte[] id(int n) {
        byte[] id = new byte[16];
        id[15] = (byte) n;
        id[0] = (byte) (n >> 8);
        return id;
    }

    @Test
    void firstClaimWinsEveryLaterOneIsADuplicate() {
        assertEquals(Claim.FIRST, registry.claim(id(1)));
        assertEquals(Claim.DUPLICATE, registry.claim(id(1)));
        assertEquals(Claim.DUPLICATE, registry.claim(id(1).clone()));
        assertEquals(Claim.FIRST, registry.claim(id(2)));
    }

    @Test
    void anIdIsRememberedForAtLeastTheWindowAndForgottenAfterTwo() {
        registry.claim(id(1));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals(Claim.DUPLICATE, registry.claim(id(1)));
        now.addAndGet(Duration.ofSeconds(2).toNanos()); // rotation: id 1 is in the previous generation
        assertEquals(Claim.DUPLICATE, registry.claim(id(1)));
        now.addAndGet(Duration.ofSeconds(60).toNanos()); // rotation again: id 1 dropped
        assertEquals(Claim.FIRST, registry.claim(id(1)));
    }

    @Test
    void aLongQuietSpellForgetsBothGenerations() {
        registry.claim(id(1));
        now.addAndGet(Duration.ofSeconds(125).toNanos());
        assertEquals(Claim.FIRST, registry.claim(id(1)));
        assertEquals(1, registry.size());
    }

    @Test
    void aFullGenerationRefusesNewIdsButStillKnowsOldOnes() {
        registry.claim(id(1));
        registry.claim(id(2));
        registry.claim(id(3));
        assertEquals(Claim.FULL, registry.claim(id(4)));
        assertEquals(Claim.DUPLICATE, registry.claim(id(3)));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Claim.FIRST, registry.claim(id(4)), "a new generation has room");
    }

    @Test
    void checksArguments() {
        assertThrows(IllegalArgumentException.class, () -> registry.claim(new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> new AttemptRegistry(Duration.ZERO, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new AttemptRegistry(Duration.ofSeconds(1), 0, now::get));
    }
}
