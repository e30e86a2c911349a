package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.haap.core.convert.TcpOption;
import org.junit.jupiter.api.Test;

class TcpOptionSupportTest {

    private static final TcpOptionSupport ALL = new TcpOptionSupport(true, true, true);

    /** RFC 8803 sections 7.1 to 7.5: never kinds 0-3 or 5; 4 and 8 as the kernel has them; 30 for MPTCP. */
    @Test
    void announcesTheKernelsOptionsAndMptcpNeverKindsZeroToThreeOrFive() {
        assertEquals(List.of(4, 8, 30), ALL.supported().kinds());
        assertEquals(List.of(8), new TcpOptionSupport(false, false, true).supported().kinds());
        assertEquals(List.of(30), new TcpOptionSupport(true, false, false).supported().kinds());
    }

    @Test
    void theKernelsOptionsAreHonouredWithOrWithoutAValue() {
        assertEquals(List.of(), ALL.unsupported(List.of(TcpOption.of(TcpOption.SACK_PERMITTED),
                TcpOption.of(TcpOption.TIMESTAMPS), new TcpOption(TcpOption.TIMESTAMPS, new byte[8]))));
    }

    /** Sections 7.1 to 7.3: a converter ignores MSS, Window Scale and SACK, whatever its sysctls. */
    @Test
    void mssWindowScaleAndSackAreIgnoredEvenWithEveryOptionOff() {
        TcpOptionSupport none = new TcpOptionSupport(false, false, false);
        assertEquals(List.of(), none.unsupported(List.of(new TcpOption(TcpOption.MSS, new byte[] {4, (byte) 0xb0}),
                TcpOption.of(TcpOption.MSS), new TcpOption(TcpOption.WINDOW_SCALE, new byte[] {7}),
                TcpOption.of(TcpOption.WINDOW_SCALE), new TcpOption(5, new byte[8]))));
    }

    @Test
    void everythingElseAndWhatTheNamespaceTurnedOffIsUnsupportedEachKindOnceInRequestOrder() {
        TcpOptionSupport noSack = new TcpOptionSupport(true, false, true);
        assertEquals(List.of(34, 4, 30, 19), noSack.unsupported(List.of(TcpOption.of(34),
                TcpOption.of(TcpOption.SACK_PERMITTED), TcpOption.of(TcpOption.MPTCP), new TcpOption(19, new byte[16]),
                TcpOption.of(34), TcpOption.of(TcpOption.TIMESTAMPS))));
        TcpOptionSupport none = new TcpOptionSupport(false, false, false);
        assertEquals(List.of(8), none.unsupported(List.of(TcpOption.of(TcpOption.WINDOW_SCALE),
                TcpOption.of(TcpOption.MSS), TcpOption.of(TcpOption.TIMESTAMPS))));
    }
}
