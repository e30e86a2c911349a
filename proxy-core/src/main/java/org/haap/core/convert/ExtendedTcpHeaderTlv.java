package org.haap.core.convert;

import java.util.Arrays;

/**
 * The Extended TCP Header TLV (type 20): Type, Length, a 16-bit Unassigned field, then the
 * TCP header (with options) of the SYN+ACK that the converter received from the
 * destination.
 *
 * @param tcpHeader the returned TCP header, zero-padded to a multiple of 4 bytes
 */
public record ExtendedTcpHeaderTlv(byte[] tcpHeader) implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 20;

    /** Copies and pads; {@code tcpHeader} may be null (empty). */
    public ExtendedTcpHeaderTlv {
        tcpHeader = WireBytes.padded(tcpHeader, 0);
    }

    @Override
    public int type() {
        return TYPE;
    }

    /** Returns a copy of the TCP header. */
    @Override
    public byte[] tcpHeader() {
        return tcpHeader.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedTcpHeaderTlv other && Arrays.equals(tcpHeader, other.tcpHeader);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tcpHeader);
    }

    @Override
    public String toString() {
        return "ExtendedTcpHeaderTlv[tcpHeader=" + WireBytes.hex(tcpHeader) + ']';
    }
}
