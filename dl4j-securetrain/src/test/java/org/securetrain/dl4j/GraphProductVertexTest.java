package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@code ElementWiseVertex} Product on shares (secure element-wise products, exact truncation forward, faithful
 * truncation backward) against plaintext DL4J's ComputationGraph from the same seed and batches: a product of two
 * branches (one of them ReLU, so exact zeros meet the product), then a residual product of three inputs. On the
 * plaintext reference backend ({@link GraphReferenceTest}'s bounds) and on the two-party backend
 * ({@link GraphTwoPartyTest}'s).
 */
@Timeout(300)
class GraphProductVertexTest {

    /** 16 -> relu(12) x leakyrelu(12) -> relu(12); then the product of that, the first product and the ReLU branch. */
    static ComputationGraphConfiguration multiplied(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new Sgd(0.05))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("d1", GraphReferenceTest.dense(16, 12, Activation.RELU), "in")
                .addLayer("d2", GraphReferenceTest.dense(16, 12, Activation.LEAKYRELU), "in")
                .addVertex("prod2", new ElementWiseVertex(ElementWiseVertex.Op.Product), "d1", "d2")
                .addLayer("d3", GraphReferenceTest.dense(12, 12, Activation.RELU), "prod2")
                .addVertex("prod3", new ElementWiseVertex(ElementWiseVertex.Op.Product), "d3", "prod2", "d1")
                .addLayer("out", GraphReferenceTest.softmaxOut(12), "prod3")
                .setOutputs("out").build();
    }

    @Test
    void productVerticesMatchPlaintextDl4jOnTheReferenceBackend() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 19, 1.0);
        GraphReferenceTest.Run r = GraphReferenceTest.train(multiplied(21), data, 24, 5);
        GraphReferenceTest.check("element-wise product", r, data, 50);
    }

    @Test
    void twoPartyProductVerticesMatchPlaintextDl4j() {
        GraphTwoPartyTest.matchesPlaintextDl4j("element-wise product", multiplied(21), new ToyBlobs(32, 16, 3, 19, 1.0));
    }
}
