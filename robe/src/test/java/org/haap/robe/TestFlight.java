package org.haap.robe;

import io.netty.buffer.ByteBuf;

/**
 * A {@link FirstFlight} for tests: sends {@code bytes}; an answer starting with {@code W}
 * wins, with {@code L} loses, and fewer than 2 bytes are not decided yet.
 *
 * @param bytes the flight's bytes (the test releases them)
 */
record TestFlight(ByteBuf bytes) implements FirstFlight {

    @Override
    public Verdict judge(ByteBuf answer) {
        if (answer.readableBytes() < 2) {
            return Verdict.MORE;
        }
        return answer.getByte(answer.readerIndex()) == 'W' ? Verdict.WIN : Verdict.LOSE;
    }
}
