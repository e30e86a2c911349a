package org.haap.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Which RFC 8803 Cookie TLVs the aggregation point accepts
 * ({@code haap.aggregation-point.cookies} and {@code require-cookie}). A session without a
 * cookie is accepted unless {@code required}; a session with a cookie is accepted if no
 * cookies are configured or if its cookie is one of {@code accepted} (compared as UTF-8
 * bytes in constant time). Configured cookies are required unless {@code require-cookie}
 * is set to {@code false} explicitly ({@link #optionalDespiteCookies()}, which
 * {@code check-config} and the AP warn about). {@link #toString()} never shows the cookies.
 *
 * @param required whether a session must carry an accepted cookie
 * @param accepted the accepted cookies, each 1..{@value #MAX_COOKIE_BYTES} UTF-8 bytes;
 *     not empty if {@code required}
 */
public record CookiePolicy(boolean required, List<String> accepted) {

    /** The largest cookie one Convert TLV carries: 255 four-byte words less the 4-byte TLV header. */
    public static final int MAX_COOKIE_BYTES = 255 * 4 - 4;

    public CookiePolicy {
        accepted = List.copyOf(accepted);
    }

    /**
     * Whether a session with this cookie may proceed.
     *
     * @param cookie the cookie's bytes (TLV padding removed), or {@code null} if the session sent none
     */
    public boolean accepts(byte[] cookie) {
        if (cookie == null) {
            return !required;
        }
        if (accepted.isEmpty()) {
            return true;
        }
        boolean match = false;
        for (String candidate : accepted) {
            match |= MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), cookie);
        }
        return match;
    }

    /**
     * Whether cookies are configured but not required: then they authenticate nothing,
     * since a client may simply leave its cookie out.
     */
    public boolean optionalDespiteCookies() {
        return !required && !accepted.isEmpty();
    }

    @Override
    public String toString() {
        return "CookiePolicy[required=" + required + ", accepted=" + accepted.size() + " cookie(s)]";
    }

    static CookiePolicy read(Section s) {
        Problems p = new Problems();
        List<String> cookies = p.read(() -> s.parseEach("cookies", CookiePolicy::checkCookie));
        // unset (null): required exactly when cookies are configured
        Boolean required = p.read(() -> s.isSet("require-cookie") ? s.bool("require-cookie") : null);
        p.throwIfAny();
        if (required == null) {
            required = !cookies.isEmpty();
        }
        if (required && cookies.isEmpty()) {
            throw s.invalid("require-cookie", "false while cookies is empty");
        }
        return new CookiePolicy(required, cookies);
    }

    static String checkCookie(String cookie) {
        int length = cookie.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > MAX_COOKIE_BYTES) {
            // never echo a cookie: it is a secret
            throw new BadValue("<cookie of " + length + " bytes>", "1.." + MAX_COOKIE_BYTES + " bytes");
        }
        return cookie;
    }
}
