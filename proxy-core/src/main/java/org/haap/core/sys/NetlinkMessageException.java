package org.haap.core.sys;

/**
 * One received message that a {@link NetlinkEventStream} could not turn into events or
 * deliver: its decoder found it malformed ({@link #getCause()} a
 * {@link NetlinkFormatException} or another {@link IllegalArgumentException}) or threw
 * something else, or the listener threw on one of its events. The message was dropped and
 * counted, and the stream's loop goes on; the events it carried are lost, as after an
 * overrun. errno is EBADMSG (74).
 */
public class NetlinkMessageException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** {@code EBADMSG}. */
    public static final int EBADMSG = 74;

    /** Creates an exception naming the stream and the message, with what was thrown as cause. */
    public NetlinkMessageException(String message, Throwable cause) {
        super(message, EBADMSG);
        initCause(cause);
    }
}
