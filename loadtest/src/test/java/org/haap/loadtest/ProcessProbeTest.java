package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** The parsers of {@link ProcessProbe}, and a reading of this JVM. */
class ProcessProbeTest {

    @Test
    void parsesJcmdHistogramAndProcStatus() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         14202        2179040  [B (java.base@17.0.15)
                Total        134082        6780568
                """;
        assertEquals(6780568 / 1024, ProcessProbe.parseHistogramTotalKib(histogram));
        assertThrows(IllegalArgumentException.class, () -> ProcessProbe.parseHistogramTotalKib("12345:\nno such pid\n"));
        assertEquals(151208, ProcessProbe.parseRssKib("Name:\tjava\nVmHWM:\t  160000 kB\nVmRSS:\t  151208 kB\n"));
        assertTrue(ProcessProbe.isCompilerThread("C2 CompilerThre"));
        assertFalse(ProcessProbe.isCompilerThread("haap-ap-1-1"));
    }

    @Test
    void cpuTicksFromProcStat() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0 100 0";
        assertEquals(1234 + 567, ProcessProbe.parseCpuTicks(stat));
        assertEquals(567, ProcessProbe.parseSystemTicks(stat));
    }

    @Test
    void readsThisProcess() throws IOException {
        ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
        assertTrue(self.fds() > 0);
        assertTrue(self.rssKib() > 0);
        assertTrue(self.cpuSeconds() >= 0);
    }

    @Test
    void launchedProcessIsTheExecedCommandOrItsChild() throws Exception {
        assertTrue(new ProcessProbe(ProcessHandle.current().pid()).isJava());
        Process direct = new ProcessBuilder("sleep", "30").start();
        Process forking = new ProcessBuilder("sh", "-c", "sleep 30; true").start();
        try {
            assertEquals(direct.pid(), ProcessProbe.ofLaunched(direct, "/sleep").pid());
            long child = -1;
            for (int i = 0; i < 100 && child < 0; i++) {
                child = forking.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(-1L);
                Thread.sleep(20); // the shell forks its child asynchronously
            }
            assertEquals(child, ProcessProbe.ofLaunched(forking, "/sleep").pid());
            assertFalse(ProcessProbe.ofLaunched(direct, "/sleep").isJava());
        } finally {
            forking.descendants().forEach(ProcessHandle::destroy);
            forking.destroy();
            direct.destroy();
        }
    }
}
