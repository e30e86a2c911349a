package org.haap.deploy.demo.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.netty.buffer.ByteBuf;

/** Counts and SHA-256-hashes the bytes of one direction of one connection. */
public final class StreamDigest {

    private final MessageDigest sha256;
    private long bytes;

    /** An empty digest. */
    public StreamDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Adds the readable bytes of {@code buf} without moving its reader index. */
    public void update(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return;
        }
        if (buf.nioBufferCount() == 1) {
            sha256.update(buf.nioBuffer());
        } else {
            for (ByteBuffer b : buf.nioBuffers()) {
                sha256.update(b);
            }
        }
        bytes += n;
    }

    /** The number of bytes added so far. */
    public long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything added (ends this digest). */
    public byte[] finish() {
        return sha256.digest();
    }
}
