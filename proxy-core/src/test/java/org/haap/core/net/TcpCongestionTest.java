package org.haap.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link TcpCongestion} against this machine's kernel (no namespace needed: one unconnected socket). */
class TcpCongestionTest {

    @Test
    void autoIsBbrWhereTheKernelTakesItElseTheHostDefaultWithAWarning() throws IOException {
        TcpCongestion.Choice c = TcpCongestion.choose("k", Optional.empty(), "bbr");
        if (TcpCongestion.tryOnSocket("bbr").isEmpty()) {
            assertEquals(new TcpCongestion.Choice("bbr", Optional.empty()), c);
        } else {
            assertEquals(TcpCongestion.hostDefault(), c.algorithm());
            assertTrue(c.warning().orElseThrow().startsWith("k = auto: the kernel refuses bbr"), c.warning().get());
        }
    }

    @Test
    void anAlgorithmEveryKernelHasIsTaken() throws IOException {
        // reno is built into every Linux kernel
        assertEquals(new TcpCongestion.Choice("reno", Optional.empty()), TcpCongestion.choose("k", Optional.of("reno"), "bbr"));
    }

    @Test
    void anAlgorithmTheKernelLacksStopsTheStartNamingTheKey() {
        IOException e = assertThrows(IOException.class,
                () -> TcpCongestion.choose("haap.gateway.congestion-control", Optional.of("nosuchalgo"), "bbr"));
        assertTrue(e.getMessage().startsWith("haap.gateway.congestion-control = nosuchalgo: the kernel refuses it (ENOENT)"),
                e.getMessage());
    }

    @Test
    void namesAreChecked() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> TcpCongestion.requireName("BBR"));
        assertThrows(IllegalArgumentException.class, () -> TcpCongestion.requireName("x".repeat(16)));
        assertThrows(IllegalArgumentException.class, () -> TcpCongestion.requireName(""));
        assertThrows(IllegalArgumentException.class, () -> TcpCongestion.requireName("bb-r"));
        TcpCongestion.requireName("x".repeat(15));
        TcpCongestion.requireName(null);
        assertFalse(TcpCongestion.tryOnSocket("reno").isPresent());
    }
}
