package org.securetrain.launcher;

import static org.junit.jupiter.api.Assertions.*;
import static org.securetrain.launcher.SecureTrainCliTest.inProcess;
import static org.securetrain.launcher.SecureTrainCliTest.start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.L2Vertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.launcher.SecureTrainCliTest.Run;
import org.securetrain.launcher.SecureTrainCliTest.Started;

/**
 * The launcher with a {@code ComputationGraphConfiguration} JSON as {@code --model}: both parties (in this JVM, over
 * TLS on 127.0.0.1) train a small residual graph from the file, checkpoint every step, the model owner saves the
 * revealed graph; (slow) both resume from such checkpoints (the run was complete: nothing left to train). A file that
 * is neither kind of configuration, and a graph with an unsupported vertex, are refused naming the cause.
 */
@Timeout(300)
class SecureTrainCliGraphTest {
    /** 64 images in minibatches of 32: 2 steps. */
    static final int LIMIT = 64;

    @TempDir
    static Path dir;
    static LauncherParties parties;
    static Path graph;

    /** 784 -> dense(16, ReLU) -> dense(16, identity) + skip (Add) -> softmax(10). */
    static ComputationGraphConfiguration residual() {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE).updater(new Nesterovs(0.01, 0.9))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(16).nOut(16).activation(Activation.IDENTITY).build(), "d1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "res")
                .setOutputs("out").build();
    }

    @BeforeAll
    static void identitiesAndModel() throws IOException {
        parties = LauncherParties.save(dir);
        graph = dir.resolve("residual-graph.json");
        Files.writeString(graph, residual().toJson());
    }

    static List<String> party(String role, String endpoint, Path checkpoints, String... extra) {
        List<String> a = parties.args(role, endpoint, "--model", graph.toString(), "--timeout", "120",
                "--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", "1");
        if (role.equals("data-owner")) {
            a.addAll(List.of("--limit", Integer.toString(LIMIT), "--batch", "32", "--test-limit", "50"));
        }
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void aGraphFromJsonTrainsOverTlsAndCheckpoints() throws Exception {
        Path ck0 = dir.resolve("ck-mo");
        Path ck1 = dir.resolve("ck-do");
        Path out = dir.resolve("graph.zip");
        Started mo = start(party("model-owner", "l 127.0.0.1:0", ck0, "--out", out.toString()));
        Run d = inProcess(party("data-owner", "c 127.0.0.1:" + mo.port(), ck1));
        Run m = mo.result();
        assertEquals(0, m.code(), m.err() + m.out());
        assertEquals(0, d.code(), d.err() + d.out());
        assertTrue(d.out().contains("2 steps"), d.out());
        assertTrue(d.out().contains("test accuracy of the secure model on 50 images"), d.out());
        assertTrue(m.out().contains("saved to " + out), m.out());
        ComputationGraph revealed = ModelSerializer.restoreComputationGraph(out.toFile());
        assertEquals(ComputationGraphConfiguration.fromJson(Files.readString(graph)).getVertices().keySet(),
                revealed.getConfiguration().getVertices().keySet());
        assertTrue(revealed.params().norm1Number().doubleValue() > 0, "trained weights were revealed");
        for (Path ck : List.of(ck0, ck1)) {
            assertTrue(Files.exists(ck.resolve(String.format("checkpoint-%012d.zip", 2))), ck.toString());
        }
    }

    /** Slow (two more TLS runs): both resume from the checkpoints of a complete run. */
    @Test
    @Tag("slow")
    void aGraphRunResumesFromItsCheckpoints() throws Exception {
        Path ck0 = dir.resolve("ck-mo-resume");
        Path ck1 = dir.resolve("ck-do-resume");
        Started mo = start(party("model-owner", "l 127.0.0.1:0", ck0));
        Run d = inProcess(party("data-owner", "c 127.0.0.1:" + mo.port(), ck1));
        Run m = mo.result();
        assertEquals(0, m.code(), m.err() + m.out());
        assertEquals(0, d.code(), d.err() + d.out());

        // both resume from the newest common step (2): the epoch was complete, nothing is left to train
        mo = start(party("model-owner", "l 127.0.0.1:0", ck0, "--resume"));
        d = inProcess(party("data-owner", "c 127.0.0.1:" + mo.port(), ck1, "--resume"));
        m = mo.result();
        assertEquals(0, m.code(), m.err() + m.out());
        assertEquals(0, d.code(), d.err() + d.out());
        assertTrue(d.out().contains("resumed from checkpoint step 2; training finished at step 2"), d.out());
    }

    @Test
    void aFileOfNeitherKindAndAnUnsupportedGraphAreRefusedNamingTheCause() throws IOException {
        Path neither = dir.resolve("neither.json");
        Files.writeString(neither, "{\"layers\": []}");
        Run r = inProcess(parties.args("model-owner", "l 127.0.0.1:0", "--model", neither.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("neither.json is neither a DL4J MultiLayerConfiguration JSON (an object with "
                + "\"confs\") nor a ComputationGraphConfiguration JSON"), r.err());

        Path notJson = dir.resolve("not.json");
        Files.writeString(notJson, "confs: [");
        r = inProcess(parties.args("model-owner", "l 127.0.0.1:0", "--model", notJson.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("not.json is not JSON"), r.err());

        Path twoInputs = dir.resolve("two-inputs.json");
        Files.writeString(twoInputs, new NeuralNetConfiguration.Builder().graphBuilder().addInputs("a", "b")
                .addLayer("da", new DenseLayer.Builder().nIn(392).nOut(8).activation(Activation.RELU).build(), "a")
                .addLayer("db", new DenseLayer.Builder().nIn(392).nOut(8).activation(Activation.RELU).build(), "b")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "da", "db")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "sum")
                .setOutputs("out").build().toJson());
        r = inProcess(parties.args("model-owner", "l 127.0.0.1:0", "--model", twoInputs.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--model: the graph has 2 input(s) and 1 output(s): the launcher trains graphs "
                + "with one input and one output"), r.err());

        Path unsupported = dir.resolve("unsupported-graph.json");
        Files.writeString(unsupported, new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(784).nOut(8).activation(Activation.RELU).build(), "in")
                .addVertex("norm", new L2NormalizeVertex(), "d1")
                .addVertex("dist", new L2Vertex(), "norm", "d1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(1).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dist")
                .setOutputs("out").build().toJson());
        r = inProcess(parties.args("model-owner", "l 127.0.0.1:0", "--model", unsupported.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cannot be trained on shares (2 reasons)"), r.err());
        assertTrue(r.err().contains("vertex 'norm' (L2NormalizeVertex)"), r.err());
        assertTrue(r.err().contains("vertex 'dist' (L2Vertex)"), r.err());
    }
}
