package org.haap.deploy.testbed.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.haap.core.sys.NetlinkMessage;

/**
 * The nfnetlink_queue messages the delay line exchanges with the kernel
 * ({@code linux/netfilter/nfnetlink_queue.h}): queue configuration, batch verdicts, and a
 * parser for packet notifications that allocates nothing per packet.
 */
public final class Nfqueue {

    /** {@code NFNL_SUBSYS_QUEUE}. */
    public static final int SUBSYS_QUEUE = 3;
    /** {@code NFQNL_MSG_PACKET} as a full nlmsg type. */
    public static final int MSG_PACKET = SUBSYS_QUEUE << 8;
    /** {@code NFQNL_MSG_CONFIG} as a full nlmsg type. */
    public static final int MSG_CONFIG = SUBSYS_QUEUE << 8 | 2;
    /** {@code NFQNL_MSG_VERDICT_BATCH} as a full nlmsg type. */
    public static final int MSG_VERDICT_BATCH = SUBSYS_QUEUE << 8 | 3;
    /** {@code NF_DROP}. */
    public static final int NF_DROP = 0;
    /** {@code NF_ACCEPT}. */
    public static final int NF_ACCEPT = 1;

    static final int NFQA_PACKET_HDR = 1;
    static final int NFQA_VERDICT_HDR = 2;
    static final int NFQA_CFG_CMD = 1;
    static final int NFQA_CFG_PARAMS = 2;
    static final int NFQA_CFG_QUEUE_MAXLEN = 3;
    static final int NFQA_CFG_MASK = 4;
    static final int NFQA_CFG_FLAGS = 5;
    static final int CMD_BIND = 1;
    static final int CMD_UNBIND = 2;
    static final int COPY_META = 1;
    /** {@code NFQA_CFG_F_GSO}: queue GSO packets whole instead of segmenting them. */
    static final int F_GSO = 1 << 2;
    private static final int NFGENMSG_LENGTH = 4;

    private Nfqueue() {
    }

    /** {@code NFQNL_CFG_CMD_BIND} for {@code queue}, asking for an acknowledgement. */
    public static ByteBuffer bind(int queue, int seq) {
        return config(queue, seq).attr(NFQA_CFG_CMD, new byte[] {CMD_BIND, 0, 0, 0}).build();
    }

    /** {@code NFQNL_CFG_CMD_UNBIND} for {@code queue}, asking for an acknowledgement. */
    public static ByteBuffer unbind(int queue, int seq) {
        return config(queue, seq).attr(NFQA_CFG_CMD, new byte[] {CMD_UNBIND, 0, 0, 0}).build();
    }

    /**
     * Metadata-only copy mode, the queue's length limit and the GSO flag for
     * {@code queue}, asking for an acknowledgement.
     */
    public static ByteBuffer configure(int queue, int maxLength, int seq) {
        // struct nfqnl_msg_config_params { __be32 copy_range; __u8 copy_mode; } (packed)
        byte[] params = {0, 0, 0, 0, COPY_META};
        return config(queue, seq)
                .attr(NFQA_CFG_PARAMS, params)
                .attrU32BE(NFQA_CFG_QUEUE_MAXLEN, maxLength)
                .attrU32BE(NFQA_CFG_FLAGS, F_GSO)
                .attrU32BE(NFQA_CFG_MASK, F_GSO)
                .build();
    }

    /** A batch verdict: {@code verdict} for every packet of {@code queue} with an id up to {@code id}. */
    public static ByteBuffer verdictBatch(int queue, int id, int verdict) {
        byte[] hdr = ByteBuffer.allocate(8).putInt(verdict).putInt(id).array(); // both big-endian
        return NetlinkMessage.builder(MSG_VERDICT_BATCH, NetlinkMessage.NLM_F_REQUEST)
                .putU8(0).putU8(0).putU16BE(queue)
                .attr(NFQA_VERDICT_HDR, hdr)
                .build();
    }

    private static NetlinkMessage.Builder config(int queue, int seq) {
        return NetlinkMessage.builder(MSG_CONFIG, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK)
                .sequence(seq)
                .putU8(0).putU8(0).putU16BE(queue); // nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id
    }

    /** Receives the fields of each packet notification found by {@link #forEachPacket}. */
    @FunctionalInterface
    public interface PacketSink {
        /** One queued packet: its queue number and packet id. */
        void packet(int queue, int packetId);
    }

    /**
     * Calls {@code sink} for every {@code NFQNL_MSG_PACKET} in the datagram between
     * {@code datagram}'s position and limit, without allocating.
     *
     * @return the number of {@code NLMSG_ERROR} messages with a non-zero errno seen
     */
    public static int forEachPacket(ByteBuffer datagram, PacketSink sink) {
        ByteBuffer in = datagram.order(ByteOrder.LITTLE_ENDIAN);
        int errors = 0;
        int pos = in.position();
        int end = in.limit();
        while (end - pos >= NetlinkMessage.HEADER_LENGTH) {
            int len = in.getInt(pos);
            if (len < NetlinkMessage.HEADER_LENGTH || len > end - pos) {
                break;
            }
            int type = in.getShort(pos + 4) & 0xffff;
            if (type == MSG_PACKET && len >= NetlinkMessage.HEADER_LENGTH + NFGENMSG_LENGTH) {
                int queue = Short.reverseBytes(in.getShort(pos + 18)) & 0xffff;
                int a = pos + NetlinkMessage.HEADER_LENGTH + NFGENMSG_LENGTH;
                int msgEnd = pos + len;
                while (msgEnd - a >= 4) {
                    int alen = in.getShort(a) & 0xffff;
                    int atype = in.getShort(a + 2) & 0x3fff;
                    if (alen < 4 || alen > msgEnd - a) {
                        break;
                    }
                    if (atype == NFQA_PACKET_HDR && alen >= 8) {
                        sink.packet(queue, Integer.reverseBytes(in.getInt(a + 4)));
                        break;
                    }
                    a += NetlinkMessage.align(alen);
                }
            } else if (type == NetlinkMessage.NLMSG_ERROR && len >= 20 && in.getInt(pos + 16) != 0) {
                errors++;
            }
            pos += NetlinkMessage.align(len);
        }
        return errors;
    }
}
