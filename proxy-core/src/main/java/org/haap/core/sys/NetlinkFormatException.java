package org.haap.core.sys;

/**
 * A netlink message or attribute that does not have the shape its reader expects: a
 * truncated or overlong header, an attribute whose length overruns its message, a
 * fixed-width value of another width, a required attribute that is absent. Readers in this
 * package throw it instead of an index or buffer exception, so a receive loop can drop and
 * count the one message and go on.
 */
public class NetlinkFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message says what was found and what was expected. */
    public NetlinkFormatException(String message) {
        super(message);
    }

    /** Creates an exception with the lower-level {@code cause}. */
    public NetlinkFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
