package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.securetrain.layers.SecureLayerImpl;
import org.securetrain.layers.SecureOutputLayerImpl;
import org.securetrain.layers.ops.DenseOp;

/**
 * Single process, INSECURE plaintext reference backend (one network plays both parties): an ordinary DL4J
 * configuration, attached and trained with fit(iterator), against plaintext DL4J from the same seed and the
 * same batch order. Checks the DL4J integration (layer lifecycle, shapes, layouts, update placement, score,
 * reveal) independently of the cryptography. The reference backend is deterministic; measured at f = 24: max
 * relative loss difference 4.2e-6 (MLP, Sgd), 1.2e-5 (MLP, Nesterovs), 9.5e-6 (max-pool net); revealed outputs
 * within 1.2e-5 to 1.5e-5. The bounds are about 10x those.
 */
class SecureTrainReferenceTest {
    static final int F = 24;

    record Run(List<Double> plainScores, List<Double> secureScores, MultiLayerNetwork plain, MultiLayerNetwork secure,
            MultiLayerNetwork revealed, SecurePartyContext ctx) {
        double maxRelScoreDiff() {
            double m = 0;
            for (int i = 0; i < plainScores.size(); i++) {
                m = Math.max(m, Math.abs(secureScores.get(i) - plainScores.get(i)) / Math.abs(plainScores.get(i)));
            }
            return m;
        }
    }

    static Run train(MultiLayerConfiguration conf, ToyBlobs data, int batch, int epochs) {
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        ToyBlobs.ScoreRecorder plainScores = new ToyBlobs.ScoreRecorder();
        plain.setListeners(plainScores);
        plain.fit(data.iterator(batch), epochs);

        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        MultiLayerNetwork secure = SecureTrain.attach(conf, ctx);
        ToyBlobs.ScoreRecorder secureScores = new ToyBlobs.ScoreRecorder();
        secure.setListeners(secureScores);
        secure.fit(ctx.sharedIterator(data.iterator(batch)), epochs);
        MultiLayerNetwork revealed = SecureTrain.reveal(secure, ctx);
        return new Run(plainScores.scores, secureScores.scores, plain, secure, revealed, ctx);
    }

    @Test
    void mlpWithSgdMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 7, 4.0);
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
        Run r = train(conf, data, 24, 6);
        assertEquals(60, r.plainScores().size());
        assertEquals(60, r.secureScores().size());
        double rel = r.maxRelScoreDiff();
        System.out.printf("MLP Sgd f=%d: max relative loss difference over %d iterations %.3e (first %.5f, last %.5f)%n",
                F, r.plainScores().size(), rel, r.plainScores().get(0), r.plainScores().get(59));
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel); // measured: see the class comment
        assertTrue(r.plainScores().get(59) < r.plainScores().get(0) * 0.8, "training must make progress");
        assertLayerTypes(r.secure());
        assertRevealedMatches(r, data);
        // the plain twin of the secure configuration is the user's configuration, counters included
        assertEquals(r.plain().getLayerWiseConfigurations(), r.revealed().getLayerWiseConfigurations());
        // DL4J's own parameter view is only a monitor: zeros without the debug flag
        assertEquals(0.0, r.secure().params().norm1Number().doubleValue());
        // DL4J's updater holds no state: the secure step runs inside the layers
        assertTrue(r.secure().getUpdater().getStateViewArray() == null
                || r.secure().getUpdater().getStateViewArray().length() == 0);
    }

    @Test
    void mlpWithNesterovsMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(240, 16, 3, 11, 4.0);
        Run r = train(TestConfs.mlp(new Nesterovs(0.02, 0.9), 5), data, 24, 6);
        double rel = r.maxRelScoreDiff();
        System.out.printf("MLP Nesterovs f=%d: max relative loss difference %.3e%n", F, rel);
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel); // measured: see the class comment
        assertRevealedMatches(r, data);
    }

    @Test
    void maxPoolNetworkWithPreprocessorsMatchesPlaintextDl4j() {
        ToyBlobs data = new ToyBlobs(200, 64, 3, 3, 3.0);
        Run r = train(TestConfs.poolNet(new Sgd(0.03), 9), data, 20, 5);
        assertEquals(50, r.secureScores().size());
        double rel = r.maxRelScoreDiff();
        System.out.printf("max-pool net f=%d: max relative loss difference %.3e%n", F, rel);
        assertTrue(rel < 1e-4, "per-iteration loss relative difference " + rel); // measured: see the class comment
        assertRevealedMatches(r, data);
    }

    @Test
    void initialSharesAreDl4jInitialisation() {
        MultiLayerConfiguration conf = TestConfs.mlp(new Sgd(0.05), 42);
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        MultiLayerNetwork secure = SecureTrain.attach(conf, ctx);
        MultiLayerNetwork revealed = SecureTrain.reveal(secure, ctx);
        double diff = revealed.params().sub(plain.params()).amaxNumber().doubleValue();
        assertTrue(diff <= Math.scalb(1.0, -F - 1) * 1.0001, "initial weights differ by " + diff);
    }

    private static void assertLayerTypes(MultiLayerNetwork secure) {
        assertInstanceOf(DenseOp.class, assertInstanceOf(SecureLayerImpl.class, secure.getLayer(0)).core().op());
        assertInstanceOf(SecureOutputLayerImpl.class, secure.getLayer(1));
    }

    /** Revealed network: same outputs as plaintext DL4J (fixed-point error only) and equal accuracy. */
    private static void assertRevealedMatches(Run r, ToyBlobs data) {
        int n = data.x.length;
        INDArray x = data.features(0, n).castTo(DataType.DOUBLE);
        INDArray labels = data.labels(0, n);
        INDArray outPlain = r.plain().output(x);
        INDArray outRevealed = r.revealed().output(x);
        double diff = outPlain.sub(outRevealed).amaxNumber().doubleValue();
        assertTrue(diff < 1.5e-4, "revealed network output differs from plaintext DL4J by " + diff);
        Evaluation ePlain = new Evaluation(3);
        ePlain.eval(labels, outPlain);
        Evaluation eRevealed = new Evaluation(3);
        eRevealed.eval(labels, outRevealed);
        // the secure network itself, evaluated on shared data: predictions at the data owner
        Evaluation eSecure = r.secure().evaluate(r.ctx().sharedIterator(data.iterator(32)));
        System.out.printf("accuracy plain %.4f, revealed %.4f, secure %.4f (max output diff %.2e)%n",
                ePlain.accuracy(), eRevealed.accuracy(), eSecure.accuracy(), diff);
        assertEquals(ePlain.accuracy(), eRevealed.accuracy(), 0.0);
        assertEquals(ePlain.accuracy(), eSecure.accuracy(), 0.0);
    }
}
