package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.dl4j.checkpoint.SecureNetworkState;

/**
 * BatchNormalization on shares (issue 16) against plaintext DL4J on the same configuration, seed and batches, with
 * the bounds of the other parity tests: per-step loss and every parameter after training, including the running
 * mean and variance (DL4J's log10 of the standard deviation by default); then inference mode, where the running
 * estimates replace the batch's: the revealed network's outputs and the secure network's own evaluation on shared
 * data give DL4J's predictions.
 */
class BatchNormalizationTest {
    static final int F = Parity.F;

    static MultiLayerConfiguration mlp(BatchNormalization bn, long seed) {
        return CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), seed).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.IDENTITY).build())
                .layer(bn)
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    static MultiLayerConfiguration cnn(long seed) {
        return CoverageReferenceTest.base(new Sgd(0.1), seed).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
    }

    static List<DataSet> images(long seed) {
        return Parity.batches(seed, 64, 16, new long[] {0, 1, 6, 6}, Parity.linearClasses(3, seed + 1));
    }

    @Test
    void denseBatchNormMatchesDl4jInTrainingAndInference() {
        MultiLayerConfiguration conf = mlp(new BatchNormalization.Builder().build(), 31);
        List<DataSet> data = CoverageReferenceTest.classes(12, 3, 37);
        Parity.Result r = Parity.reference(conf, data, 2);
        CoverageReferenceTest.check("dense BatchNorm (log10 stdev), reference backend", r);
        assertInferenceMatches(r, data);
    }

    @Test
    void varianceParameterisationAndLockedGammaBetaMatchDl4j() {
        // useLogStd(false): DL4J keeps the variance itself
        CoverageReferenceTest.check("dense BatchNorm (variance), reference backend",
                Parity.reference(mlp(new BatchNormalization.Builder().useLogStd(false).decay(0.7).eps(1e-3).build(), 41),
                        CoverageReferenceTest.classes(12, 3, 43), 1));
        // lockGammaBeta with gamma != 1 and beta != 0: y = gamma xHat + beta with the public constants
        CoverageReferenceTest.check("dense BatchNorm, locked gamma 1.5 beta 0.25",
                Parity.reference(mlp(new BatchNormalization.Builder().lockGammaBeta(true).gamma(1.5).beta(0.25)
                        .build(), 47), CoverageReferenceTest.classes(12, 3, 53), 1));
        // lockGammaBeta with beta == 0: DL4J's forward leaves y = xHat, its backward still multiplies by gamma
        CoverageReferenceTest.check("dense BatchNorm, locked gamma 2 beta 0",
                Parity.reference(mlp(new BatchNormalization.Builder().lockGammaBeta(true).gamma(2).beta(0).build(), 59),
                        CoverageReferenceTest.classes(12, 3, 61), 1));
    }

    @Test
    void convolutionalBatchNormMatchesDl4jInTrainingAndInference() {
        List<DataSet> data = images(71);
        Parity.Result r = Parity.reference(cnn(67), data, 2);
        CoverageReferenceTest.check("CNN BatchNorm (NCHW), reference backend", r);
        assertInferenceMatches(r, data);
    }

    /**
     * The secure network's own inference mode on shared data (running estimates, one rsqrt per channel per call) gives
     * plaintext DL4J's predictions; and its exported state (the checkpoint's content: gamma, beta, running mean and
     * variance) installed in a fresh attach continues training exactly as the uninterrupted network.
     */
    @Test
    void secureInferenceAndResumeFromExportedState() {
        MultiLayerConfiguration conf = mlp(new BatchNormalization.Builder().build(), 73);
        List<DataSet> data = CoverageReferenceTest.classes(12, 3, 79);
        MultiLayerNetwork plain = Parity.plain(conf, data, 1, new ToyBlobs.ScoreRecorder());
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        MultiLayerNetwork secure = SecureTrain.attach(conf, ctx);
        secure.fit(ctx.sharedIterator(Parity.iterator(data)), 1);
        Evaluation ePlain = plain.evaluate(Parity.iterator(data));
        Evaluation eSecure = SecureTrain.evaluate(secure, ctx, ctx.sharedIterator(Parity.iterator(data)));
        System.out.printf("BatchNorm MLP accuracy: DL4J %.4f, secure inference %.4f%n", ePlain.accuracy(),
                eSecure.accuracy());
        assertEquals(ePlain.accuracy(), eSecure.accuracy(), 0.0);
        assertEquals(ePlain.getConfusionMatrix(), eSecure.getConfusionMatrix());

        // resume: a fresh network with the exported state trains on as the original does
        SecureNetworkState state = SecureTrain.exportState(secure);
        MultiLayerNetwork resumed = SecureTrain.attach(conf, ctx);
        SecureTrain.reattach(resumed, ctx, state);
        secure.fit(ctx.sharedIterator(Parity.iterator(data)), 1);
        resumed.fit(ctx.sharedIterator(Parity.iterator(data)), 1);
        INDArray a = SecureTrain.reveal(secure, ctx).params();
        INDArray b = SecureTrain.reveal(resumed, ctx).params();
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 0.0, "resumed training differs");
    }

    /** The real protocols: a small dense network with BatchNorm, two parties in one JVM, against DL4J. */
    @Test
    void denseBatchNormMatchesDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.1, 0.9), 83).list()
                .layer(new DenseLayer.Builder().nIn(n).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        List<DataSet> data = Parity.batches(89, 24, 8, new long[] {0, n}, Parity.linearClasses(3, 97));
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(F), conf, data, 1);
        CoverageReferenceTest.check("two-party dense BatchNorm", r);
        assertInferenceMatches(r, data);
    }

    /**
     * The real protocols: a small CNN with BatchNorm over NCHW feature maps, two parties in one JVM, against DL4J
     * (about 20 s here: slow suite).
     */
    @Test
    @Tag("slow")
    void convolutionalBatchNormMatchesDl4jWithTheRealProtocols() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Nesterovs(0.1, 0.9), 101).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 5, 1))
                .build();
        List<DataSet> data = Parity.batches(103, 16, 8, new long[] {0, 1, 5, 5}, Parity.linearClasses(3, 107));
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(F), conf, data, 1);
        CoverageReferenceTest.check("two-party CNN BatchNorm", r);
        assertInferenceMatches(r, data);
    }

    /** The revealed network (a plain DL4J network) in inference mode gives DL4J's outputs and predictions. */
    static void assertInferenceMatches(Parity.Result r, List<DataSet> data) {
        for (DataSet d : data) {
            INDArray x = d.getFeatures().castTo(DataType.DOUBLE);
            INDArray plain = r.plain().output(x, false);
            INDArray revealed = r.revealed().output(x, false);
            double diff = plain.sub(revealed).amaxNumber().doubleValue();
            assertTrue(diff < 1e-3, "inference outputs differ by " + diff);
            assertEquals(plain.argMax(1), revealed.argMax(1));
        }
    }
}
