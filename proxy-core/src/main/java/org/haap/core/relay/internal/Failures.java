package org.haap.core.relay.internal;

import java.io.IOException;

import io.netty.channel.unix.Errors;

/** Classifies exceptions seen on relayed channels. */
final class Failures {

    // Linux errno values; Errors' own constants would need the native library loaded.
    private static final int ECONNRESET = 104;
    private static final int EPIPE = 32;

    private Failures() {
    }

    /**
     * Whether {@code cause} means the remote peer reset the connection (ECONNRESET, or EPIPE
     * on a write after the peer went away).
     */
    static boolean isReset(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Errors.NativeIoException) {
                int err = Math.abs(((Errors.NativeIoException) t).expectedErr());
                if (err == ECONNRESET || err == EPIPE) {
                    return true;
                }
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String msg = t.getMessage();
                if (msg.contains("Connection reset") || msg.contains("Broken pipe")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
