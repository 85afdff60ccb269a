package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.securetrain.runtime.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(600) // a guard against hangs: the tests wait for events (a JVM started, a process gone), never for a time
class TlsShutdownTest {

    @Test
    void jvmWithOnlyClosedSessionsExitsAndEventLoopsAreGone() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ClosedSessionExitMain.class.getName()).redirectErrorStream(true).start();
        try {
            boolean ended = p.waitFor(Await.HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS); // the event is the exit
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ended, "JVM did not exit after its sessions were closed:\n" + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("LEFT []"), "event loop threads still alive after close():\n" + out);
            // Netty's global executor thread (non-daemon) ends by itself after a second of quiet; the exit
            // above proves it did. Nothing else may be left.
            String nonDaemon = out.substring(out.indexOf("NONDAEMON ["));
            assertTrue(nonDaemon.matches("(?s)NONDAEMON \\[(globalEventExecutor-[0-9-]+)?\\].*"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
