package org.securetrain.samples;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.launcher.PartyTraining;

/**
 * Where the residual sample's weight gap after 4 steps (1.27e-4 secure vs plaintext DL4J float64, above the 1e-4 of
 * the one-step tests) comes from, without cryptography: the sample's graph and first 4 minibatches of 32 images,
 * trained by plaintext DL4J float64 (the baseline), DL4J float32, and the INSECURE fixed-point reference backend
 * (deterministic floor truncation) at f = 24 and 26; the largest weight difference to the baseline after 1-4 steps,
 * and how many max-pool windows of the baseline's forward pass of each step hold their two largest values closer than
 * 1 and 8 ulp at f = 24 (2^-24, 2^-21): near-ties that rounding can flip (the gradient then goes to another
 * position). Slow (~4 min): {@code ./mvnw -B -q -o -pl samples -am test -Pslow -Dtest=ResNetWeightGapTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Measured (docs/BENCHMARKS.md section 5): the reference at f = 24 is within 10 ulp of DL4J after 2 steps, then
 * jumps to 115 and 369 ulp (2.2e-5) after steps 3 and 4, in the step whose pool2 (which reads values truncated to
 * scale f) holds a window tied within 1 ulp; at f = 26 it stays at 30 ulp. DL4J float32 stays within 2.1e-7 of float64
 * (no fixed point: no 2^-24 grid). So the gap is the 2^-24 grid flipping a near-tied max-pool decision, amplified by
 * the following steps; the secure run's truncations add up to 1 ulp of error per truncated value, which widens the
 * band of windows that can flip.
 */
@Tag("slow")
@Timeout(1200)
class ResNetWeightGapTest {
    static final int BATCH = 32;

    @Test
    void theGapIsRoundingThatFlipsNearTiesNotTheProtocols() {
        ComputationGraphConfiguration conf = FashionMnistResNet.resNet(4, 32, 0.01, 7);
        ComputationGraphConfiguration conf32 = conf.clone();
        conf32.setDataType(DataType.FLOAT);
        DataSet train = FashionMnist.bundled(FashionMnist.Split.TRAIN, 4 * BATCH);
        double[][] ulp = new double[5][];
        double[] float32 = new double[5];
        int[][] ties = new int[5][];
        for (int steps = 1; steps <= 4; steps++) {
            DataSet part = new DataSet(train.getFeatures().get(NDArrayIndex.interval(0, BATCH * steps)),
                    train.getLabels().get(NDArrayIndex.interval(0, BATCH * steps)));
            ComputationGraph plain = plainTrained(conf, part, steps);
            ComputationGraph plain32 = new ComputationGraph(conf32.clone());
            plain32.init();
            plain32.fit(PartyTraining.batches(part, BATCH), 1);
            float32[steps] = plain.params().sub(plain32.params().castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            int[] fs = {24, 26};
            ulp[steps] = new double[fs.length];
            for (int k = 0; k < fs.length; k++) {
                int f = fs[k];
                SecurePartyContext ctx = SecurePartyContext.builder().fracBits(f).insecurePlaintextReferenceForTests()
                        .build();
                ComputationGraph secure = SecureTrain.attach(conf, ctx);
                secure.fit(ctx.sharedIterator(PartyTraining.batches(part, BATCH)), 1);
                double w = plain.params().sub(SecureTrain.reveal(secure, ctx).params()).amaxNumber().doubleValue();
                ulp[steps][k] = Math.scalb(w, f);
                System.out.printf(Locale.ROOT, "GAP after %d steps: reference f=%d max weight diff %.3e (%.1f ulp)%n",
                        steps, f, w, ulp[steps][k]);
            }
            ties[steps] = nearTies(plainTrained(conf, part, steps - 1), part.getFeatures().get(
                    NDArrayIndex.interval(BATCH * (steps - 1), BATCH * steps)).castTo(DataType.DOUBLE));
            System.out.printf(Locale.ROOT, "GAP after %d steps: DL4J float32 vs float64 max weight diff %.3e; "
                    + "max-pool windows of this step's forward tied within 1 / 8 ulp: pool1 %d / %d, pool2 %d / %d%n",
                    steps, float32[steps], ties[steps][0], ties[steps][1], ties[steps][2], ties[steps][3]);
        }
        // the fixed-point reference alone: close after 2 steps, far after 4 at f = 24; smooth at f = 26
        assertTrue(ulp[2][0] < 16, "f=24 after 2 steps: " + ulp[2][0] + " ulp");
        assertTrue(ulp[4][0] > 100, "f=24 after 4 steps: " + ulp[4][0] + " ulp");
        assertTrue(ulp[4][1] < ulp[4][0] / 4, "f=26 after 4 steps: " + ulp[4][1] + " ulp");
        assertTrue(ties[3][2] >= 1, "step 3 (the jump) has a pool2 window tied within 1 ulp");
        assertTrue(float32[4] < 1e-6, "DL4J float32 vs float64 after 4 steps: " + float32[4]);
    }

    private static ComputationGraph plainTrained(ComputationGraphConfiguration conf, DataSet part, int steps) {
        ComputationGraph plain = new ComputationGraph(conf.clone());
        plain.init();
        if (steps > 0) {
            DataSet first = new DataSet(part.getFeatures().get(NDArrayIndex.interval(0, BATCH * steps)),
                    part.getLabels().get(NDArrayIndex.interval(0, BATCH * steps)));
            plain.fit(PartyTraining.batches(first, BATCH), 1);
        }
        return plain;
    }

    /** Windows whose two largest values are distinct and closer than 2^-24, then 2^-21: pool1, pool1, pool2, pool2. */
    private static int[] nearTies(ComputationGraph net, INDArray x) {
        Map<String, INDArray> acts = net.feedForward(x, false);
        int[] out = new int[4];
        int at = 0;
        for (String[] pool : new String[][] {{"pool1", "stem"}, {"pool2", "block2-relu"}}) {
            INDArray a = acts.get(pool[1]).castTo(DataType.DOUBLE).dup('c');
            long n = a.size(0), c = a.size(1), h = a.size(2), w = a.size(3);
            double[] v = a.data().asDouble();
            int near = 0;
            int near8 = 0;
            for (long i = 0; i < n * c; i++) {
                for (long r = 0; r + 1 < h; r += 2) {
                    for (long s = 0; s + 1 < w; s += 2) {
                        double[] win = {v[(int) ((i * h + r) * w + s)], v[(int) ((i * h + r) * w + s + 1)],
                                v[(int) ((i * h + r + 1) * w + s)], v[(int) ((i * h + r + 1) * w + s + 1)]};
                        java.util.Arrays.sort(win);
                        double gap = win[3] - win[2];
                        if (gap > 0 && gap < 0x1p-24) {
                            near++;
                        }
                        if (gap > 0 && gap < 0x1p-21) {
                            near8++;
                        }
                    }
                }
            }
            out[at++] = near;
            out[at++] = near8;
        }
        return out;
    }
}
