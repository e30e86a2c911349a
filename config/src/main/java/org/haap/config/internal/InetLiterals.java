package org.haap.config.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Literal IP addresses and {@code host:port} strings. Host names are rejected: nothing
 * here ever causes a DNS lookup (the JDK parses text that starts with a hex digit or
 * {@code ':'} and contains {@code ':'} as an IPv6 literal without resolving it).
 */
public final class InetLiterals {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private InetLiterals() {
    }

    /**
     * Parses a literal address to its 4 or 16 bytes. IPv4-mapped IPv6 text
     * ({@code ::ffff:10.0.0.0}) keeps its 16 bytes; callers decide how to treat it.
     */
    public static byte[] parseBytes(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw new BadValue(text, "an IPv4 address with octets 0..255");
                }
                bytes[i] = (byte) octet;
            }
            return bytes;
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            throw new BadValue(text, "a literal IP address, not a host name");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(text).getAddress(); // an IPv6 literal: no lookup
        } catch (UnknownHostException e) {
            throw new BadValue(text, "a valid IPv6 address");
        }
        if (bytes.length == 4) { // the JDK turned ::ffff:a.b.c.d into IPv4; undo that
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    /** Parses a literal address; IPv4-mapped IPv6 text becomes an IPv4 address. */
    public static InetAddress parseAddress(String text) {
        return unmap(toAddress(parseBytes(text)));
    }

    /**
     * Parses {@code "192.0.2.1:5124"} or {@code "[2001:db8::1]:5124"}; port 0..65535
     * (0 = any free port).
     */
    public static InetSocketAddress parseSocketAddress(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !text.startsWith(":", close + 1)) {
                throw new BadValue(text, "[IPv6 address]:port, e.g. [::]:5124");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new BadValue(text, "an IPv6 address inside brackets");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new BadValue(text, "host:port, e.g. 0.0.0.0:5124 or [::]:5124");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new BadValue(text, "IPv6 addresses in brackets, e.g. [::]:5124");
            }
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw new BadValue(text, "a port in 0..65535");
        }
        InetAddress address;
        try {
            address = parseAddress(host);
        } catch (BadValue e) {
            throw new BadValue(text, e.expected());
        }
        return new InetSocketAddress(address, Integer.parseInt(port));
    }

    /** An address from 4 or 16 bytes, kept in the family the bytes say (no unmapping). */
    public static InetAddress toAddress(byte[] bytes) {
        try {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + bytes.length + " bytes", e);
        }
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as its IPv4 address; others unchanged. */
    public static InetAddress unmap(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return address;
        }
        return toAddress(new byte[] {b[12], b[13], b[14], b[15]});
    }

    /** Text form: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as {@code ::}). */
    public static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
