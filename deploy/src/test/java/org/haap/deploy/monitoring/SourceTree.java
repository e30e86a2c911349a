package org.haap.deploy.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of the project's source tree from a test's working directory (a module or the root). */
public final class SourceTree {

    private SourceTree() {
    }

    /**
     * The file at {@code relative} (from the project root), looked up from the working
     * directory upwards.
     *
     * @throws IllegalStateException if no parent directory holds it
     */
    public static Path file(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relative);
            if (Files.exists(p) && Files.exists(dir.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
