package org.haap.loadtest.aggregation;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.haap.loadtest.aprelay.Transfer;

/**
 * One measured cell: {@code connections} bulk transfers at once, one way, over one route, at
 * one loss rate on LTE.
 *
 * @param lossPct      random loss asked for on LTE, per packet and direction
 * @param transfer     upload or download
 * @param connections  parallel transfers
 * @param route        the route
 * @param seconds      the wall time from the first connect to the last verified end
 * @param bytes        payload bytes carried, every transfer's count and SHA-256 checked at both ends
 * @param intact       transfers that ended with matching count and SHA-256
 * @param dslBytes     bytes the sender put on DSL in the data's direction, before the link's loss
 *                     (the CPE's interface for an upload, the DSL router's towards the AP for a
 *                     download): payload, headers and retransmissions
 * @param lteBytes     the same for LTE
 * @param segments     data segments the sending namespace sent, first transmissions and retransmissions
 * @param lteLoss      LTE's loss rule over the cell: packets seen and dropped, both directions
 * @param congestion   congestion control on the sender's sockets of the measured connections (ss -ti)
 * @param errors       why transfers failed, a few
 */
record Cell(int lossPct, Transfer transfer, int connections, Route route, double seconds, long bytes, int intact,
            long dslBytes, long lteBytes, TcpProbe.Segments segments, org.haap.deploy.testbed.LinkLoss lteLoss,
            Set<String> congestion, List<String> errors) {

    Cell {
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(route, "route");
        congestion = Set.copyOf(congestion);
        errors = List.copyOf(errors);
    }

    /** Payload goodput in Mbit/s, NaN when nothing was measured. */
    double goodputMbit() {
        return seconds > 0 && intact == connections ? bytes * 8 / (seconds * 1e6) : Double.NaN;
    }

    /** Payload bytes over the bytes both WANs carried in the data's direction. */
    double efficiency() {
        long wire = dslBytes + lteBytes;
        return wire == 0 ? Double.NaN : bytes / (double) wire;
    }

    /** Whether every transfer completed intact. */
    boolean ok() {
        return intact == connections;
    }
}
