package org.haap.core.convert;

/**
 * One TLV of a Convert message (RFC 8803 section 6.2): Type (8 bits), Length (8 bits, the
 * whole TLV in 32-bit words) and a value zero-padded to a word boundary. Fields that hold
 * "the rest of the TLV" (TCP options, cookie, error value, extended TCP header) cannot tell
 * padding from data, so each record keeps such a field exactly as it is on the wire: its
 * constructor appends the zero padding, and decoding returns the padded bytes. HAAP's own
 * extensions use the private-use types 192, 193 and 194 ({@link PoolHelloTlv}, {@link PoolAckTlv},
 * {@link AttemptTlv}).
 */
public sealed interface ConvertTlv
        permits InfoTlv, ConnectTlv, ExtendedTcpHeaderTlv, SupportedTcpExtensionsTlv, CookieTlv, ErrorTlv,
        PoolHelloTlv, PoolAckTlv, AttemptTlv {

    /** Returns the TLV type as carried on the wire. */
    int type();
}
