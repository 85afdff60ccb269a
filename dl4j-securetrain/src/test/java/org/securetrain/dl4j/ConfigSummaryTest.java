package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.runtime.HandshakeException;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** The configuration summary is read from what the hash covers, and names the setting two parties disagree on. */
class ConfigSummaryTest {

    private static SessionOptions opts(Role r, MultiLayerConfiguration conf, int f) {
        return SessionOptions.builder(r).configHash(SecureTrain.configHash(conf, f))
                .configSummary(SecureTrain.configSummary(conf, f)).build();
    }

    @Test
    void summaryHasTheLayersThePrecisionAndTheLearningRate() {
        Map<String, String> s = SecureTrain.configSummary(TestConfs.mlp(new Sgd(0.05), 3), 20);
        System.out.println(s);
        assertTrue(s.get("layers").matches(".*DenseLayer\\(\\d+->\\d+\\).*OutputLayer\\(\\d+->3\\).*"), s.get("layers"));
        assertEquals("20", s.get("fracBits"));
        assertTrue(s.entrySet().stream().anyMatch(e -> e.getKey().startsWith("layer 0 ")
                && e.getKey().toLowerCase().contains("learningrate") && e.getValue().equals("0.05")), s.toString());
    }

    @Test
    void differentLearningRatesAreNamedAtTheHandshake() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                opts(Role.MODEL_OWNER, TestConfs.mlp(new Sgd(0.05), 3), 20),
                opts(Role.DATA_OWNER, TestConfs.mlp(new Sgd(0.02), 3), 20)));
        assertEquals("configHash", e.field());
        assertTrue(e.getMessage().toLowerCase().contains("learningrate (this party 0.05, peer 0.02)"), e.getMessage());
        HandshakeException f = assertThrows(HandshakeException.class, () -> InMemoryTransport.pair(
                opts(Role.MODEL_OWNER, TestConfs.mlp(new Sgd(0.05), 3), 20),
                opts(Role.DATA_OWNER, TestConfs.mlp(new Sgd(0.05), 3), 16)));
        assertTrue(f.getMessage().contains("in: fracBits (this party 20, peer 16)"), f.getMessage());
    }
}
