package org.haap.core.convert;

import java.util.Arrays;

/**
 * The Extended TCP Header TLV (type 20): Type, Length, a 16-bit Unassigned field, then the
 * "Returned Extended TCP header": what the converter received in the destination's SYN+ACK
 * beyond the 20-byte base header, i.e. its TCP options (a {@link TcpOption} list, as the RFC
 * authors' own libconvert reads it). The codec keeps the field as bytes.
 *
 * @param tcpHeader the returned TCP options, zero-padded to a multiple of 4 bytes
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
