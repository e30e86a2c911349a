package org.haap.core.convert;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Connect TLV (type 10): Type, Length, Remote Peer Port (16 bits), Remote Peer IP
 * Address (128 bits; an IPv4 address is sent IPv4-mapped, {@code ::ffff:a.b.c.d}, and
 * decoded back to an {@link java.net.Inet4Address}), then optional TCP options for the
 * converter to use towards the destination ({@link #options()}). Five words without options.
 *
 * @param destination the destination to connect to (resolved)
 * @param tcpOptions  TCP options, zero-padded to a multiple of 4 bytes; empty when none
 */
public record ConnectTlv(InetSocketAddress destination, byte[] tcpOptions) implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 10;

    /** Validates and copies; {@code tcpOptions} may be null (none). */
    public ConnectTlv {
        Objects.requireNonNull(destination, "destination");
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException(
                    "destination: " + destination + " (expected: a resolved address)");
        }
        tcpOptions = WireBytes.padded(tcpOptions, 0);
    }

    /** Creates a Connect TLV without TCP options. */
    public ConnectTlv(InetSocketAddress destination) {
        this(destination, null);
    }

    @Override
    public int type() {
        return TYPE;
    }

    /**
     * Returns the TCP options as a list (RFC 8803 section 6.2.5).
     *
     * @throws ConvertException if the field is not a valid list; never for a decoded TLV,
     *                          since the decoder checks it
     */
    public List<TcpOption> options() throws ConvertException {
        return TcpOption.parseList(tcpOptions, 20);
    }

    /** Returns a copy of the TCP options (zero-padded to a multiple of 4 bytes). */
    @Override
    public byte[] tcpOptions() {
        return tcpOptions.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectTlv other
                && destination.equals(other.destination)
                && Arrays.equals(tcpOptions, other.tcpOptions);
    }

    @Override
    public int hashCode() {
        return 31 * destination.hashCode() + Arrays.hashCode(tcpOptions);
    }

    @Override
    public String toString() {
        return "ConnectTlv[destination=" + destination + ", tcpOptions=" + WireBytes.hex(tcpOptions) + ']';
    }
}
