package org.securetrain.bench.ot;

import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.layermath.L2GradientNormalizer;
import org.securetrain.layermath.L2Normalization;
import org.securetrain.layermath.PositiveRoots;
import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * DL4J's four L2 gradient normalisations ({@link L2GradientNormalizer}) of one layer's gradients, a weight tensor of
 * {@code n} elements and a bias of {@code n / 64}, on the default two-party backend (OT engine, Ferret silent COTs, no
 * range guard: the element bound is assumed, as by every unguarded backend), both parties in one process over the
 * in-memory transport. Per layer: one group of both tensors (one HE inner product for the sum of squares); per
 * parameter type: two groups (element-wise squares). Clipping at threshold 1: at n = 4096 the weights' norm (about 1.5)
 * and the layer's are above it, the bias's (about 0.2) below (the protocol's cost does not depend on which: the
 * comparison stays a shared bit). After each iteration: bytes per element (both directions), party 0's flights per
 * call, CPU per element, and each protocol step's share.
 * Run: {@code java -cp ... org.openjdk.jmh.Main L2GradientNormalizerBench -f 1 -wi 2 -i 3}.
 */
public class L2GradientNormalizerBench extends LabelledTwoPartyBench {
    /** Elements of the weight tensor (the bias has n / 64). */
    @Param({"4096"})
    public int n;

    static final int F = 24;
    static final L2Normalization RENORMALIZE = new L2Normalization(L2Normalization.Mode.RENORMALIZE, 0);
    static final L2Normalization CLIP = new L2Normalization(L2Normalization.Mode.CLIP, 1.0);
    final L2GradientNormalizer[] norm = new L2GradientNormalizer[2];
    /** Per party: {weights, bias} shares at scale f. */
    final long[][][] tensors = new long[2][][];

    @Setup(Level.Trial)
    public void setUp() {
        openBackends(F);
        for (int p = 0; p < 2; p++) {
            norm[p] = new L2GradientNormalizer(be[p], PositiveRoots.exact(be[p]));
        }
        Prg g = Prg.fromSecureRandom(new SecureRandom());
        java.util.Random r = new java.util.Random(1);
        int[] sizes = {n, Math.max(1, n / 64)};
        tensors[0] = new long[2][];
        tensors[1] = new long[2][];
        for (int t = 0; t < 2; t++) {
            tensors[0][t] = g.nextLongs(sizes[t]);
            tensors[1][t] = new long[sizes[t]];
            for (int i = 0; i < sizes[t]; i++) {
                // |g| log-uniform in [1e-5, 0.1]: a layer's averaged gradients
                long x = (long) (Math.copySign(Math.pow(10, -5 + 4 * r.nextDouble()), r.nextDouble() - 0.5)
                        * (1L << F));
                tensors[1][t][i] = x - tensors[0][t][i];
            }
        }
        renormalizeL2PerLayer(); // Ferret's first extension and the first compilations
        tp.mark();
    }

    private long[][] normalize(String kind, L2Normalization how, boolean perLayer) {
        current = kind + ", weights n=" + n + " + bias " + tensors[0][1].length + ", f=" + F;
        currentElements = tensors[0][0].length + tensors[0][1].length;
        ProtocolId id = ProtocolId.of("bench", "l2norm");
        return tp.run(s -> norm[0].apply(how, groups(tensors[0], perLayer), id),
                s -> norm[1].apply(how, groups(tensors[1], perLayer), id));
    }

    /** Per layer: one group of both tensors; per parameter type: one group each. */
    private static long[][] groups(long[][] t, boolean perLayer) {
        return perLayer ? new long[][] {RingMatrix.concat(t)} : t;
    }

    @Benchmark
    public long[][] renormalizeL2PerLayer() {
        return normalize("RenormalizeL2PerLayer", RENORMALIZE, true);
    }

    @Benchmark
    public long[][] renormalizeL2PerParamType() {
        return normalize("RenormalizeL2PerParamType", RENORMALIZE, false);
    }

    @Benchmark
    public long[][] clipL2PerLayer() {
        return normalize("ClipL2PerLayer (threshold 1)", CLIP, true);
    }

    @Benchmark
    public long[][] clipL2PerParamType() {
        return normalize("ClipL2PerParamType (threshold 1)", CLIP, false);
    }
}
