package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("42", Json.write(42));
        assertEquals("-7", Json.write(-7L));
        assertEquals("3", Json.write(3.0));
        assertEquals("0.25", Json.write(0.25));
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY));
        assertEquals("\"UPLOAD\"", Json.write(org.haap.loadtest.aprelay.Transfer.UPLOAD));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\"", Json.write("a\"b\\c\nd\te\u0001"));
        assertEquals("\"µ → ok\"", Json.write("µ → ok"));
    }

    @Test
    void nestedObjectsKeepOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of("x", 2.5));
        m.put("n", null);
        m.put("o", Map.of("k", false));
        m.put("e", Arrays.asList());
        assertEquals("{\"z\":1,\"a\":[\"x\",2.5],\"n\":null,\"o\":{\"k\":false},\"e\":[]}", Json.write(m));
    }

    @Test
    void rejectsUnknownTypes() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
