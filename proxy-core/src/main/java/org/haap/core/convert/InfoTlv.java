package org.haap.core.convert;

/**
 * The Info TLV (type 1, one word: Type, Length=1, a 16-bit Zero field): a client asks the
 * converter which TCP extensions it supports.
 */
public record InfoTlv() implements ConvertTlv {

    /** The wire type. */
    public static final int TYPE = 1;

    @Override
    public int type() {
        return TYPE;
    }
}
