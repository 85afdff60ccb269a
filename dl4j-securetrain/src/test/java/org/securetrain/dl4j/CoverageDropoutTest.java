package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.backend.Backend;
import org.securetrain.layers.core.DropoutMasks;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * Dropout with masks from the joint seed: DL4J's semantics (inverted scaling 1/p, masks on the layer's input, the same
 * mask in backward, none outside training) checked against plaintext DL4J running the same masks; two parties derive
 * the same seed (else their shares would not add up to DL4J's numbers) and masks of different layers and steps differ.
 */
class CoverageDropoutTest {

    /** The configuration with {@code dropout.apply(p, layerIndex)} as each dropout. */
    static MultiLayerConfiguration conf(BiFunction<Double, Integer, IDropout> dropout) {
        return CoverageReferenceTest.base(new Nesterovs(0.05, 0.9), 23).list()
                .layer(new DenseLayer.Builder().nIn(10).nOut(16).activation(Activation.RELU)
                        .dropOut(dropout.apply(0.8, 0)).build())
                .layer(new DropoutLayer.Builder().dropOut(dropout.apply(0.5, 1)).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.LEAKYRELU)
                        .dropOut(dropout.apply(0.7, 2)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).dropOut(dropout.apply(0.9, 3)).build())
                .build();
    }

    static final BiFunction<Double, Integer, IDropout> DL4J = (p, i) -> new Dropout(p);

    static Function<Integer, IDropout> unused;

    @Test
    void referenceMatchesDl4jWithTheSameMasks() {
        byte[] seed = new byte[32];
        seed[0] = 7;
        List<DataSet> batches = CoverageReferenceTest.classes(10, 3, 24);
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        MultiLayerNetwork plain = Parity.plain(conf((p, i) -> new MaskedDropoutForTests(p, seed, i)), batches, 2,
                plainScores);
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(Parity.F).insecurePlaintextReferenceForTests()
                .jointSeedForTests(seed).build();
        MultiLayerNetwork secure = SecureTrain.attach(conf(DL4J), ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(Parity.iterator(batches)), 2);
        CoverageReferenceTest.check("dropout (reference)",
                new Parity.Result(plainScores.scores, secureScores.scores, plain, SecureTrain.reveal(secure, ctx)));
        // inference uses no mask: the revealed network's outputs equal DL4J's (output() is not a training pass)
        org.nd4j.linalg.api.ndarray.INDArray x = batches.get(0).getFeatures();
        double d = SecureTrain.reveal(secure, ctx).output(x).sub(plain.output(x)).amaxNumber().doubleValue();
        assertTrue(d < 1e-3, "inference outputs differ by " + d);
    }

    /** The reference test's check over several joint seeds (each gives other masks). */
    @Test
    void referenceMatchesDl4jOverSeveralSeeds() {
        List<DataSet> batches = CoverageReferenceTest.classes(10, 3, 25);
        java.util.Random random = new java.util.Random(20261207);
        for (int run = 0; run < 8; run++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
            MultiLayerNetwork plain = Parity.plain(conf((p, i) -> new MaskedDropoutForTests(p, seed, i)), batches, 1,
                    plainScores);
            SecurePartyContext ctx = SecurePartyContext.builder().fracBits(Parity.F)
                    .insecurePlaintextReferenceForTests().jointSeedForTests(seed).build();
            MultiLayerNetwork secure = SecureTrain.attach(conf(DL4J), ctx);
            ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
            secure.setListeners(secureScores);
            secure.fit(ctx.sharedIterator(Parity.iterator(batches)), 1);
            CoverageReferenceTest.check("dropout (reference, seed " + java.util.HexFormat.of().formatHex(seed) + ")",
                    new Parity.Result(plainScores.scores, secureScores.scores, plain, SecureTrain.reveal(secure, ctx)));
        }
    }

    /**
     * Rows that DL4J has exactly zero after dropout must stay exactly zero on shares: all-zero feature rows give
     * all-zero ReLU rows (bias 0 at the start), and a faithful truncation of the kept zeros times a non-integer 1/p
     * (layer 2, p = 0.7) would give -1 ulp at random, so layer 2's pre-activation would be a few ulps off 0 instead of
     * exactly its bias 0, and LeakyReLU's edge at 0 would take either side at random (layer 2's dL/db off by about
     * 1e-2 on this data). One step: from the second step on, a bias whose gradient was exactly 0 is one ulp off DL4J's
     * exact 0 after the optimiser's faithful truncation, and an all-zero input row then meets ReLU's edge at 0 (a
     * separate effect of the update, not of dropout).
     */
    @Test
    void twoPartiesKeepZeroRowsExactlyZeroThroughDropout() {
        List<DataSet> batches = new java.util.ArrayList<>();
        for (DataSet b : CoverageReferenceTest.classes(10, 3, 26).subList(0, 1)) {
            org.nd4j.linalg.api.ndarray.INDArray x = b.getFeatures().dup();
            for (int row = 0; row < x.rows(); row += 2) {
                x.getRow(row).assign(0);
            }
            batches.add(new DataSet(x, b.getLabels()));
        }
        Function<Session, Backend> backends = TwoPartyHarness.backendFactory(Parity.F);
        MultiLayerConfiguration conf = conf(DL4J);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, Parity.F)) {
            TwoPartyRunner.Results<Object[], Object[]> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, backends, conf, null),
                    pair.party(1), s -> party(s, backends, conf, batches));
            byte[] seed = (byte[]) r.party0()[2];
            ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
            MultiLayerNetwork plain = Parity.plain(conf((p, i) -> new MaskedDropoutForTests(p, seed, i)), batches, 1,
                    plainScores);
            @SuppressWarnings("unchecked")
            List<Double> scores = (List<Double>) r.party1()[0];
            CoverageReferenceTest.check("dropout with zero rows (two parties)",
                    new Parity.Result(plainScores.scores, scores, plain, (MultiLayerNetwork) r.party0()[1]));
        }
    }

    @Test
    void masksDependOnLayerAndStepAndKeepTheRetainRate() {
        byte[] seed = new byte[32];
        double[] a = DropoutMasks.multipliers(seed, 0, 5, 0, 0.7, 20000);
        double[] b = DropoutMasks.multipliers(seed, 1, 5, 0, 0.7, 20000);
        double[] c = DropoutMasks.multipliers(seed, 0, 6, 0, 0.7, 20000);
        assertArrayEquals(a, DropoutMasks.multipliers(seed, 0, 5, 0, 0.7, 20000), "deterministic in the seed and step");
        assertTrue(!java.util.Arrays.equals(a, b) && !java.util.Arrays.equals(a, c), "layer and step change the mask");
        long kept = java.util.Arrays.stream(a).filter(v -> v != 0).count();
        // binomial(20000, 0.7): sd 65; 6 sd
        assertTrue(Math.abs(kept - 14000) < 390, "kept " + kept);
        assertTrue(java.util.Arrays.stream(a).allMatch(v -> v == 0 || Math.abs(v - 1 / 0.7) < 1e-15));
    }

    @Test
    void twoPartiesDeriveTheSameSeedAndMatchDl4j() {
        List<DataSet> batches = CoverageReferenceTest.classes(10, 3, 25);
        Function<Session, Backend> backends = TwoPartyHarness.backendFactory(Parity.F);
        MultiLayerConfiguration conf = conf(DL4J);
        try (InMemoryTransport.Pair pair = TwoPartyHarness.sessions(conf, conf, Parity.F)) {
            TwoPartyRunner.Results<Object[], Object[]> r = TwoPartyRunner.run(
                    pair.party(0), s -> party(s, backends, conf, null),
                    pair.party(1), s -> party(s, backends, conf, batches));
            byte[] seed0 = (byte[]) r.party0()[2];
            byte[] seed1 = (byte[]) r.party1()[2];
            assertArrayEquals(seed0, seed1, "both parties hold the same joint seed");
            ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
            MultiLayerNetwork plain = Parity.plain(conf((p, i) -> new MaskedDropoutForTests(p, seed0, i)), batches, 1,
                    plainScores);
            @SuppressWarnings("unchecked")
            List<Double> scores = (List<Double>) r.party1()[0];
            CoverageReferenceTest.check("dropout (two parties)",
                    new Parity.Result(plainScores.scores, scores, plain, (MultiLayerNetwork) r.party0()[1]));
        }
    }

    private static Object[] party(Session s, Function<Session, Backend> backends, MultiLayerConfiguration conf,
            List<DataSet> batchesOrNull) {
        try (SecurePartyContext ctx = TwoPartyHarness.terms(Parity.F).session(s).backend(backends)
                .build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            ToyBlobs.ScoreRecorder scores = new ToyBlobs.ScoreRecorder();
            net.setListeners(scores);
            net.fit(ctx.sharedIterator(batchesOrNull == null ? null : Parity.iterator(batchesOrNull)), 1);
            return new Object[] {scores.scores, SecureTrain.reveal(net, ctx), ctx.jointSeed()};
        }
    }
}
