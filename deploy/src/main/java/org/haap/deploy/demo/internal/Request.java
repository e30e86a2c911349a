package org.haap.deploy.demo.internal;

import io.netty.buffer.ByteBuf;

/**
 * The header a traffic client sends first ({@value #LENGTH} bytes, big-endian):
 * {@code 'H' 'D'}, version 1, mode, duration in ms (u32), byte limit (u64), seed (u64).
 * <ul>
 *   <li>{@link Mode#UPLOAD}: the client then sends the pattern of {@code seed} until it
 *       half-closes; the server answers with the byte count (u64) and SHA-256 (32 bytes) of
 *       what it read, and closes;</li>
 *   <li>{@link Mode#DOWNLOAD}: the server sends frames {@code u32 length, payload} with the
 *       pattern until {@code durationMs} has passed or {@code byteLimit} bytes are sent
 *       (0 = no limit), then an end frame {@code u32 0, u64 count, SHA-256}, and closes;</li>
 *   <li>{@link Mode#PING}: the server answers one byte at once (connect-time probes).</li>
 * </ul>
 *
 * @param mode what the connection does
 * @param durationMs how long the server sends in download mode; 0 = until the byte limit
 * @param byteLimit how many bytes the server sends in download mode; 0 = until the duration
 * @param seed where the pattern starts
 */
public record Request(Mode mode, int durationMs, long byteLimit, long seed) {

    /** Header length in bytes. */
    public static final int LENGTH = 24;
    /** Length of the upload answer and of the end frame's body. */
    public static final int DIGEST_REPLY_LENGTH = 8 + 32;
    private static final int MAGIC = 0x4844;

    /** What a connection does. */
    public enum Mode {
        /** Client to server. */
        UPLOAD('U'),
        /** Server to client. */
        DOWNLOAD('D'),
        /** One byte back. */
        PING('P');

        private final char code;

        Mode(char code) {
            this.code = code;
        }

        static Mode of(int code) {
            for (Mode m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            throw new IllegalArgumentException("mode: " + code + " (expected: U, D or P)");
        }
    }

    /** Writes the header into {@code out}. */
    public void encode(ByteBuf out) {
        out.writeShort(MAGIC).writeByte(1).writeByte(mode.code)
                .writeInt(durationMs).writeLong(byteLimit).writeLong(seed);
    }

    /** Reads a header of {@value #LENGTH} bytes. */
    public static Request decode(ByteBuf in) {
        int magic = in.readUnsignedShort();
        int version = in.readUnsignedByte();
        if (magic != MAGIC || version != 1) {
            throw new IllegalArgumentException("header: magic " + magic + " version " + version
                    + " (expected: 0x4844, 1)");
        }
        return new Request(Mode.of(in.readUnsignedByte()), in.readInt(), in.readLong(), in.readLong());
    }
}
