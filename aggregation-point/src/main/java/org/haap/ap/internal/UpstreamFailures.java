package org.haap.ap.internal;

import java.util.Locale;

import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.net.SocketFailure;

/**
 * Maps why an upstream (plain TCP) connect failed to the RFC 8803 Error TLV the AP sends
 * back and to the bounded {@code reason} label of the failure metric.
 *
 * <p>RFC 8803 section 6.2.8: 96 Connection Reset when the server answers the SYN with a RST
 * (a refused port); 97 Destination Unreachable when an ICMP unreachable (or a local
 * "no route") was received, its value being the ICMP code when known; 65 Network Failure
 * when the converter's own network cannot reach the server (here: no answer at all
 * before the connect timeout).
 *
 * <p>When the AP itself is out of file descriptors, no socket could be opened: 64 Resource
 * Exceeded, as for a session over the AP's limits.
 *
 * <p>The kernel reports the ICMP message as an errno, which {@link SocketFailure} reads;
 * the value sent is the ICMPv4 code of that errno's category for both address families
 * (0 net, 1 host, 13 administratively prohibited), so a client reads one set of values.
 * No route in the AP's own table ({@code ENETUNREACH} from {@code connect(2)}) is value 0;
 * an on-link neighbour that does not answer ARP or neighbour discovery ({@code
 * EHOSTUNREACH}) is value 1; an ICMP net unreachable from a remote router cannot be told
 * from a host unreachable through Netty and is value 1 too (see {@link SocketFailure}).
 */
public enum UpstreamFailures {
    /** The server answered the SYN with a RST. */
    REFUSED(ConvertErrorCode.CONNECTION_RESET, -1),
    /** No route to the destination network (ICMP net unreachable, code 0). */
    NETWORK_UNREACHABLE(ConvertErrorCode.DESTINATION_UNREACHABLE, 0),
    /** The destination host is unreachable (ICMP host unreachable, code 1). */
    HOST_UNREACHABLE(ConvertErrorCode.DESTINATION_UNREACHABLE, 1),
    /** Communication administratively prohibited (ICMP code 13). */
    PROHIBITED(ConvertErrorCode.DESTINATION_UNREACHABLE, 13),
    /** No answer before the connect timeout. */
    TIMEOUT(ConvertErrorCode.NETWORK_FAILURE, -1),
    /**
     * The AP is out of file descriptors ({@code EMFILE}/{@code ENFILE} from {@code socket(2)}):
     * Resource Exceeded, as for a session over the limits.
     */
    FD_LIMIT(ConvertErrorCode.RESOURCE_EXCEEDED, -1),
    /** Anything else the local stack reported. */
    OTHER(ConvertErrorCode.NETWORK_FAILURE, -1);

    private final ConvertErrorCode code;
    private final int icmpCode;

    UpstreamFailures(ConvertErrorCode code, int icmpCode) {
        this.code = code;
        this.icmpCode = icmpCode;
    }

    /** The Error TLV code sent to the client. */
    public ConvertErrorCode errorCode() {
        return code;
    }

    /** The Convert reply for this failure (with the ICMP code as value when known). */
    public ConvertMessage reply() {
        return icmpCode >= 0 ? ConvertMessage.error(code, icmpCode) : ConvertMessage.error(code);
    }

    /** The metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies a failed connect's cause, by its errno ({@link SocketFailure}). */
    public static UpstreamFailures classify(Throwable cause) {
        return of(SocketFailure.classify(cause));
    }

    /**
     * The failure for a socket failure category: a reset during the handshake counts as
     * refused (Connection Reset); out of file descriptors as Resource Exceeded; a local or
     * unknown error as other (Network Failure).
     */
    public static UpstreamFailures of(SocketFailure failure) {
        return switch (failure) {
            case REFUSED, RESET -> REFUSED;
            case NETWORK_UNREACHABLE -> NETWORK_UNREACHABLE;
            case HOST_UNREACHABLE -> HOST_UNREACHABLE;
            case PROHIBITED -> PROHIBITED;
            case TIMEOUT -> TIMEOUT;
            case FD_LIMIT -> FD_LIMIT;
            case BROKEN_PIPE, CLOSED, LOCAL, OTHER -> OTHER;
        };
    }
}
