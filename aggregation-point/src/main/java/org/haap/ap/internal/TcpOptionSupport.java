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
 * Connect TLV. The kernel puts Window Scale, SACK Permitted and Timestamps in every SYN when
 * the namespace's {@code net.ipv4.tcp_window_scaling}, {@code tcp_sack} and
 * {@code tcp_timestamps} are on, with values of its own (they describe the AP's end of that
 * connection); it can put nothing else there for a client.
 * <ul>
 *   <li>{@link #supported()}: the Supported TCP Extensions TLV (section 4.2.4): Multipath TCP
 *       (30) when the listeners accept it (the conversion service, as the RFC's example
 *       lists it), then 3, 4 and 8 as enabled; never kinds 0-2.</li>
 *   <li>{@link #unsupported}: the kinds of a Connect TLV's options the AP cannot use, for
 *       Error 33 (section 4.2.8). Maximum Segment Size (2) is ignored, as section 5.1 has a
 *       converter do: the MSS a host advertises is its own stack's.</li>
 * </ul>
 *
 * @param mptcp         the listeners accept Multipath TCP
 * @param windowScaling {@code net.ipv4.tcp_window_scaling} is on
 * @param sack          {@code net.ipv4.tcp_sack} is on
 * @param timestamps    {@code net.ipv4.tcp_timestamps} is on (1 or 2)
 */
public record TcpOptionSupport(boolean mptcp, boolean windowScaling, boolean sack, boolean timestamps) {

    private static final Path IPV4 = Path.of("/proc/sys/net/ipv4");

    /** Reads the three sysctls of the calling thread's network namespace (unreadable: on, the kernel default). */
    public static TcpOptionSupport ofThisNamespace(boolean mptcp) {
        return new TcpOptionSupport(mptcp, enabled("tcp_window_scaling"), enabled("tcp_sack"),
                enabled("tcp_timestamps"));
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
        List<Integer> kinds = new ArrayList<>(4);
        for (int kind : new int[] {TcpOption.WINDOW_SCALE, TcpOption.SACK_PERMITTED, TcpOption.TIMESTAMPS,
                TcpOption.MPTCP}) {
            if (honours(kind) || kind == TcpOption.MPTCP && mptcp) {
                kinds.add(kind);
            }
        }
        return new SupportedTcpExtensionsTlv(kinds);
    }

    /** The kinds in {@code requested} that the AP cannot use, each once, in request order; empty when none. */
    public List<Integer> unsupported(List<TcpOption> requested) {
        List<Integer> kinds = new ArrayList<>(0);
        for (TcpOption o : requested) {
            if (o.kind() != TcpOption.MSS && !honours(o.kind()) && !kinds.contains(o.kind())) {
                kinds.add(o.kind());
            }
        }
        return kinds;
    }

    private boolean honours(int kind) {
        return switch (kind) {
            case TcpOption.WINDOW_SCALE -> windowScaling;
            case TcpOption.SACK_PERMITTED -> sack;
            case TcpOption.TIMESTAMPS -> timestamps;
            default -> false;
        };
    }
}
