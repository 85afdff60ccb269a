package org.securetrain.layers.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.securetrain.crypto.prg.Prg;

/**
 * DL4J's inverted dropout ({@link Dropout}: keep each input with probability p and scale it by 1/p, p possibly a
 * schedule) with masks that both parties derive from the session's joint seed: the mask of layer i at iteration t and
 * epoch e is an AES-CTR stream keyed by SHA-256(domain, seed, i, t, e), element k kept iff its 53-bit uniform is below
 * p. Both parties compute the same mask; it depends on the public counters and on the seed, which both chose at
 * random together, and on no private value: it is public, like the configuration (docs/security/dl4j.md says why that
 * leaks nothing).
 */
public final class DropoutMasks {
    private static final byte[] DOMAIN = "securetrain/dropout-mask/v1".getBytes(StandardCharsets.US_ASCII);

    private DropoutMasks() {
    }

    /** Null when {@code d} can be applied to shares, else why not. */
    public static String whyUnsupported(IDropout d) {
        if (d == null || d.getClass() == Dropout.class) {
            return null;
        }
        return "dropout kind " + d.getClass().getSimpleName() + " is not supported yet (Dropout with a fixed or "
                + "scheduled retain probability is)";
    }

    /** DL4J's retain probability at this iteration and epoch. */
    public static double retainProbability(Dropout d, int iteration, int epoch) {
        double p = d.getPSchedule() != null ? d.getPSchedule().valueAt(iteration, epoch) : d.getP();
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout retain probability must be in (0, 1], got " + p);
        }
        return p;
    }

    /** Each element's multiplier, 0 or 1/p: DL4J's inverted-dropout mask. */
    public static double[] multipliers(byte[] jointSeed, int layerIndex, int iteration, int epoch, double p, int n) {
        double[] m = new double[n];
        if (p == 1) {
            Arrays.fill(m, 1);
            return m;
        }
        Prg prg = new Prg(key(jointSeed, layerIndex, iteration, epoch));
        double scale = 1.0 / p;
        for (int i = 0; i < n; i++) {
            double u = (prg.nextLong() >>> 11) * 0x1.0p-53;
            m[i] = u < p ? scale : 0;
        }
        return m;
    }

    private static byte[] key(byte[] seed, int layerIndex, int iteration, int epoch) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(DOMAIN);
            md.update(seed);
            md.update(ByteBuffer.allocate(12).putInt(layerIndex).putInt(iteration).putInt(epoch).array());
            return Arrays.copyOf(md.digest(), Prg.SEED_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
