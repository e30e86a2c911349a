package org.haap.ap.internal;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.convert.TcpOption;

/**
 * The options of the server's SYN+ACK, for RFC 8803's Extended TCP Header TLV, as the kernel
 * recorded them ({@code TCP_INFO} of the upstream socket): Linux keeps no copy of an active
 * open's SYN+ACK, only what it negotiated.
 * <ul>
 *   <li>Maximum Segment Size: {@code tcpi_snd_mss}, plus the 12 bytes of the timestamps option
 *       when timestamps are on (the kernel takes them off every segment). Exact unless the
 *       server advertised more than the AP's path MTU allows; then the path's figure.</li>
 *   <li>Window Scale: {@code tcpi_snd_wscale}, the server's shift, when window scaling was
 *       negotiated.</li>
 *   <li>SACK Permitted, when SACK was negotiated.</li>
 * </ul>
 * Timestamps are not returned: their values are not kept, and values made up would mislead.
 */
public final class SynAckOptions {

    /** {@code TCPI_OPT_TIMESTAMPS}, {@code TCPI_OPT_SACK}, {@code TCPI_OPT_WSCALE} (linux/tcp.h). */
    static final int OPT_TIMESTAMPS = 1;
    static final int OPT_SACK = 2;
    static final int OPT_WSCALE = 4;
    /** The timestamps option as every segment carries it, aligned ({@code TCPOLEN_TSTAMP_ALIGNED}). */
    static final int TIMESTAMP_BYTES = 12;

    private SynAckOptions() {
    }

    /** Reads {@code up}'s {@code TCP_INFO}; empty for a channel that is not an epoll socket. */
    public static List<TcpOption> of(Channel up) {
        if (!(up instanceof EpollSocketChannel epoll)) {
            return List.of();
        }
        EpollTcpInfo info = epoll.tcpInfo();
        return of((int) info.options(), (int) info.sndWscale(), (int) info.sndMss());
    }

    /**
     * The options from {@code tcpi_options}, {@code tcpi_snd_wscale} and {@code tcpi_snd_mss}
     * (0: unknown, no MSS option).
     */
    public static List<TcpOption> of(int tcpiOptions, int sndWscale, int sndMss) {
        List<TcpOption> options = new ArrayList<>(3);
        if (sndMss > 0) {
            int mss = sndMss + ((tcpiOptions & OPT_TIMESTAMPS) != 0 ? TIMESTAMP_BYTES : 0);
            options.add(new TcpOption(TcpOption.MSS, ByteBuffer.allocate(2).putShort((short) mss).array()));
        }
        if ((tcpiOptions & OPT_WSCALE) != 0) {
            options.add(new TcpOption(TcpOption.WINDOW_SCALE, new byte[] {(byte) sndWscale}));
        }
        if ((tcpiOptions & OPT_SACK) != 0) {
            options.add(TcpOption.of(TcpOption.SACK_PERMITTED));
        }
        return options;
    }
}
