package org.haap.core.relay;

import java.util.Objects;

import org.haap.core.session.Termination;

/**
 * What a finished relay did.
 *
 * @param bytesUpstream   bytes taken in from the downstream (client) side
 * @param bytesDownstream bytes taken in from the upstream (server) side
 * @param termination     who ended the session, why and in which phase
 * @param spliced         whether the zero-copy splice path was used
 */
public record RelayResult(long bytesUpstream, long bytesDownstream, Termination termination,
                          boolean spliced) {

    public RelayResult {
        if (bytesUpstream < 0) {
            throw new IllegalArgumentException("bytesUpstream: " + bytesUpstream + " (expected: >= 0)");
        }
        if (bytesDownstream < 0) {
            throw new IllegalArgumentException("bytesDownstream: " + bytesDownstream + " (expected: >= 0)");
        }
        Objects.requireNonNull(termination, "termination");
    }

    /** The byte count of one direction. */
    public long bytes(Direction dir) {
        return dir == Direction.UPSTREAM ? bytesUpstream : bytesDownstream;
    }
}
