package org.haap.core.convert;

import io.netty.buffer.ByteBufUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Golden Convert messages shared by the tests (from the project's MPTCP reference page). */
final class ConvertTestVectors {

    static final InetSocketAddress DESTINATION = socketAddress("127.0.0.2", 8080);

    /** Connect to 127.0.0.2:8080 (IPv4-mapped address). */
    static final byte[] CONNECT = hex("01 06 22 63 0a 05 1f 90 00000000 00000000 0000 ffff 7f000002");
    /** The same with Cookie "abc": Type 22, Length 2, Zero 0000, "abc", one byte of padding. */
    static final byte[] CONNECT_COOKIE = hex("01 08 22 63 0a 05 1f 90 00000000 00000000 0000 ffff 7f000002"
            + " 16 02 00 00 61 62 63 00");
    /** Converter success reply: the fixed header alone. */
    static final byte[] SUCCESS = hex("01 01 22 63");
    /** Error TLV: code 97 (Destination Unreachable), value 0 (the echoed ICMP code). */
    static final byte[] ERROR = hex("01 02 22 63 1e 01 61 00");

    /** Every golden vector with the message it encodes. */
    static final Map<String, Golden> GOLDEN = Map.of(
            "connect", new Golden(CONNECT, ConvertMessage.connect(DESTINATION)),
            "connectCookie", new Golden(CONNECT_COOKIE,
                    ConvertMessage.connect(DESTINATION, "abc".getBytes(StandardCharsets.US_ASCII))),
            "success", new Golden(SUCCESS, ConvertMessage.success()),
            "error", new Golden(ERROR, ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE)));

    /** A message with one TLV of every type, options and values needing padding. */
    static ConvertMessage allTlvs() {
        return new ConvertMessage(List.of(
                new InfoTlv(),
                new ConnectTlv(socketAddress("2001:db8::1", 443), hex("02 04 05 b4 03 03 07")),
                new ExtendedTcpHeaderTlv(hex("1f90 c350 00000001 00000002 5012 ffff 0000 0000")),
                new SupportedTcpExtensionsTlv(List.of(2, 30, 8, 4, 3)),
                new CookieTlv(hex("00112233445566778899aabbccddeeff")),
                new ErrorTlv(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, hex("02 08"))));
    }

    record Golden(byte[] bytes, ConvertMessage message) {
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }

    static InetSocketAddress socketAddress(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Zeroes the fields that decoding ignores (in place, in a valid message): the 16-bit
     * Zero/Unassigned fields and the pool ack's byte after its version. For comparing a
     * decoded message's re-encoding with its input.
     */
    static byte[] canonical(byte[] message) {
        for (int offset = 4; offset < message.length; offset += (message[offset + 1] & 0xff) * 4) {
            int type = message[offset] & 0xff;
            if (type == InfoTlv.TYPE || type == ExtendedTcpHeaderTlv.TYPE
                    || type == SupportedTcpExtensionsTlv.TYPE || type == CookieTlv.TYPE) {
                message[offset + 2] = 0;
                message[offset + 3] = 0;
            } else if (type == PoolAckTlv.TYPE) {
                message[offset + 3] = 0;
            }
        }
        return message;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private ConvertTestVectors() {
    }
}
