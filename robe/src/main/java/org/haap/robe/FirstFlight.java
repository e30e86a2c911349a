package org.haap.robe;

import io.netty.buffer.ByteBuf;

/**
 * 0-RTT establishment: the bytes every attempt sends first (with TCP Fast Open, in its SYN)
 * and the rule that decides, from the bytes an attempt reads back, whether it wins. The
 * first attempt whose answer is judged {@link Verdict#WIN} wins; every other attempt still
 * open is aborted. The aggregation point acts once per connection id however many attempts
 * carry the bytes ({@code docs/fast-open.md}), and answers every other copy in a way the
 * judge calls {@link Verdict#LOSE}.
 */
public interface FirstFlight {

    /** What one attempt's answer so far says. */
    enum Verdict {
        /** Not decided yet: read more. */
        MORE,
        /** This attempt wins (with whatever its answer says: the caller reads it again). */
        WIN,
        /** This attempt lost (another carries the connection): abort it, wait for the others. */
        LOSE
    }

    /**
     * The bytes to send on every attempt. Not consumed: each attempt writes a retained
     * duplicate; the caller keeps its reference and releases it when the establishment is over.
     */
    ByteBuf bytes();

    /**
     * Judges the bytes read so far on one attempt; must not change {@code answer}'s indexes or
     * content. Called on the event loop each time more bytes arrived.
     */
    Verdict judge(ByteBuf answer);
}
