package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void padsColumnsAndRightAlignsNumbers() {
        String t = new Table("mode", "Mbit/s").row("baseline", "4768").row("relay", "681").render();
        assertEquals("""
                mode      Mbit/s
                --------  ------
                baseline    4768
                relay        681
                """, t);
    }

    @Test
    void rowWidthMustMatchHeader() {
        assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("1"));
    }

    @Test
    void numberFormatting() {
        assertEquals("0.14", Table.number(0.1428, 2));
        assertEquals("-", Table.number(Double.NaN, 2));
    }
}
