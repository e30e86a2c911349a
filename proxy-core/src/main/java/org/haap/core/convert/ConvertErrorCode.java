package org.haap.core.convert;

import java.util.Optional;

/**
 * The error codes of RFC 8803 section 6.2.8 ("Convert Errors" IANA registry). Ranges: 0-31
 * message validation and processing, 32-63 client side, 64-95 Transport Converter side,
 * 96-127 caused by the destination server.
 */
public enum ConvertErrorCode {
    /** The version in the fixed header is not supported. */
    UNSUPPORTED_VERSION(0),
    /** The message is not correctly encoded. */
    MALFORMED_MESSAGE(1),
    /** The message carries a TLV that the receiver does not support. */
    UNSUPPORTED_MESSAGE(2),
    /** The converter requires a Cookie TLV and none was sent. */
    MISSING_COOKIE(3),
    /** The client is not authorized to use the converter. */
    NOT_AUTHORIZED(32),
    /** A TCP option requested in the Connect TLV cannot be used. */
    UNSUPPORTED_TCP_OPTION(33),
    /** The converter lacks the resources to serve the request. */
    RESOURCE_EXCEEDED(64),
    /** The converter could not reach the destination because of a network failure. */
    NETWORK_FAILURE(65),
    /** The destination server reset the connection. */
    CONNECTION_RESET(96),
    /** An ICMP destination unreachable was received; the value echoes the ICMP code. */
    DESTINATION_UNREACHABLE(97),
    /**
     * HAAP extension (private use): the Connect's {@link AttemptTlv} names a LAN connection
     * the converter already acts on through another connection; nothing of this one was
     * forwarded. Not an error of the client: its racing attempt lost.
     */
    DUPLICATE_ATTEMPT(192);

    private static final ConvertErrorCode[] BY_CODE = new ConvertErrorCode[256];

    static {
        for (ConvertErrorCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    ConvertErrorCode(int code) {
        this.code = code;
    }

    /** Returns the code as carried on the wire (0-255). */
    public int code() {
        return code;
    }

    /** Returns the error code with the given wire value, or empty when it is not assigned. */
    public static Optional<ConvertErrorCode> fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_CODE[code]);
    }
}
