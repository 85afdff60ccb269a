package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.securetrain.backend.RangeCheckedBackend;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Never silent wrong numbers from range: raw 0-255 pixels into an MNIST-style MLP are refused by the data owner before
 * sharing, naming the value, the bound and the fix; the same data scaled to [0, 1] trains with parity; a run whose
 * values grow out of range inside training stops at both parties with a clear error (the one-bit "overflow" leak)
 * instead of wrapping.
 */
class RangeSafetyTest {

    /** MNIST-like 28x28 digits: strokes of raw 0-255 intensity, about 15% of the pixels lit; 10 classes. */
    static List<DataSet> rawPixels(int n, int batch, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i += batch) {
            int b = Math.min(batch, n - i);
            double[] x = new double[b * 784];
            double[] y = new double[b * 10];
            for (int e = 0; e < b; e++) {
                int cls = r.nextInt(10);
                y[e * 10 + cls] = 1;
                for (int p = 0; p < 784; p++) {
                    int row = p / 28;
                    int col = p % 28;
                    boolean stroke = Math.abs(row - 14) < 9 && Math.abs(col - 14 + (cls - 5)) < 2 + cls % 3
                            || r.nextDouble() < 0.04;
                    x[e * 784 + p] = stroke ? 128 + r.nextInt(128) : 0;
                }
            }
            out.add(new DataSet(Nd4j.create(x, new long[] {b, 784}, 'c').castTo(DataType.FLOAT),
                    Nd4j.create(y, new long[] {b, 10}, 'c').castTo(DataType.FLOAT)));
        }
        return out;
    }

    static MultiLayerConfiguration mnistMlp(double lr) {
        return CoverageReferenceTest.base(new Sgd(lr), 42).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    @Test
    void rawPixelsAreRefusedByTheDataOwnerNamingValueBoundAndFix() {
        List<DataSet> raw = rawPixels(64, 32, 1);
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(Parity.F).insecurePlaintextReferenceForTests()
                .build();
        MultiLayerNetwork net = SecureTrain.attach(mnistMlp(0.1), ctx);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.fit(ctx.sharedIterator(Parity.iterator(raw)), 1));
        String m = e.getMessage();
        System.out.println(m);
        assertTrue(m.contains("L1 norm of") && m.contains("largest |x| 255.0") || m.contains("largest |x| 25"), m);
        assertTrue(m.contains("8192"), "names the bound: " + m);
        assertTrue(m.contains("ImagePreProcessingScaler") && m.contains("NormalizerStandardize"), "names the fix: " + m);
    }

    @Test
    void scaledPixelsTrainWithParity() {
        List<DataSet> raw = rawPixels(64, 32, 1);
        ImagePreProcessingScaler scaler = new ImagePreProcessingScaler(0, 1);
        for (DataSet d : raw) {
            scaler.transform(d);
        }
        CoverageReferenceTest.check("MNIST-like MLP, pixels scaled to [0, 1]",
                Parity.reference(mnistMlp(0.1), raw, 2));
    }

    @Test
    void regressionTargetsOutOfRangeAreRefused() {
        List<DataSet> big = Parity.batches(3, 32, 16, new long[] {0, 4}, x -> Nd4j.ones(DataType.DOUBLE, x.size(0), 1)
                .muli(5000));
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Sgd(0.1), 3).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(1).activation(Activation.IDENTITY).build())
                .build();
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(Parity.F).insecurePlaintextReferenceForTests()
                .build();
        MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.fit(ctx.sharedIterator(Parity.iterator(big)), 1));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("label value 5000.0") && e.getMessage().contains("fitLabel"),
                e.getMessage());
    }

    /** Weights that explode (a huge learning rate): the guard stops both parties instead of wrapping. */
    @Test
    void valuesLeavingTheRangeInTrainingStopBothParties() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Sgd(5e4), 5).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        List<DataSet> batches = CoverageReferenceTest.classes(8, 3, 6);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, Parity.F)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    pair.party(0), s -> train(s, conf, null),
                    pair.party(1), s -> train(s, conf, batches)));
            Throwable root = e;
            while (root.getCause() != null && !(root instanceof RangeCheckedBackend.RangeOverflowException)) {
                root = root.getCause();
            }
            System.out.println(e);
            assertInstanceOf(RangeCheckedBackend.RangeOverflowException.class, root, e.toString());
            assertTrue(root.getMessage().contains("safe range") && root.getMessage().contains("iteration"),
                    root.getMessage());
        }
    }

    private static Object train(org.securetrain.runtime.Session s, MultiLayerConfiguration conf, List<DataSet> data) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(Parity.F).session(s)
                .backend(TwoPartyHarness.backendFactory(Parity.F)).build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            net.fit(ctx.sharedIterator(data == null ? null : Parity.iterator(data)), 3);
            return null;
        }
    }
}
