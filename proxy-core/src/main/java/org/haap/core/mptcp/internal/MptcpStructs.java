package org.haap.core.mptcp.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.haap.core.mptcp.MptcpFullInfo;
import org.haap.core.mptcp.MptcpInfo;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.mptcp.TcpInfo;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;
import org.haap.core.sys.internal.SockAddrs;

/**
 * Layouts of the MPTCP getsockopt structures (kernel UAPI, little-endian hosts) and their
 * decoding. Buffers shorter than a layout (older kernels copy less) decode missing fields as 0.
 */
public final class MptcpStructs {

    /** {@code sizeof(struct mptcp_info)}. */
    public static final int MPTCP_INFO_SIZE = 96;
    /** {@code sizeof(struct tcp_info)} on 6.18; the kernel copies {@code min(user, kernel)}. */
    public static final int TCP_INFO_SIZE = 280;
    /** {@code sizeof(struct mptcp_subflow_info)}: u32 id, pad, two {@code sockaddr_storage}. */
    public static final int SUBFLOW_INFO_SIZE = 264;

    private static final int FULL_INFO_HEADER = 40;
    private static final int FULL_INFO_SIZE = FULL_INFO_HEADER + MPTCP_INFO_SIZE;
    private static final int SUBFLOW_LOCAL = 8;
    private static final int SUBFLOW_REMOTE = 8 + 128;

    /** The result of one {@code MPTCP_FULL_INFO} call and how many subflows the kernel had. */
    public record FullInfoResult(MptcpFullInfo info, int totalSubflows) {
    }

    private MptcpStructs() {
    }

    /** Decodes {@code struct mptcp_info} at {@code offset} of {@code raw}. */
    public static MptcpInfo mptcpInfo(byte[] raw, int offset) {
        ByteBuffer b = le(Arrays.copyOfRange(raw, offset, offset + MPTCP_INFO_SIZE));
        int flags = b.getInt(8);
        return new MptcpInfo(
                u8(b, 0), u8(b, 80), flags,
                (flags & MptcpInfo.FLAG_FALLBACK) != 0, (flags & MptcpInfo.FLAG_REMOTE_KEY_RECEIVED) != 0,
                u32(b, 12), b.getLong(16), b.getLong(24), b.getLong(32), b.getInt(44),
                b.getLong(48), b.getLong(56), b.getLong(64), b.getLong(72),
                u8(b, 1), u8(b, 2), u8(b, 3), u8(b, 4), u8(b, 5), u8(b, 40), u8(b, 41), u8(b, 42) != 0,
                u32(b, 84), u32(b, 88), u32(b, 92));
    }

    /** Decodes the fields HAAP uses from a kernel {@code struct tcp_info} at {@code offset}. */
    public static TcpInfo tcpInfo(byte[] raw, int offset) {
        ByteBuffer b = le(Arrays.copyOfRange(raw, offset, offset + TCP_INFO_SIZE));
        return new TcpInfo(u32(b, 68), u32(b, 80), u32(b, 100), b.getLong(120), b.getLong(128), u32(b, 136),
                b.getLong(200), b.getLong(208),
                u8(b, 0), u8(b, 2), u8(b, 4), u32(b, 8), u32(b, 24), u32(b, 32), u32(b, 72), u32(b, 56));
    }

    /**
     * One {@code getsockopt(SOL_MPTCP, MPTCP_FULL_INFO)} call offering {@code slots} array
     * entries for subflows.
     */
    public static FullInfoResult readFullInfo(int fd, int slots) throws ErrnoException {
        ByteBuffer header = le(new byte[FULL_INFO_SIZE]);
        header.putInt(4, TCP_INFO_SIZE);      // size_tcpinfo_user
        header.putInt(12, SUBFLOW_INFO_SIZE); // size_sfinfo_user
        header.putInt(20, slots);             // size_arrays_user
        byte[][] out = Posix.getWithArrays(fd, Linux.SOL_MPTCP, Linux.MPTCP_FULL_INFO, header.array(),
                new int[] {24, 32}, new int[] {slots * SUBFLOW_INFO_SIZE, slots * TCP_INFO_SIZE}, "MPTCP_FULL_INFO");
        byte[] head = Arrays.copyOf(out[0], FULL_INFO_SIZE);
        byte[] subflowInfos = out[1];
        byte[] tcpInfos = out[2];
        int total = le(head).getInt(16);
        int filled = Math.min(total, slots);
        List<SubflowInfo> subflows = new ArrayList<>(filled);
        for (int i = 0; i < filled; i++) {
            int base = i * SUBFLOW_INFO_SIZE;
            subflows.add(new SubflowInfo(
                    le(subflowInfos).getInt(base),
                    SockAddrs.decode(subflowInfos, base + SUBFLOW_LOCAL),
                    SockAddrs.decode(subflowInfos, base + SUBFLOW_REMOTE),
                    tcpInfo(tcpInfos, i * TCP_INFO_SIZE)));
        }
        return new FullInfoResult(new MptcpFullInfo(mptcpInfo(head, FULL_INFO_HEADER), subflows), total);
    }

    private static ByteBuffer le(byte[] raw) {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int u8(ByteBuffer b, int offset) {
        return b.get(offset) & 0xff;
    }

    private static long u32(ByteBuffer b, int offset) {
        return b.getInt(offset) & 0xffffffffL;
    }
}
