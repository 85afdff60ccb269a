package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.PrivateSoftmaxCrossEntropy;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;

/**
 * The private-loss mode's softmax, gradient and loss ({@link PrivateSoftmaxCrossEntropy}, docs/security/private-loss.md)
 * on the default two-party backend (OT engine, Ferret silent COTs): one batch of logits at scale 2f = 48 with one-hot
 * labels held by party 1, per row of C classes. After each iteration: bytes per row (both directions), party 0's flights
 * per call, CPU time per row, and the per-step breakdown. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar PrivateSoftmaxBench -f 1 -wi 2 -i 3}.
 */
public class PrivateSoftmaxBench extends LabelledTwoPartyBench {
    /** Rows per call (the batch). */
    @Param({"128"})
    public int batch;
    /** Classes per row. */
    @Param({"10"})
    public int classes;

    static final int F = 24;
    final PrivateSoftmaxCrossEntropy[] sm = new PrivateSoftmaxCrossEntropy[2];
    long[] z0, z1, y0, y1;

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        sm[0] = new PrivateSoftmaxCrossEntropy(be[0]);
        sm[1] = new PrivateSoftmaxCrossEntropy(be[1]);
        int n = batch * classes;
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        z0 = g.nextLongs(n);
        z1 = new long[n];
        y0 = new long[n];
        y1 = new long[n];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            long z = Math.round(r.nextGaussian() * 4 * Math.scalb(1.0, 2 * F)); // logits N(0, 4^2) at scale 2f
            z1[i] = z - z0[i];
        }
        for (int b = 0; b < batch; b++) {
            y1[b * classes + r.nextInt(classes)] = FixedPoint.of(F).one();
        }
        lossTerms(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    private void label(String what) {
        current = what + ", batch " + batch + ", C = " + classes + " (per row)";
        currentElements = batch;
    }

    /** Softmax, delta = p - y and the labels' term. */
    @Benchmark
    public PrivateSoftmaxCrossEntropy.Result lossTerms() {
        label("private softmax and delta");
        ProtocolId id = ProtocolId.of("bench", "softmax");
        return tp.run(s -> sm[0].lossTerms(z0, 2 * F, y0, batch, classes, id),
                s -> sm[1].lossTerms(z1, 2 * F, y1, batch, classes, id));
    }

    /** lossTerms and the per-row losses (the log of the row sums). */
    @Benchmark
    public long[] lossTermsAndRowLosses() {
        label("private softmax, delta and the row losses");
        ProtocolId id = ProtocolId.of("bench", "loss");
        return tp.run(s -> sm[0].rowLosses(sm[0].lossTerms(z0, 2 * F, y0, batch, classes, id), id.child("rows")),
                s -> sm[1].rowLosses(sm[1].lossTerms(z1, 2 * F, y1, batch, classes, id), id.child("rows")));
    }
}
