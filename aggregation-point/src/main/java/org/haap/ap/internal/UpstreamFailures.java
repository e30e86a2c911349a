package org.haap.ap.internal;

import io.netty.channel.ConnectTimeoutException;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;

import java.net.NoRouteToHostException;
import java.util.Locale;

/**
 * Maps why an upstream (plain TCP) connect failed to the RFC 8803 Error TLV the AP sends
 * back and to the bounded {@code reason} label of the failure metric.
 *
 * <p>RFC 8803 section 6: 96 Connection Reset when the server answers the SYN with a RST
 * (a refused port); 97 Destination Unreachable when an ICMP unreachable (or a local
 * "no route") was received, its value being the ICMP code when known; 65 Network Failure
 * when the converter's own network cannot reach the server (here: no answer at all
 * before the connect timeout).
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

    /** Classifies a failed connect's cause. */
    public static UpstreamFailures classify(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return TIMEOUT;
        }
        String msg = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (msg.contains("refused") || msg.contains("reset")) {
            return REFUSED;
        }
        if (msg.contains("network is unreachable")) {
            return NETWORK_UNREACHABLE;
        }
        if (msg.contains("no route to host") || msg.contains("host is unreachable")) {
            return HOST_UNREACHABLE;
        }
        if (msg.contains("permission denied") || msg.contains("not permitted")) {
            return PROHIBITED;
        }
        if (msg.contains("timed out")) {
            return TIMEOUT;
        }
        if (cause instanceof NoRouteToHostException) {
            // Netty's epoll transport throws a bare NoRouteToHostException for ENETUNREACH
            // and a ConnectException "... No route to host" for EHOSTUNREACH.
            return NETWORK_UNREACHABLE;
        }
        return OTHER;
    }
}
