package org.haap.core.convert;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A Convert message (RFC 8803 section 4): the fixed header (version 1, total length, magic
 * 0x2263), which {@link ConvertCodec} writes and checks, followed by these TLVs in order.
 * A message without TLVs is the converter's success reply. The codec checks syntax only:
 * which TLVs may appear together, or how often, is for the endpoints to decide; the
 * accessors return the first TLV of a type.
 *
 * @param tlvs the TLVs in wire order (an immutable copy)
 */
public record ConvertMessage(List<ConvertTlv> tlvs) {

    /** Copies the TLV list (no nulls). */
    public ConvertMessage {
        tlvs = List.copyOf(tlvs);
    }

    /** The converter's success reply: no TLVs, encoded as {@code 01 01 22 63}. */
    public static ConvertMessage success() {
        return new ConvertMessage(List.of());
    }

    /** A client request to connect to {@code destination}. */
    public static ConvertMessage connect(InetSocketAddress destination) {
        return connect(destination, null);
    }

    /** A client request to connect to {@code destination}, followed by a Cookie TLV unless null. */
    public static ConvertMessage connect(InetSocketAddress destination, byte[] cookieOrNull) {
        ConnectTlv connect = new ConnectTlv(destination);
        return new ConvertMessage(cookieOrNull == null
                ? List.of(connect)
                : List.of(connect, new CookieTlv(cookieOrNull)));
    }

    /** An error reply whose value is ignored (a single zero byte). */
    public static ConvertMessage error(ConvertErrorCode code) {
        return new ConvertMessage(List.of(new ErrorTlv(code)));
    }

    /**
     * An error reply with a one-byte value, e.g. the ICMP code for
     * {@link ConvertErrorCode#DESTINATION_UNREACHABLE}.
     *
     * @throws IllegalArgumentException if {@code value} is not 0-255
     */
    public static ConvertMessage error(ConvertErrorCode code, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("value: " + value + " (expected: 0..255)");
        }
        return new ConvertMessage(List.of(new ErrorTlv(code, new byte[] {(byte) value})));
    }

    /**
     * Error 33 Unsupported TCP Option: the value lists the kinds of the Connect TLV's options
     * that the converter cannot use, one byte each, zero-padded (RFC 8803 section 6.2.8).
     *
     * @throws IllegalArgumentException if {@code kinds} is empty or a kind is not 2-255
     */
    public static ConvertMessage unsupportedTcpOptions(List<Integer> kinds) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds: [] (expected: at least one)");
        }
        byte[] value = new byte[kinds.size()];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) TcpOption.of(kinds.get(i)).kind();
        }
        return new ConvertMessage(List.of(new ErrorTlv(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, value)));
    }

    /** A gateway's warm-pool hello (HAAP extension): the one TLV {@code hello}. */
    public static ConvertMessage poolHello(PoolHelloTlv hello) {
        return new ConvertMessage(List.of(hello));
    }

    /** The aggregation point's warm-pool acknowledgement (HAAP extension). */
    public static ConvertMessage poolAck(long idleTimeoutMillis) {
        return new ConvertMessage(List.of(new PoolAckTlv(idleTimeoutMillis)));
    }

    /** Returns the first pool hello TLV (HAAP extension), if any. */
    public Optional<PoolHelloTlv> poolHelloTlv() {
        return first(PoolHelloTlv.class);
    }

    /** Returns the first pool ack TLV (HAAP extension), if any. */
    public Optional<PoolAckTlv> poolAckTlv() {
        return first(PoolAckTlv.class);
    }

    /** Returns the first attempt TLV (HAAP extension), if any. */
    public Optional<AttemptTlv> attemptTlv() {
        return first(AttemptTlv.class);
    }

    /** Returns the first Connect TLV, if any. */
    public Optional<ConnectTlv> connectTlv() {
        return first(ConnectTlv.class);
    }

    /** Returns the first Info TLV, if any. */
    public Optional<InfoTlv> infoTlv() {
        return first(InfoTlv.class);
    }

    /** Returns the first Supported TCP Extensions TLV, if any. */
    public Optional<SupportedTcpExtensionsTlv> supportedTcpExtensionsTlv() {
        return first(SupportedTcpExtensionsTlv.class);
    }

    /** Returns the first Extended TCP Header TLV, if any. */
    public Optional<ExtendedTcpHeaderTlv> extendedTcpHeaderTlv() {
        return first(ExtendedTcpHeaderTlv.class);
    }

    /** Returns the first Error TLV, if any. */
    public Optional<ErrorTlv> errorTlv() {
        return first(ErrorTlv.class);
    }

    /** Returns the first Cookie TLV, if any. */
    public Optional<CookieTlv> cookieTlv() {
        return first(CookieTlv.class);
    }

    private <T extends ConvertTlv> Optional<T> first(Class<T> type) {
        return tlvs.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
