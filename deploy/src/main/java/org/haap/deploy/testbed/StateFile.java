package org.haap.deploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The testbed's small state file ({@code PREFIXstate.properties} in the run directory): the
 * profile, the links' settings, the delay lines' PIDs and what {@code down} must undo.
 */
final class StateFile {

    private final Path file;
    private final String comment;

    StateFile(Path file, String comment) {
        this.file = file;
        this.comment = comment;
    }

    /** The recorded state; empty when there is no file. */
    Properties read() {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }

    /** Replaces the file with {@code p}, creating its directory if needed. */
    void write(Properties p) {
        try {
            Files.createDirectories(file.getParent());
            try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the file if it exists. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
