package org.haap.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * The share of the machine's CPU time that the hypervisor gave to other guests ("steal")
 * between two samples of {@code /proc/stat}. On a shared virtual machine a scenario's
 * latency figures grow with it, so the scenario's output carries it: figures taken while
 * steal was high are not comparable with figures taken on a quiet machine.
 */
final class CpuSteal {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** One sample: steal ticks and all ticks of the {@code cpu} line. */
    record Sample(long steal, long total) {
    }

    private CpuSteal() {
    }

    /** Samples {@code /proc/stat}, or returns {@code null} where it cannot be read (not Linux). */
    static Sample sample() {
        try {
            String first = Files.readAllLines(PROC_STAT).get(0);
            return parse(first);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses the aggregate line {@code cpu user nice system idle iowait irq softirq steal ...}
     * (guest times are already counted in user and nice, so they are not added again).
     *
     * @throws IllegalArgumentException if the line is not an aggregate cpu line with a steal field
     */
    static Sample parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("/proc/stat: " + line + " (expected: cpu user nice system idle iowait irq softirq steal ...)");
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        return new Sample(Long.parseLong(f[8]), total);
    }

    /** Steal between the samples, in percent of all CPU time; empty without two samples or ticks. */
    static OptionalDouble percent(Sample before, Sample after) {
        if (before == null || after == null || after.total() <= before.total()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * (after.steal() - before.steal()) / (after.total() - before.total()));
    }
}
