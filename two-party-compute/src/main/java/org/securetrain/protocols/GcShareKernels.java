package org.securetrain.protocols;

import java.security.SecureRandom;
import org.securetrain.crypto.gc.BitPlanes;
import org.securetrain.crypto.gc.GcProtocol;
import org.securetrain.crypto.prg.Prg;

/** Helpers shared by the garbled-circuit kernels on arithmetic shares. */
final class GcShareKernels {
    private static final SecureRandom RND = new SecureRandom();

    private GcShareKernels() {
    }

    /** A fresh mask generator for the garbler's output shares (AES-CTR seeded from SecureRandom). */
    static Prg maskPrg() {
        return Prg.fromSecureRandom(RND);
    }

    /**
     * Validates without hanging the peer: if {@code problem} is non-null, the run is rejected (the session
     * ends and the peer fails naming the reason) and this party throws.
     */
    static void rejectIf(GcProtocol gc, String problem) {
        if (problem != null) {
            throw gc.reject(problem);
        }
    }

    /** Packs plane bits (k planes over n windows) into window-major bit vectors: bit i·k + j = plane j, bit i. */
    static long[] interleave(long[] planes, int firstPlane, int k, int n) {
        int words = BitPlanes.words(n);
        long[] out = new long[BitPlanes.words(n * k)];
        for (int j = 0; j < k; j++) {
            int base = (firstPlane + j) * words;
            for (int i = 0; i < n; i++) {
                long bit = planes[base + (i >>> 6)] >>> (i & 63) & 1;
                int idx = i * k + j;
                out[idx >>> 6] |= bit << (idx & 63);
            }
        }
        return out;
    }
}
