package org.securetrain.runtime.tls;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test party in a separate JVM (same classpath) whose output lines are collected and echoed with a prefix;
 * {@link #line(String, long)} waits for the first line with a given start. Killed on close.
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(String prefix, CompletableFuture<String> line) {
    }

    ChildJvm(String heap, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[" + main.getSimpleName() + "] " + line);
                    synchronized (this) {
                        lines.add(line);
                        for (Waiter w : waiters) {
                            if (line.startsWith(w.prefix())) {
                                w.line().complete(line);
                            }
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // child gone
            }
            synchronized (this) {
                for (Waiter w : waiters) {
                    w.line().completeExceptionally(new AssertionError("child ended without a line starting with '"
                            + w.prefix() + "'; output:\n" + String.join("\n", lines)));
                }
            }
        }, "child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** The first output line starting with {@code prefix}, waiting up to {@code millis}. */
    String line(String prefix, long millis) throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        synchronized (this) {
            for (String l : lines) {
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            waiters.add(new Waiter(prefix, f));
        }
        return f.get(millis, TimeUnit.MILLISECONDS);
    }

    synchronized String output() {
        return String.join("\n", lines);
    }

    /** Exit code, waiting up to {@code millis}; -1 if still running. */
    int exitCode(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    void signal(String sig) throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start()
                    .waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        signal("CONT");
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
