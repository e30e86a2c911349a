package org.haap.deploy.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Files the end-to-end tests transfer, and their clean-up. */
final class TestFiles {

    private TestFiles() {
    }

    /** Writes {@code size} pseudo-random bytes (reproducible from {@code seed}) to {@code path}. */
    static Path random(Path path, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long done = 0; done < size; done += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        block[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, size - done));
            }
        }
        return path;
    }

    /** Deletes the files in {@code dir}, then {@code dir}; nothing if it is null or gone. */
    static void deleteDirectory(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
