package org.securetrain.runtime.tls;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.Role;

/** Async receive continuations must not run on (and block) the transport's event loop. */
@Timeout(60)
class TlsAsyncTest {

    @Test
    void blockingCallInsideAnAsyncReceiveCallbackDoesNotStallTheSession() throws Exception {
        try (Outcome o = open(alice(opts(Role.MODEL_OWNER).build()), bob(opts(Role.DATA_OWNER).build()))) {
            TlsSession a = o.listener();
            TlsSession b = o.connector();
            // the callback blocks on a second stream whose message the same event loop must deliver
            CompletableFuture<long[]> chained = b.channel("first").receiveLongsAsync()
                    .thenApply(first -> b.channel("second").receiveLongs());
            a.channel("first").sendLongs(new long[] {1});
            Thread.sleep(200);
            a.channel("second").sendLongs(new long[] {2, 3});
            assertArrayEquals(new long[] {2, 3}, chained.get(10, TimeUnit.SECONDS));
            // and sending from a callback works too
            CompletableFuture<Void> echo = a.channel("ping").receiveAsync()
                    .thenAccept(m -> a.channel("pong").send(m));
            b.channel("ping").send(new byte[] {7});
            assertArrayEquals(new byte[] {7}, b.channel("pong").receive());
            echo.get(10, TimeUnit.SECONDS);
        }
    }
}
