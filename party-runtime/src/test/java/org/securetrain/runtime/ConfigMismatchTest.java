package org.securetrain.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Issue 19, case 8 (runtime part): differing configurations fail at both parties naming the fields that
 * differ, from the configuration summaries the parties exchange only when their hashes differ.
 */
@Timeout(60)
class ConfigMismatchTest {

    private static SessionOptions opts(Role r, Map<String, String> summary) {
        String[] parts = summary.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return InMemorySessionTest.opts(r).configHash(SessionOptions.hashConfig(parts)).configSummary(summary).build();
    }

    private static Map<String, String> summary(String fracBits, String lr) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("layers", "DenseLayer(784->64), OutputLayer(64->10)");
        m.put("fracBits", fracBits);
        m.put("layer 0 updater.learningRate", lr);
        return m;
    }

    @Test
    void bothPartiesNameTheDifferingFields() throws Exception {
        SessionOptions a = opts(Role.MODEL_OWNER, summary("24", "0.01"));
        SessionOptions b = opts(Role.DATA_OWNER, summary("20", "0.01"));
        HandshakeException e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(a, b));
        assertEquals("configHash", e.field());
        assertTrue(e.getMessage().contains("in: fracBits (this party 24, peer 20)"), e.getMessage());
        assertFalse(e.getMessage().contains("learningRate"), "equal fields are not named: " + e.getMessage());

        // each party names both values from its own side
        SessionOptions c = opts(Role.DATA_OWNER, summary("24", "0.02"));
        CompletableFuture<HandshakeException> other = new CompletableFuture<>();
        HandshakeException mine = assertThrows(HandshakeException.class, () -> {
            try {
                InMemoryTransport.pair(c, opts(Role.MODEL_OWNER, summary("24", "0.01")));
            } catch (HandshakeException x) {
                other.complete(x);
                throw x;
            }
        });
        assertTrue(mine.getMessage().contains("layer 0 updater.learningRate (this party 0.02, peer 0.01)"),
                mine.getMessage());
    }

    @Test
    void withoutSummariesTheHashesAreReported() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                InMemorySessionTest.opts(Role.MODEL_OWNER).build(),
                InMemorySessionTest.opts(Role.DATA_OWNER).configHash(SessionOptions.hashConfig("other")).build()));
        assertEquals("configHash", e.field());
        assertTrue(e.getMessage().contains("do not match"), e.getMessage());
    }
}
