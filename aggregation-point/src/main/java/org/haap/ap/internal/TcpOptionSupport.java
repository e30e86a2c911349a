package org.haap.ap.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.convert.SupportedTcpExtensionsTlv;
import org.haap.core.convert.TcpOption;

/**
 * Which TCP options the AP's upstream connections use, for RFC 8803's Info TLV and extended
 * Connect TLV (section 7 of the RFC, option by option). The kernel puts SACK Permitted and
 * Timestamps in every SYN when the namespace's {@code net.ipv4.tcp_sack} and
 * {@code tcp_timestamps} are on, with values of its own (they describe the AP's end of that
 * connection); it can put nothing else there for a client.
 * <ul>
 *   <li>{@link #supported()}: the Supported TCP Extensions TLV (section 6.2.4): SACK
 *       Permitted (4, section 7.3) and Timestamps (8, section 7.4) as enabled, then Multipath
 *       TCP (30) when the listeners accept it (section 7.5: the conversion service). Never
 *       kinds 0-2 (section 7.1), Window Scale 3 (section 7.2) or SACK 5 (section 7.3), which
 *       the RFC forbids a converter to announce.</li>
 *   <li>{@link #unsupported}: the kinds of a Connect TLV's options the AP cannot use, for
 *       Error 33 (section 6.2.8). Maximum Segment Size (2), Window Scale (3) and SACK (5) are
 *       ignored, as sections 7.1 to 7.3 have a converter do: they describe the stack that
 *       sends them. Kinds 0 and 1 never reach here ({@link TcpOption#parseList} skips them,
 *       section 7.1).</li>
 * </ul>
 *
 * @param mptcp      the listeners accept Multipath TCP
 * @param sack       {@code net.ipv4.tcp_sack} is on
 * @param timestamps {@code net.ipv4.tcp_timestamps} is on (1 or 2)
 */
public record TcpOptionSupport(boolean mptcp, boolean sack, boolean timestamps) {

    private static final Path IPV4 = Path.of("/proc/sys/net/ipv4");
    /** SACK (RFC 2018): only after the handshake, so section 7.3 has a converter ignore it. */
    private static final int SACK = 5;

    /** Reads the two sysctls of the calling thread's network namespace (unreadable: on, the kernel default). */
    public static TcpOptionSupport ofThisNamespace(boolean mptcp) {
        return new TcpOptionSupport(mptcp, enabled("tcp_sack"), enabled("tcp_timestamps"));
    }

    private static boolean enabled(String sysctl) {
        try {
            return !Files.readString(IPV4.resolve(sysctl)).trim().equals("0");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The Supported TCP Extensions TLV that answers an Info TLV. */
    public SupportedTcpExtensionsTlv supported() {
        List<Integer> kinds = new ArrayList<>(3);
        for (int kind : new int[] {TcpOption.SACK_PERMITTED, TcpOption.TIMESTAMPS}) {
            if (honours(kind)) {
                kinds.add(kind);
            }
        }
        if (mptcp) {
            kinds.add(TcpOption.MPTCP);
        }
        return new SupportedTcpExtensionsTlv(kinds);
    }

    /** The kinds in {@code requested} that the AP cannot use, each once, in request order; empty when none. */
    public List<Integer> unsupported(List<TcpOption> requested) {
        List<Integer> kinds = new ArrayList<>(0);
        for (TcpOption o : requested) {
            if (!ignored(o.kind()) && !honours(o.kind()) && !kinds.contains(o.kind())) {
                kinds.add(o.kind());
            }
        }
        return kinds;
    }

    /** Sections 7.1 to 7.3: "MUST ignore" in a Connect TLV. */
    private static boolean ignored(int kind) {
        return kind == TcpOption.MSS || kind == TcpOption.WINDOW_SCALE || kind == SACK;
    }

    private boolean honours(int kind) {
        return switch (kind) {
            case TcpOption.SACK_PERMITTED -> sack;
            case TcpOption.TIMESTAMPS -> timestamps;
            default -> false;
        };
    }
}
