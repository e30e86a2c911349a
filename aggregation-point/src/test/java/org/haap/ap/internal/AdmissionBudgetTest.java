package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.haap.ap.internal.AdmissionBudget.Ticket;
import org.junit.jupiter.api.Test;

class AdmissionBudgetTest {

    private final List<String> evicted = new ArrayList<>();

    private static ClientKey client(int n) throws UnknownHostException {
        return ClientKey.of(InetAddress.getByName("192.0.2." + n), 64);
    }

    private Ticket admit(AdmissionBudget b, int client, String name) throws UnknownHostException {
        return b.tryAdmit(client(client), () -> evicted.add(name));
    }

    @Test
    void aClientOverItsShareIsRefusedOthersAreNot() throws UnknownHostException {
        AdmissionBudget b = new AdmissionBudget(10, 2);
        assertNotNull(admit(b, 1, "a"));
        Ticket second = admit(b, 1, "b");
        assertNotNull(second);
        assertNull(admit(b, 1, "c"), "over max-per-client");
        assertNotNull(admit(b, 2, "d"), "another client is not affected");
        assertEquals(3, b.size());
        assertTrue(b.release(second));
        assertFalse(b.release(second), "a ticket is returned once");
        assertNotNull(admit(b, 1, "e"));
        assertEquals(List.of(), evicted);
    }

    @Test
    void aFullBudgetEvictsTheOldestForANewcomer() throws UnknownHostException {
        AdmissionBudget b = new AdmissionBudget(3, 3);
        Ticket a = admit(b, 1, "a");
        admit(b, 2, "b");
        admit(b, 3, "c");
        assertNotNull(admit(b, 4, "d"));
        assertEquals(List.of("a"), evicted);
        assertEquals(3, b.size());
        assertEquals(0, b.held(client(1)));
        assertFalse(b.release(a), "an evicted ticket is no longer held");
        admit(b, 5, "e");
        assertEquals(List.of("a", "b"), evicted);
    }

    @Test
    void aLoweredLimitEvictsDownToItOnTheNextAdmission() throws UnknownHostException {
        AdmissionBudget b = new AdmissionBudget(4, 4);
        for (int i = 1; i <= 4; i++) {
            admit(b, i, "t" + i);
        }
        b.setLimits(2, 4);
        admit(b, 9, "new");
        assertEquals(List.of("t1", "t2", "t3"), evicted);
        assertEquals(2, b.size());
    }
}
