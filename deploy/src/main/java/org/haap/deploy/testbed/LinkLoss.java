package org.haap.deploy.testbed;

/**
 * What the random-loss rule of a WAN's router has done, both directions together (nft
 * counters in the router's namespace, reset whenever the link is set).
 *
 * @param packets packets the rule saw (every packet forwarded over the link, dropped or not)
 * @param dropped packets it dropped at random
 */
public record LinkLoss(long packets, long dropped) {

    /** The difference {@code this - earlier}, for per-interval figures. */
    public LinkLoss minus(LinkLoss earlier) {
        return new LinkLoss(packets - earlier.packets, dropped - earlier.dropped);
    }

    /** The dropped share in percent, NaN when no packet passed. */
    public double percent() {
        return packets == 0 ? Double.NaN : 100.0 * dropped / packets;
    }
}
