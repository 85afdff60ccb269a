package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.layers.SecureLayer;

/**
 * ComputationGraph, single process, INSECURE plaintext reference backend: an ordinary DL4J graph configuration
 * attached and trained with fit(iterator) against plaintext DL4J's ComputationGraph from the same seed and the same
 * batches; the bounds are {@link SecureTrainReferenceTest}'s (per-iteration relative loss difference 1e-4, revealed
 * outputs 1.5e-4, equal accuracy). Checks the graph integration (vertex placement, share-exact vertices, reveal)
 * independently of the cryptography.
 */
@Timeout(120)
class GraphReferenceTest {
    static final int F = SecureTrainReferenceTest.F;

    record Run(List<Double> plainScores, List<Double> secureScores, ComputationGraph plain, ComputationGraph secure,
            ComputationGraph revealed, SecurePartyContext ctx) {
        double maxRelScoreDiff() {
            return SecureTrainTwoPartyTest.maxRel(secureScores, plainScores);
        }
    }

    static Run train(ComputationGraphConfiguration conf, ToyBlobs data, int batch, int epochs) {
        ComputationGraph plain = new ComputationGraph(conf.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(data.iterator(batch), epochs);

        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        ComputationGraph secure = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(data.iterator(batch)), epochs);
        ComputationGraph revealed = SecureTrain.reveal(secure, ctx);
        return new Run(plainScores.scores, secureScores.scores, plain, secure, revealed, ctx);
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new Sgd(0.05))
                .weightInit(WeightInit.XAVIER);
    }

    /** A dense layer nIn -> nOut with activation {@code a}. */
    static DenseLayer dense(int nIn, int nOut, Activation a) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(a).build();
    }

    /** A dense layer of nOut units, nIn inferred from the input type. */
    static DenseLayer dense(int nOut, Activation a) {
        return new DenseLayer.Builder().nOut(nOut).activation(a).build();
    }

    /** The softmax output layer (MCXENT) over the 3 classes of the test data. */
    static OutputLayer softmaxOut(int nIn) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(3)
                .activation(Activation.SOFTMAX).build();
    }

    /** {@link #softmaxOut(int)} with nIn inferred from the input type. */
    static OutputLayer softmaxOut() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                .build();
    }

    /** 16 -> dense(ReLU) -> dense(identity) + skip -> dense(ReLU) -> softmax: a residual block of dense layers. */
    static ComputationGraphConfiguration denseResidual(long seed) {
        return base(seed).graphBuilder().addInputs("in")
                .addLayer("d1", dense(16, 16, Activation.RELU), "in")
                .addLayer("d2", dense(16, 16, Activation.IDENTITY), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("d3", dense(16, 12, Activation.RELU), "add")
                .addLayer("out", softmaxOut(12), "d3")
                .setOutputs("out").build();
    }

    /** 8x8 image -> conv3x3(ReLU) -> conv3x3 - skip (Subtract) -> max-pool -> softmax: a convolutional block. */
    static ComputationGraphConfiguration convResidual(long seed) {
        return base(seed).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(), "c1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "c2", "c1")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "res")
                .addLayer("out", softmaxOut(), "pool")
                .setOutputs("out").build();
    }

    /** Two branches from one input, merged: dense(ReLU) and dense(identity) -> MergeVertex -> softmax. */
    static ComputationGraphConfiguration branchesMerged(long seed) {
        return base(seed).updater(new Nesterovs(0.02, 0.9)).graphBuilder().addInputs("in")
                .addLayer("a", dense(16, 10, Activation.RELU), "in")
                .addLayer("b", dense(16, 6, Activation.LEAKYRELU), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out", softmaxOut(16), "merge")
                .setOutputs("out").build();
    }

    /**
     * conv(ReLU) -> PreprocessorVertex(CNN to FF) -> dense(ReLU) -> two SubsetVertex halves -> StackVertex -> dense(ReLU)
     * on the stacked batch -> UnstackVertex parts -> MergeVertex -> ReshapeVertex to [batch, 3, 2, 2] -> softmax (DL4J
     * flattens it back).
     */
    static ComputationGraphConfiguration slicesAndStacks(long seed) {
        return base(seed).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "in")
                .addVertex("flat", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(8, 8, 2)), "c1")
                .addLayer("d1", dense(12, Activation.RELU), "flat")
                .addVertex("lo", new SubsetVertex(0, 5), "d1")
                .addVertex("hi", new SubsetVertex(6, 11), "d1")
                .addVertex("stack", new StackVertex(), "lo", "hi")
                .addLayer("d2", dense(6, Activation.RELU), "stack")
                .addVertex("u0", new UnstackVertex(0, 2), "d2")
                .addVertex("u1", new UnstackVertex(1, 2), "d2")
                .addVertex("merge", new MergeVertex(), "u0", "u1")
                .addVertex("image", new ReshapeVertex(-1, 3, 2, 2), "merge")
                .addLayer("out", softmaxOut(), "image")
                .setOutputs("out").build();
    }

    @Test
    void subsetStackUnstackReshapeAndPreprocessorVerticesMatchPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(160, 64, 3, 5, 3.0);
        Run r = train(slicesAndStacks(3), data, 20, 4);
        check("subset/stack/unstack/reshape/preprocessor", r, data, 32);
    }

    /** A residual Add, then the Average of two branches, ScaleVertex(0.75) and ShiftVertex(0.1): the truncating vertices. */
    static ComputationGraphConfiguration averagedScaledShifted(long seed) {
        return base(seed).graphBuilder().addInputs("in")
                .addLayer("d1", dense(16, 12, Activation.RELU), "in")
                .addLayer("d2", dense(12, 12, Activation.IDENTITY), "d1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("d3", dense(12, 12, Activation.RELU), "res")
                .addVertex("avg", new ElementWiseVertex(ElementWiseVertex.Op.Average), "d3", "d1", "res")
                .addVertex("scale", new ScaleVertex(0.75), "avg")
                .addVertex("shift", new ShiftVertex(0.1), "scale")
                .addLayer("out", softmaxOut(12), "shift")
                .setOutputs("out").build();
    }

    @Test
    void averageScaleAndShiftVerticesMatchPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 13, 4.0);
        Run r = train(averagedScaledShifted(8), data, 24, 5);
        check("average/scale/shift", r, data, 50);
    }

    /** Two branches joined by an element-wise Max (comparisons with one-hot argmax), then a residual Max of three. */
    static ComputationGraphConfiguration maxed(long seed) {
        return base(seed).graphBuilder().addInputs("in")
                .addLayer("d1", dense(16, 12, Activation.RELU), "in")
                .addLayer("d2", dense(16, 12, Activation.LEAKYRELU), "in")
                .addVertex("max2", new ElementWiseVertex(ElementWiseVertex.Op.Max), "d1", "d2")
                .addLayer("d3", dense(12, 12, Activation.IDENTITY), "max2")
                .addVertex("max3", new ElementWiseVertex(ElementWiseVertex.Op.Max), "d3", "max2", "d2")
                .addLayer("out", softmaxOut(12), "max3")
                .setOutputs("out").build();
    }

    @Test
    void maxVerticesMatchPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 17, 4.0);
        Run r = train(maxed(12), data, 24, 5);
        check("element-wise max", r, data, 50);
    }

    @Test
    void denseResidualBlockMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 7, 4.0);
        Run r = train(denseResidual(42), data, 24, 5);
        check("dense residual", r, data, 50);
    }

    @Test
    void convolutionalResidualBlockMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(160, 64, 3, 3, 3.0);
        Run r = train(convResidual(9), data, 20, 4);
        check("conv residual", r, data, 32);
    }

    @Test
    void branchesMergedMatchPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 11, 4.0);
        Run r = train(branchesMerged(5), data, 24, 5);
        check("merge", r, data, 50);
    }

    /** A residual block with BatchNormalization vertices (issue 16): conv -> BN -> ReLU, skip, BN on the sum. */
    @Test
    void batchNormalizationVerticesMatchPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(80, 64, 3, 3, 3.0);
        ComputationGraphConfiguration conf = base(13).convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build(), "c1")
                .addLayer("r1", new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(Activation.RELU).build(), "bn1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(), "r1")
                .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c2", "r1")
                .addLayer("bn2", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().useLogStd(false)
                        .build(), "res")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build(), "bn2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        Run r = train(conf, data, 20, 2);
        check("BatchNorm residual", r, data, 8);
        double diff = r.revealed().params().sub(r.plain().params()).amaxNumber().doubleValue();
        System.out.printf("graph BatchNorm residual: max parameter difference %.3e%n", diff);
        assertTrue(diff < 1e-3, "parameters (running estimates included) differ by " + diff);
    }

    static void check(String what, Run r, ToyBlobs data, int iterations) {
        assertEquals(iterations, r.plainScores().size());
        assertEquals(iterations, r.secureScores().size());
        double rel = r.maxRelScoreDiff();
        System.out.printf("graph %s f=%d: max relative loss difference over %d iterations %.3e (first %.5f, last "
                + "%.5f)%n", what, F, iterations, rel, r.plainScores().get(0), r.plainScores().get(iterations - 1));
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel);
        assertTrue(r.plainScores().get(iterations - 1) < r.plainScores().get(0), "training must make progress");
        for (org.deeplearning4j.nn.api.Layer l : r.secure().getLayers()) {
            assertInstanceOf(SecureLayer.class, l);
        }
        assertEquals(0.0, r.secure().params().norm1Number().doubleValue(), "DL4J's view is only a zero monitor");
        assertEquals(r.plain().getConfiguration().toJson(), r.revealed().getConfiguration().toJson());
        int n = data.x.length;
        INDArray x = data.features(0, n).castTo(DataType.DOUBLE);
        INDArray outPlain = r.plain().outputSingle(x);
        INDArray outRevealed = r.revealed().outputSingle(x);
        double diff = outPlain.sub(outRevealed).amaxNumber().doubleValue();
        assertTrue(diff < 1.5e-4, "revealed network output differs from plaintext DL4J by " + diff);
        Evaluation ePlain = new Evaluation(3);
        ePlain.eval(data.labels(0, n), outPlain);
        Evaluation eSecure = SecureTrain.evaluate(r.secure(), r.ctx(), r.ctx().sharedIterator(data.iterator(32)));
        System.out.printf("accuracy plain %.4f, secure %.4f (max output diff %.2e)%n", ePlain.accuracy(),
                eSecure.accuracy(), diff);
        assertEquals(ePlain.accuracy(), eSecure.accuracy(), 0.0);
    }
}
