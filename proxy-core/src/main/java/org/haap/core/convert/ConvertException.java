package org.haap.core.convert;

import java.util.Objects;

/**
 * A Convert message that cannot be accepted, with the RFC 8803 error code that a peer
 * would send back for it. Decoding untrusted input throws only this exception; it carries
 * no stack trace (it describes the input, not a bug) so that garbage input stays cheap.
 */
public final class ConvertException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ConvertErrorCode errorCode;

    /**
     * Creates an exception.
     *
     * @param errorCode the error code matching the problem
     * @param message   what is wrong, e.g. {@code "convert: TLV length 0 at offset 4 (expected: >= 1)"}
     */
    public ConvertException(ConvertErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** Returns the RFC 8803 error code matching the problem. */
    public ConvertErrorCode errorCode() {
        return errorCode;
    }
}
