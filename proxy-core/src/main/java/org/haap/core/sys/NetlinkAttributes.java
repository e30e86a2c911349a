package org.haap.core.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The attributes ({@code struct nlattr}: 16-bit length, 16-bit type, value padded to 4
 * bytes) of a netlink message or of a nested attribute. Headers are in host order; each
 * accessor says which order it reads the value in (nfnetlink values are mostly network
 * order, generic-netlink values mostly host order). The {@link #NLA_F_NESTED} and
 * {@link #NLA_F_NET_BYTEORDER} bits are removed from the types.
 *
 * <p>Every accessor is bounds-checked: an absent attribute, or a fixed-width value whose
 * length is not exactly its width (shorter or longer), throws {@link NetlinkFormatException}
 * naming the attribute, never an index or buffer exception.
 */
public final class NetlinkAttributes {

    /** {@code NLA_F_NESTED}: the value is itself a list of attributes. */
    public static final int NLA_F_NESTED = 1 << 15;
    /** {@code NLA_F_NET_BYTEORDER}: the value is in network byte order. */
    public static final int NLA_F_NET_BYTEORDER = 1 << 14;
    private static final int TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    /** One attribute: its type (flags removed) and a read-only view of its value. */
    public record Attribute(int type, ByteBuffer value) {
        /** The value as a fresh byte array. */
        public byte[] bytes() {
            byte[] b = new byte[value.remaining()];
            value.duplicate().get(b);
            return b;
        }
    }

    private final List<Attribute> attributes;

    private NetlinkAttributes(List<Attribute> attributes) {
        this.attributes = attributes;
    }

    /**
     * Parses the attributes between {@code region}'s position and limit. Values are views
     * of {@code region}.
     *
     * @throws NetlinkFormatException if an attribute header is truncated or its length invalid
     */
    public static NetlinkAttributes parse(ByteBuffer region) {
        ByteBuffer in = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Attribute> list = new ArrayList<>();
        while (in.remaining() >= 4) {
            int start = in.position();
            int length = in.getShort(start) & 0xffff;
            int type = in.getShort(start + 2) & TYPE_MASK;
            if (length < 4 || length > in.remaining()) {
                throw new NetlinkFormatException("nla_len: " + length
                        + " (expected: 4.." + in.remaining() + ")");
            }
            ByteBuffer value = in.duplicate();
            value.position(start + 4).limit(start + length);
            list.add(new Attribute(type, value.slice().asReadOnlyBuffer()));
            in.position(Math.min(in.limit(), start + NetlinkMessage.align(length)));
        }
        return new NetlinkAttributes(Collections.unmodifiableList(list));
    }

    /** Every attribute in order, repeated types included. */
    public List<Attribute> all() {
        return attributes;
    }

    /** The first attribute of this type, if any. */
    public Optional<Attribute> find(int type) {
        for (Attribute a : attributes) {
            if (a.type() == type) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Whether an attribute of this type is present. */
    public boolean has(int type) {
        return find(type).isPresent();
    }

    /**
     * The value of the first attribute of this type as a little-endian view (position 0, limit
     * its length). A caller that reads it directly checks {@code remaining()} first.
     */
    public ByteBuffer value(int type) {
        return require(type).value().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A u8 value (exactly 1 byte). */
    public int u8(int type) {
        return fixed(type, 1).get(0) & 0xff;
    }

    /** A u16 value in host order (exactly 2 bytes). */
    public int u16(int type) {
        return fixed(type, 2).getShort(0) & 0xffff;
    }

    /** A u16 value in network order (exactly 2 bytes). */
    public int u16BE(int type) {
        return Short.reverseBytes(fixed(type, 2).getShort(0)) & 0xffff;
    }

    /** A u32 value in host order (exactly 4 bytes). */
    public int u32(int type) {
        return fixed(type, 4).getInt(0);
    }

    /** A u32 value in network order (exactly 4 bytes). */
    public int u32BE(int type) {
        return Integer.reverseBytes(fixed(type, 4).getInt(0));
    }

    /** A u64 value in network order (exactly 8 bytes). */
    public long u64BE(int type) {
        return Long.reverseBytes(fixed(type, 8).getLong(0));
    }

    /**
     * An unsigned value in host order whose width is the value's length (1, 2, 4 or 8 bytes),
     * for attributes whose declared width has changed between kernel versions.
     *
     * @throws NetlinkFormatException if the attribute is absent or of another length
     */
    public long unsigned(int type) {
        ByteBuffer v = value(type);
        return switch (v.remaining()) {
            case 1 -> v.get(0) & 0xffL;
            case 2 -> v.getShort(0) & 0xffffL;
            case 4 -> v.getInt(0) & 0xffffffffL;
            case 8 -> v.getLong(0);
            default -> throw new NetlinkFormatException("attribute " + type + ": " + v.remaining()
                    + " bytes (expected: 1, 2, 4 or 8)");
        };
    }

    /** A string value without its trailing NUL. */
    public String string(int type) {
        byte[] b = require(type).bytes();
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The attributes nested in the first attribute of this type. */
    public NetlinkAttributes nested(int type) {
        return parse(require(type).value());
    }

    private Attribute require(int type) {
        return find(type).orElseThrow(() -> new NetlinkFormatException("attribute " + type + " absent"));
    }

    private ByteBuffer fixed(int type, int width) {
        ByteBuffer v = value(type);
        if (v.remaining() != width) {
            throw new NetlinkFormatException("attribute " + type + ": " + v.remaining() + " bytes (expected: "
                    + width + ")");
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NetlinkAttributes[");
        for (Attribute a : attributes) {
            sb.append(a.type()).append(':').append(a.value().remaining()).append("B ");
        }
        return sb.append(']').toString();
    }
}
