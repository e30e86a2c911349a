package org.haap.deploy.testbed.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Removes process logs ({@code *.log}) of earlier testbeds from a run directory once they
 * are older than a given age. Every testbed run adds its processes' logs there (the default
 * directory is on tmpfs), and nothing else removes them; logs of the current prefix and
 * recent ones stay, so a failed run can still be read.
 */
public final class OldLogs {

    private OldLogs() {
    }

    /**
     * Deletes the regular files in {@code dir} named {@code *.log} that do not start with
     * {@code keepPrefix} and were last modified before {@code now - maxAge}.
     *
     * @return how many were deleted; a file that cannot be read or deleted is skipped
     */
    public static int prune(Path dir, String keepPrefix, Duration maxAge, Instant now) {
        Instant cutoff = now.minus(maxAge);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    if (!name.startsWith(keepPrefix) && Files.isRegularFile(f)
                            && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                        Files.delete(f);
                        deleted++;
                    }
                } catch (IOException e) {
                    // in use or gone meanwhile: leave it
                }
            }
        } catch (IOException e) {
            return deleted;
        }
        return deleted;
    }
}
