package org.haap.core.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One netlink message: the 16-byte {@code struct nlmsghdr} (length, type, flags, sequence
 * number, port id; host byte order, which is little-endian on every platform HAAP runs on)
 * and its payload. The payload starts with the family header (for example {@code nfgenmsg}
 * for nfnetlink or {@code genlmsghdr} for generic netlink) followed by attributes that
 * {@link NetlinkAttributes} parses.
 *
 * <p>{@link #builder(int, int)} encodes a message; {@link #parseAll(ByteBuffer)} splits a
 * datagram received from a {@link NetlinkSocket} into messages.
 */
public final class NetlinkMessage {

    /** Size of {@code struct nlmsghdr}. */
    public static final int HEADER_LENGTH = 16;
    /** {@code NLMSG_NOOP}. */
    public static final int NLMSG_NOOP = 1;
    /** {@code NLMSG_ERROR}: an error report or, with error code 0, an acknowledgement. */
    public static final int NLMSG_ERROR = 2;
    /** {@code NLMSG_DONE}: the end of a multi-part dump. */
    public static final int NLMSG_DONE = 3;
    /** {@code NLM_F_REQUEST}. */
    public static final int NLM_F_REQUEST = 0x1;
    /** {@code NLM_F_MULTI}. */
    public static final int NLM_F_MULTI = 0x2;
    /** {@code NLM_F_ACK}: ask the kernel for an acknowledgement. */
    public static final int NLM_F_ACK = 0x4;
    /** {@code NLM_F_DUMP} ({@code NLM_F_ROOT | NLM_F_MATCH}). */
    public static final int NLM_F_DUMP = 0x300;
    /** {@code NLM_F_CAPPED} on an error report: the request's payload is not echoed. */
    public static final int NLM_F_CAPPED = 0x100;
    /** {@code NLM_F_ACK_TLVS} on an error report: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;
    /** {@code NLMSGERR_ATTR_MSG}: the extended-ack text. */
    public static final int NLMSGERR_ATTR_MSG = 1;
    /** {@code NLMSGERR_ATTR_OFFS}: offset of the offending attribute in the request. */
    public static final int NLMSGERR_ATTR_OFFS = 2;

    private final int type;
    private final int flags;
    private final int sequence;
    private final int portId;
    private final ByteBuffer payload;

    private NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {
        this.type = type;
        this.flags = flags;
        this.sequence = sequence;
        this.portId = portId;
        this.payload = payload;
    }

    /** Rounds {@code length} up to the 4-byte netlink alignment. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }

    /** The message type ({@code nlmsg_type}). */
    public int type() {
        return type;
    }

    /** The flags ({@code nlmsg_flags}). */
    public int flags() {
        return flags;
    }

    /** The sequence number ({@code nlmsg_seq}). */
    public int sequence() {
        return sequence;
    }

    /** The sender's port id ({@code nlmsg_pid}); 0 for the kernel. */
    public int portId() {
        return portId;
    }

    /**
     * The payload after the header, as a little-endian read-only view (position 0). Each
     * call returns an independent view.
     */
    public ByteBuffer payload() {
        return payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The attributes that follow a family header of {@code familyHeaderLength} bytes (for
     * example 4 for {@code nfgenmsg} or {@code genlmsghdr}).
     */
    public NetlinkAttributes attributes(int familyHeaderLength) {
        ByteBuffer p = payload();
        if (familyHeaderLength > p.remaining()) {
            throw new NetlinkFormatException("familyHeaderLength: " + familyHeaderLength
                    + " (expected: <= " + p.remaining() + ")");
        }
        p.position(Math.min(p.limit(), align(familyHeaderLength)));
        return NetlinkAttributes.parse(p.slice());
    }

    /** This message with a payload of its own, no longer a view of the received datagram. */
    public NetlinkMessage copy() {
        ByteBuffer own = ByteBuffer.allocate(payload.remaining());
        own.put(payload.duplicate()).flip();
        return new NetlinkMessage(type, flags, sequence, portId, own.asReadOnlyBuffer());
    }

    /** True for an {@link #NLMSG_ERROR} message. */
    public boolean isError() {
        return type == NLMSG_ERROR;
    }

    /**
     * The (positive) errno of an {@link #NLMSG_ERROR} message, 0 for an acknowledgement.
     *
     * @throws IllegalStateException if this is not an error message
     */
    public int errno() {
        if (!isError() || payload.remaining() < 4) {
            throw new IllegalStateException("not an NLMSG_ERROR message: type " + type);
        }
        return -payload().getInt(0);
    }

    /**
     * The kernel's extended-ack text of an {@link #NLMSG_ERROR} message ({@code
     * NLMSGERR_ATTR_MSG}, sent when the socket enabled {@link NetlinkSocket#NETLINK_EXT_ACK}),
     * if there is one. Handles reports with and without the echoed request payload.
     *
     * @throws IllegalStateException if this is not an error message
     */
    public Optional<String> extendedAckMessage() {
        errno();
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return Optional.empty();
        }
        ByteBuffer p = payload();
        int offset = 4;
        if (p.remaining() < offset + HEADER_LENGTH) {
            return Optional.empty();
        }
        int echoed = (flags & NLM_F_CAPPED) != 0 ? HEADER_LENGTH : align(p.getInt(offset));
        offset += echoed;
        if (echoed < HEADER_LENGTH || offset > p.remaining()) {
            return Optional.empty();
        }
        p.position(offset);
        try {
            NetlinkAttributes tlvs = NetlinkAttributes.parse(p.slice());
            return tlvs.has(NLMSGERR_ATTR_MSG) ? Optional.of(tlvs.string(NLMSGERR_ATTR_MSG)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Splits the datagram between {@code datagram}'s position and limit into messages. The
     * payloads are views of {@code datagram}: copy them before reusing the buffer.
     *
     * @throws NetlinkFormatException if a header is truncated or its length is invalid
     */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer in = datagram.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<NetlinkMessage> messages = new ArrayList<>();
        while (in.remaining() >= HEADER_LENGTH) {
            int start = in.position();
            int length = in.getInt(start);
            if (length < HEADER_LENGTH || length > in.remaining()) {
                throw new NetlinkFormatException("nlmsg_len: " + length
                        + " (expected: " + HEADER_LENGTH + ".." + in.remaining() + ")");
            }
            int type = in.getShort(start + 4) & 0xffff;
            int flags = in.getShort(start + 6) & 0xffff;
            int seq = in.getInt(start + 8);
            int pid = in.getInt(start + 12);
            ByteBuffer payload = in.duplicate();
            payload.position(start + HEADER_LENGTH).limit(start + length);
            messages.add(new NetlinkMessage(type, flags, seq, pid, payload.slice().asReadOnlyBuffer()));
            in.position(Math.min(in.limit(), start + align(length)));
        }
        if (in.hasRemaining()) {
            throw new NetlinkFormatException("trailing bytes: " + in.remaining()
                    + " (expected: a whole nlmsghdr)");
        }
        return messages;
    }

    /** Starts a message of the given type and flags (sequence and port id default to 0). */
    public static Builder builder(int type, int flags) {
        return new Builder(type, flags);
    }

    @Override
    public String toString() {
        return "NetlinkMessage(type=" + type + ", flags=0x" + Integer.toHexString(flags)
                + ", seq=" + sequence + ", pid=" + portId + ", payload=" + payload.remaining() + "B)";
    }

    /**
     * Encodes one message: first the family header with the {@code put*} methods, then
     * attributes with the {@code attr*} methods. Multi-byte {@code put}/{@code attr} values
     * are in host order (little-endian) unless the method name ends in {@code BE}.
     */
    public static final class Builder {
        private final int type;
        private final int flags;
        private int sequence;
        private int portId;
        private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        private Builder(int type, int flags) {
            if (type < 0 || type > 0xffff) {
                throw new IllegalArgumentException("type: " + type + " (expected: 0..65535)");
            }
            this.type = type;
            this.flags = flags;
            buf.position(HEADER_LENGTH);
        }

        /** Sets {@code nlmsg_seq}. */
        public Builder sequence(int seq) {
            this.sequence = seq;
            return this;
        }

        /** Sets {@code nlmsg_pid} (0 to address the kernel). */
        public Builder portId(int pid) {
            this.portId = pid;
            return this;
        }

        /** Appends one byte of family header. */
        public Builder putU8(int v) {
            ensure(1).put((byte) v);
            return this;
        }

        /** Appends a 16-bit value, host order. */
        public Builder putU16(int v) {
            ensure(2).putShort((short) v);
            return this;
        }

        /** Appends a 16-bit value, network order. */
        public Builder putU16BE(int v) {
            ensure(2).putShort(Short.reverseBytes((short) v));
            return this;
        }

        /** Appends a 32-bit value, host order. */
        public Builder putU32(int v) {
            ensure(4).putInt(v);
            return this;
        }

        /** Appends raw bytes. */
        public Builder putBytes(byte[] bytes) {
            ensure(bytes.length).put(bytes);
            return this;
        }

        /** Appends an attribute with a raw value (padded to 4 bytes). */
        public Builder attr(int attrType, byte[] value) {
            int start = beginAttr(attrType);
            ensure(value.length).put(value);
            return endAttr(start);
        }

        /** Appends a u8 attribute. */
        public Builder attrU8(int attrType, int value) {
            return attr(attrType, new byte[] {(byte) value});
        }

        /** Appends a u16 attribute, host order. */
        public Builder attrU16(int attrType, int value) {
            int start = beginAttr(attrType);
            ensure(2).putShort((short) value);
            return endAttr(start);
        }

        /** Appends a u16 attribute, network order. */
        public Builder attrU16BE(int attrType, int value) {
            int start = beginAttr(attrType);
            ensure(2).putShort(Short.reverseBytes((short) value));
            return endAttr(start);
        }

        /** Appends a u32 attribute, host order. */
        public Builder attrU32(int attrType, int value) {
            int start = beginAttr(attrType);
            ensure(4).putInt(value);
            return endAttr(start);
        }

        /** Appends a u32 attribute, network order. */
        public Builder attrU32BE(int attrType, int value) {
            int start = beginAttr(attrType);
            ensure(4).putInt(Integer.reverseBytes(value));
            return endAttr(start);
        }

        /** Appends a NUL-terminated string attribute ({@code NLA_NUL_STRING}). */
        public Builder attrString(int attrType, String value) {
            byte[] s = value.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[s.length + 1];
            System.arraycopy(s, 0, z, 0, s.length);
            return attr(attrType, z);
        }

        /**
         * Appends a nested attribute ({@code NLA_F_NESTED} set) whose content {@code body}
         * writes with this builder's {@code attr*} methods.
         */
        public Builder attrNested(int attrType, Consumer<Builder> body) {
            int start = beginAttr(attrType | NetlinkAttributes.NLA_F_NESTED);
            body.accept(this);
            return endAttr(start);
        }

        /** Finishes the message: a little-endian buffer from 0 to its length. */
        public ByteBuffer build() {
            padTo4();
            ByteBuffer out = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int length = out.position();
            out.putInt(0, length);
            out.putShort(4, (short) type);
            out.putShort(6, (short) flags);
            out.putInt(8, sequence);
            out.putInt(12, portId);
            out.flip();
            return out;
        }

        private int beginAttr(int attrType) {
            padTo4();
            int start = buf.position();
            ensure(4).putShort((short) 0).putShort((short) attrType);
            return start;
        }

        private Builder endAttr(int start) {
            int length = buf.position() - start;
            if (length > 0xffff) {
                throw new IllegalArgumentException("attribute length: " + length + " (expected: <= 65535)");
            }
            buf.putShort(start, (short) length);
            padTo4();
            return this;
        }

        private void padTo4() {
            int pad = align(buf.position()) - buf.position();
            ensure(pad);
            for (int i = 0; i < pad; i++) {
                buf.put((byte) 0);
            }
        }

        private ByteBuffer ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return buf;
        }
    }
}
