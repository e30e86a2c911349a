package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.haap.core.convert.TcpOption;
import org.junit.jupiter.api.Test;

class SynAckOptionsTest {

    private static String hex(List<TcpOption> options) {
        return ByteBufUtil.hexDump(TcpOption.encodeList(options));
    }

    @Test
    void timestampsAddTheirTwelveBytesBackToTheMss() {
        // tcpi_options = timestamps | sack | wscale, server shift 7, snd_mss 1448: the server advertised 1460.
        assertEquals("020405b4" + "030307" + "0402", hex(SynAckOptions.of(1 | 2 | 4, 7, 1448)));
    }

    @Test
    void withoutTimestampsTheMssIsTheSendMssAndUnnegotiatedOptionsAreLeftOut() {
        assertEquals("020403e8", hex(SynAckOptions.of(0, 9, 1000)));
        assertEquals("0402", hex(SynAckOptions.of(2, 0, 0)), "an unknown MSS is left out");
    }

    @Test
    void aChannelThatIsNotAnEpollSocketHasNoneToReturn() {
        EmbeddedChannel ch = new EmbeddedChannel();
        assertEquals(List.of(), SynAckOptions.of(ch));
        ch.finishAndReleaseAll();
    }
}
