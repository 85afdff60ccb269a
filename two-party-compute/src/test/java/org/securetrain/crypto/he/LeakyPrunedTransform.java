package org.securetrain.crypto.he;

/**
 * Test aid (negative control of the data-independence test): the pruned forward transform of an 8 x 32
 * plaintext block (plan blocks 8x32x32), with its granules marked from the coefficient values (the former,
 * value-dependent behaviour) or from the public layout (the current one); returns the granule work counted.
 */
public final class LeakyPrunedTransform {
    private LeakyPrunedTransform() {
    }

    /** Work with the granules marked where the values are non-zero (leaky). */
    public static long granuleWork(long[] block8x32) {
        long[] coeffs = encode(block8x32);
        boolean[] marks = new boolean[coeffs.length / Ntt.GRANULE];
        for (int j = 0; j < coeffs.length; j++) {
            marks[j / Ntt.GRANULE] |= coeffs[j] != 0;
        }
        return run(coeffs, marks);
    }

    /** Work with the granules of the public layout (8 runs of 32 at stride 1024). */
    public static long publicSupportWork(long[] block8x32) {
        long[] coeffs = encode(block8x32);
        return run(coeffs, Ntt.granuleSupport(coeffs.length, 8, 32, 32 * 32));
    }

    private static long[] encode(long[] block) {
        RnsBase base = HeParameters.standard().base();
        long[] coeffs = new long[base.n];
        for (int i = 0; i < 8; i++) {
            for (int l = 0; l < 32; l++) {
                coeffs[i * 32 * 32 + 31 - l] = block[i * 32 + l];
            }
        }
        return coeffs;
    }

    private static long run(long[] coeffs, boolean[] marks) {
        RnsBase base = HeParameters.standard().base();
        long[] x = new long[base.polyLength()];
        base.fromSigned(coeffs, 0, x);
        long before = WorkCounter.read(WorkCounter.NTT_GRANULES);
        base.forwardSparse(x, marks);
        return WorkCounter.read(WorkCounter.NTT_GRANULES) - before;
    }
}
