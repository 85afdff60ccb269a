package org.securetrain.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;
import org.securetrain.runtime.testing.Await;

/**
 * The port a model owner started with {@code --listen 127.0.0.1:0} bound, read back from the line it prints
 * ("... listening on 127.0.0.1:PORT; ..."): the listener binds once and the tests use what it got, instead of
 * finding a free port, releasing it and hoping nobody takes it before the listener does.
 */
final class ListeningPort {
    private static final Pattern LINE = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private ListeningPort() {
    }

    /** Waits until the output says which port was bound (or the party ended without listening). */
    static int of(Supplier<String> output, BooleanSupplier ended) {
        Await.until("the model owner to report its port", () -> LINE.matcher(output.get()).find() || ended.getAsBoolean());
        Matcher m = LINE.matcher(output.get());
        if (!m.find()) {
            throw new AssertionFailedError("the model owner ended without listening:\n" + output.get());
        }
        return Integer.parseInt(m.group(1));
    }

    /** The port a model-owner process reports in its log file. */
    static int of(Path log, Process p) {
        return of(() -> read(log), () -> !p.isAlive());
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
