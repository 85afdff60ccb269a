package org.securetrain.runtime.tls;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.securetrain.runtime.Role;

/**
 * Opens a TLS session pair in this JVM, exchanges a message, closes both and returns from main without
 * System.exit: the JVM must then end by itself. Prints the runtime threads still alive after close.
 */
public final class ClosedSessionExitMain {
    private ClosedSessionExitMain() {
    }

    public static void main(String[] args) throws Exception {
        TlsSession a;
        TlsSession b;
        try (TlsListener l = TlsTestSupport.alice(TlsTestSupport.opts(Role.MODEL_OWNER).build())
                .listen(TlsTestSupport.ANY_LOCAL)) {
            CompletableFuture<TlsSession> c = CompletableFuture.supplyAsync(() -> TlsTestSupport.bob(
                    TlsTestSupport.opts(Role.DATA_OWNER).build()).connect(new InetSocketAddress("127.0.0.1", l.port())));
            a = l.accept();
            b = c.join();
        }
        a.channel("x").sendLongs(new long[] {1, 2, 3});
        b.channel("x").receiveLongs();
        b.channel("y").receiveAsync(); // left pending: closing must still end its threads
        b.close();
        a.close();
        // Netty marks a loop terminated from the loop thread's last lines, so the thread itself may still be
        // finishing when close() returns: allow it a moment, a lingering thread still shows after that.
        List<String> left = runtimeThreads();
        for (int i = 0; i < 40 && !left.isEmpty(); i++) {
            Thread.sleep(50);
            left = runtimeThreads();
        }
        System.out.println("LEFT " + left);
        System.out.println("NONDAEMON " + Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t != Thread.currentThread())
                .map(Thread::getName).sorted().collect(Collectors.toList()));
    }

    private static List<String> runtimeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("securetrain-p")).sorted().collect(Collectors.toList());
    }
}
