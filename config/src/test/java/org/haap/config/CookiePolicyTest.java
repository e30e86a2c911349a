package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CookiePolicyTest {

    @Test
    void cookiesAreOptionalOrRequired() {
        byte[] good = "fleet".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "fleat".getBytes(StandardCharsets.UTF_8);
        CookiePolicy none = new CookiePolicy(false, List.of());
        assertTrue(none.accepts(null));
        assertTrue(none.accepts(bad));
        CookiePolicy optional = new CookiePolicy(false, List.of("fleet"));
        assertTrue(optional.accepts(null));
        assertTrue(optional.accepts(good));
        assertFalse(optional.accepts(bad));
        CookiePolicy required = new CookiePolicy(true, List.of("old", "fleet"));
        assertFalse(required.accepts(null));
        assertTrue(required.accepts(good));
        assertFalse(required.accepts(bad));
        assertFalse(required.toString().contains("fleet"));
        assertTrue(optional.optionalDespiteCookies());
        assertFalse(none.optionalDespiteCookies());
        assertFalse(required.optionalDespiteCookies());
    }
}
