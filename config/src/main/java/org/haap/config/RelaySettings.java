package org.haap.config;

import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * How bytes are relayed between the two sockets of a session ({@code relay} in either
 * application's section).
 *
 * @param splice use splice(2) between the sockets when both ends allow it
 * @param lowWatermark bytes queued for a socket below which reading from its peer resumes
 * @param highWatermark bytes queued for a socket above which reading from its peer pauses;
 *     greater than {@code lowWatermark}, at most 1 GiB
 * @param splicePipes splice pipes (two file descriptors each) the process may hold at once,
 *     lent to session directions while they move data or pooled; at least 1
 */
public record RelaySettings(boolean splice, int lowWatermark, int highWatermark, int splicePipes) {

    /** The largest watermark accepted: 1 GiB. */
    public static final int MAX_WATERMARK = 1 << 30;

    static RelaySettings read(Section s) {
        Problems p = new Problems();
        Boolean splice = p.read(() -> s.bool("splice"));
        Integer low = p.read(() -> s.bytes("low-watermark", MAX_WATERMARK, "1GiB"));
        Integer high = p.read(() -> s.bytes("high-watermark", MAX_WATERMARK, "1GiB"));
        Integer pipes = p.read(() -> s.intAtLeast("splice-pipes", 1));
        p.throwIfAny();
        if (low >= high) {
            throw s.invalid("low-watermark", "< high-watermark (" + high + " bytes)");
        }
        return new RelaySettings(splice, low, high, pipes);
    }
}
