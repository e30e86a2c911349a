package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.util.HexFormat;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.net.SocketFailure;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Convert reply and metric label of each upstream connect failure; which errno is which
 * failure is {@code SocketFailureTest}'s, and the real kernel's is {@code
 * AggregationPointUnreachableIT}'s.
 */
class UpstreamFailuresTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static String reply(UpstreamFailures f) {
        return HEX.formatHex(ConvertCodec.encode(f.reply()));
    }

    /** Every socket failure (the switch in {@code of} is exhaustive), with its exact reply. */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "REFUSED,             refused,             01 02 22 63 1e 01 60 00", // 96 Connection Reset
        "RESET,               refused,             01 02 22 63 1e 01 60 00",
        "NETWORK_UNREACHABLE, network_unreachable, 01 02 22 63 1e 01 61 00", // 97, ICMP code 0
        "HOST_UNREACHABLE,    host_unreachable,    01 02 22 63 1e 01 61 01", // 97, ICMP code 1
        "PROHIBITED,          prohibited,          01 02 22 63 1e 01 61 0d", // 97, ICMP code 13
        "TIMEOUT,             timeout,             01 02 22 63 1e 01 41 00", // 65 Network Failure
        "FD_LIMIT,            fd_limit,            01 02 22 63 1e 01 40 00", // 64 Resource Exceeded
        "BROKEN_PIPE,         other,               01 02 22 63 1e 01 41 00",
        "CLOSED,              other,               01 02 22 63 1e 01 41 00",
        "LOCAL,               other,               01 02 22 63 1e 01 41 00",
        "OTHER,               other,               01 02 22 63 1e 01 41 00",
    })
    void eachSocketFailureHasItsReplyAndLabel(SocketFailure socket, String label, String reply) {
        UpstreamFailures f = UpstreamFailures.of(socket);
        assertEquals(label, f.label());
        assertEquals(reply, reply(f));
    }

    @Test
    void classifiesByErrnoAndTypeNotByText() {
        Prerequisites.requireEpoll(); // Netty's Errors needs the native transport
        IOException prohibited = assertThrows(IOException.class, () -> Errors.handleConnectErrno("connect", -13));
        assertEquals(UpstreamFailures.PROHIBITED, UpstreamFailures.classify(prohibited));
        IOException refused = assertThrows(IOException.class, () -> Errors.handleConnectErrno("finishConnect", -111));
        assertEquals(UpstreamFailures.REFUSED, UpstreamFailures.classify(refused));
        assertEquals(UpstreamFailures.TIMEOUT, UpstreamFailures.classify(new ConnectTimeoutException("1000 ms")));
        assertEquals(UpstreamFailures.OTHER, UpstreamFailures.classify(new IOException("Network is unreachable")));
        assertEquals(UpstreamFailures.OTHER, UpstreamFailures.classify(new IOException("Connection refused")));
    }
}
