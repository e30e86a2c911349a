package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.haap.core.convert.TcpOption;
import org.junit.jupiter.api.Test;

class TcpOptionSupportTest {

    private static final TcpOptionSupport ALL = new TcpOptionSupport(true, true, true, true);

    @Test
    void announcesMptcpAndTheKernelsOptionsNeverKindsZeroToTwo() {
        assertEquals(List.of(3, 4, 8, 30), ALL.supported().kinds());
        assertEquals(List.of(3, 8), new TcpOptionSupport(false, true, false, true).supported().kinds());
        assertEquals(List.of(30), new TcpOptionSupport(true, false, false, false).supported().kinds());
    }

    @Test
    void theKernelsOptionsAreHonouredWithOrWithoutAValueAndMssIsIgnored() {
        assertEquals(List.of(), ALL.unsupported(List.of(new TcpOption(TcpOption.MSS, new byte[] {4, (byte) 0xb0}),
                TcpOption.of(TcpOption.MSS), new TcpOption(TcpOption.WINDOW_SCALE, new byte[] {7}),
                TcpOption.of(TcpOption.WINDOW_SCALE), TcpOption.of(TcpOption.SACK_PERMITTED),
                new TcpOption(TcpOption.TIMESTAMPS, new byte[8]))));
    }

    @Test
    void everythingElseAndWhatTheNamespaceTurnedOffIsUnsupportedEachKindOnceInRequestOrder() {
        TcpOptionSupport noSack = new TcpOptionSupport(true, true, false, true);
        assertEquals(List.of(34, 4, 30, 19), noSack.unsupported(List.of(TcpOption.of(34),
                TcpOption.of(TcpOption.SACK_PERMITTED), TcpOption.of(TcpOption.MPTCP), new TcpOption(19, new byte[16]),
                TcpOption.of(34), TcpOption.of(TcpOption.TIMESTAMPS))));
        TcpOptionSupport none = new TcpOptionSupport(false, false, false, false);
        assertEquals(List.of(3, 8), none.unsupported(List.of(TcpOption.of(TcpOption.WINDOW_SCALE),
                TcpOption.of(TcpOption.MSS), TcpOption.of(TcpOption.TIMESTAMPS))));
    }
}
