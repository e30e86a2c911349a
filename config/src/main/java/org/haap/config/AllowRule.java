package org.haap.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.config.internal.BadValue;

/**
 * One {@code destinations.allow} entry: an address range and, optionally, the ports it
 * allows. Written {@code "10.0.0.0/8"} (every port), {@code "10.1.2.3/32:443"} or
 * {@code "10.1.2.3:443"} (one port), {@code "10.0.0.0/8:8000-8999"} (a port range); an
 * IPv6 range with ports is written in brackets, {@code "[fd00::/8]:80-443"} (without
 * ports the brackets may be left out, {@code "fd00::/8"}).
 *
 * @param range the addresses
 * @param firstPort the lowest allowed port, 1..65535 (1 when every port is allowed)
 * @param lastPort the highest allowed port, {@code firstPort}..65535
 */
public record AllowRule(CidrRange range, int firstPort, int lastPort) {

    /** The expected form, for error messages. */
    static final String FORM = "a CIDR range, optionally with ports: 10.0.0.0/8, 10.1.2.3/32:443,"
            + " 10.0.0.0/8:8000-8999, fd00::/8 or [fd00::/8]:80-443";

    private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

    public AllowRule {
        Objects.requireNonNull(range, "range");
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("ports: " + firstPort + '-' + lastPort + " (expected: 1 <= first <= last <= 65535)");
        }
    }

    /** A rule for every port of {@code range}. */
    public static AllowRule anyPort(CidrRange range) {
        return new AllowRule(range, 1, 65535);
    }

    /**
     * Parses the forms of the class comment.
     *
     * @throws BadValue with the whole entry as the value
     */
    public static AllowRule parse(String text) {
        String rangeText;
        String portText = null;
        boolean bracketed = text.startsWith("[");
        if (bracketed) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new BadValue(text, FORM);
            }
            rangeText = text.substring(1, close);
            if (close + 1 < text.length()) {
                portText = text.substring(close + 2);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') == colon) { // one colon: IPv4 range:ports
                rangeText = text.substring(0, colon);
                portText = text.substring(colon + 1);
            } else {
                rangeText = text; // no colon (IPv4) or an IPv6 range without ports
            }
        }
        CidrRange range;
        try {
            range = CidrRange.parse(rangeText);
        } catch (BadValue e) {
            throw new BadValue(text, e.expected());
        }
        if (bracketed && rangeText.indexOf(':') < 0) {
            throw new BadValue(text, "an IPv6 range inside brackets, e.g. [fd00::/8]:443 (IPv4: 10.0.0.0/8:443)");
        }
        if (portText == null) {
            return anyPort(range);
        }
        Matcher m = PORTS.matcher(portText);
        if (!m.matches()) {
            throw new BadValue(text, "a port 1..65535 or a port range such as 8000-8999 after the address range");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (first < 1 || last > 65535) {
            throw new BadValue(text, "ports in 1..65535");
        }
        if (first > last) {
            throw new BadValue(text, "a port range low-high with low <= high");
        }
        return new AllowRule(range, first, last);
    }

    /** Whether every port is allowed. */
    public boolean anyPort() {
        return firstPort == 1 && lastPort == 65535;
    }

    /**
     * Whether this rule allows {@code port} of {@code address} (an IPv4-mapped IPv6 address
     * counts as IPv4); a negative port means "unknown" and matches only a rule for every port.
     */
    public boolean allows(InetAddress address, int port) {
        if (!range.contains(address)) {
            return false;
        }
        return port < 0 ? anyPort() : port >= firstPort && port <= lastPort;
    }

    /** The form {@link #parse} reads: {@code 10.0.0.0/8}, {@code 10.0.0.0/8:443}, {@code [fd00::/8]:80-443}. */
    @Override
    public String toString() {
        if (anyPort()) {
            return range.toString();
        }
        String ports = firstPort == lastPort ? Integer.toString(firstPort) : firstPort + "-" + lastPort;
        return (range.network() instanceof Inet6Address ? "[" + range + "]" : range.toString()) + ':' + ports;
    }
}
