package org.haap.gateway.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WanUsageTest {

    @Test
    void summaryListsWansInTheOrderTheyFirstCarriedBytes() {
        WanUsage u = new WanUsage();
        assertEquals("-", u.summary());
        u.add("lte", 0, 10);
        u.add("dsl", 5, 0);
        u.add("lte", 3, 2);
        assertEquals("lte:3/12,dsl:5/0", u.summary());
        assertEquals(3, u.up("lte"));
        assertEquals(12, u.down("lte"));
        assertEquals(0, u.up("sat"));
    }
}
