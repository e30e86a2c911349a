package org.haap.deploy.testbed;

/**
 * How one emulated WAN link behaves, the same in both directions.
 *
 * @param rateMbit shaped rate in Mbit/s per direction (tbf); 0 = not shaped
 * @param oneWayDelayMs constant one-way delay in ms added in each direction by a
 *        {@link DelayLine}, so the link's RTT is twice this; 0 = no delay line
 * @param lossPct random loss per packet and direction, 0..100 (100 drops everything)
 * @param synLossPct loss of TCP SYNs (SYN set, ACK clear), 0..100, on top of {@code lossPct}
 */
public record LinkSpec(double rateMbit, double oneWayDelayMs, int lossPct, int synLossPct) {

    /** No shaping, no delay, no loss. */
    public static final LinkSpec UNLIMITED = new LinkSpec(0, 0, 0, 0);

    /** Validates every field. */
    public LinkSpec {
        if (!(rateMbit >= 0 && rateMbit <= 100_000)) {
            throw new IllegalArgumentException("rateMbit: " + rateMbit + " (expected: 0..100000, 0 = unshaped)");
        }
        if (!(oneWayDelayMs >= 0 && oneWayDelayMs <= 10_000)) {
            throw new IllegalArgumentException("oneWayDelayMs: " + oneWayDelayMs + " (expected: 0..10000)");
        }
        if (lossPct < 0 || lossPct > 100) {
            throw new IllegalArgumentException("lossPct: " + lossPct + " (expected: 0..100)");
        }
        if (synLossPct < 0 || synLossPct > 100) {
            throw new IllegalArgumentException("synLossPct: " + synLossPct + " (expected: 0..100)");
        }
    }

    /** A link with this rate and RTT and no loss. */
    public static LinkSpec of(double rateMbit, double rttMs) {
        return new LinkSpec(rateMbit, rttMs / 2, 0, 0);
    }

    /** This link with another random loss. */
    public LinkSpec withLoss(int pct) {
        return new LinkSpec(rateMbit, oneWayDelayMs, pct, synLossPct);
    }

    /** This link with another SYN loss. */
    public LinkSpec withSynLoss(int pct) {
        return new LinkSpec(rateMbit, oneWayDelayMs, lossPct, pct);
    }

    /** Whether a rate limit applies. */
    public boolean shaped() {
        return rateMbit > 0;
    }

    /** Whether a delay line is needed. */
    public boolean delayed() {
        return oneWayDelayMs > 0;
    }

    /** The round-trip time this link adds, in ms. */
    public double rttMs() {
        return 2 * oneWayDelayMs;
    }

    /** Compact form used in the state file and in status output: {@code rate,delay,loss,synLoss}. */
    String encode() {
        return rateMbit + "," + oneWayDelayMs + "," + lossPct + "," + synLossPct;
    }

    static LinkSpec decode(String s) {
        String[] f = s.split(",");
        if (f.length != 4) {
            throw new IllegalArgumentException("link spec: " + s + " (expected: rate,delay,loss,synLoss)");
        }
        return new LinkSpec(Double.parseDouble(f[0]), Double.parseDouble(f[1]),
                Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }

    @Override
    public String toString() {
        return (shaped() ? rateMbit + " Mbit/s" : "unshaped") + ", RTT +" + rttMs() + " ms, loss "
                + lossPct + " %, SYN loss " + synLossPct + " %";
    }
}
