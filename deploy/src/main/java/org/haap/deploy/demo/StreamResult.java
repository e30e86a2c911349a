package org.haap.deploy.demo;

/**
 * The outcome of one traffic connection.
 *
 * @param bytes application bytes carried (sent by an upload, received by a download)
 * @param intact whether the byte count and SHA-256 of the receiver matched the sender's
 * @param firstByteNanos from the start of connect() to the first byte from the server
 * @param error why the connection failed, or null
 */
public record StreamResult(long bytes, boolean intact, long firstByteNanos, String error) {

    /** A failed connection. */
    public static StreamResult failed(long bytes, long firstByteNanos, String error) {
        return new StreamResult(bytes, false, firstByteNanos, error);
    }

    /** Whether the connection completed with intact data. */
    public boolean ok() {
        return intact && error == null;
    }
}
