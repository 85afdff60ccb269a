package org.securetrain.crypto.ot;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.ProtocolId;

/**
 * {@link RandomCotReceiver} on IKNP OT extension: this party draws the choice bits uniformly (AES-CTR
 * seeded from {@link SecureRandom}) and runs IKNP block COTs with them, in pools like
 * {@link IknpRandomCotSender}. Obtain with {@link #open}. Not thread-safe.
 */
public final class IknpRandomCotReceiver implements RandomCotReceiver {
    private final BlockCotReceiver cot;
    private final int poolSize;
    private final Prg choices;
    private long[] pool = new long[0];
    private long[] poolBits = new long[0];
    private int pos;

    IknpRandomCotReceiver(BlockCotReceiver cot, int poolSize, Prg choices) {
        this.cot = Objects.requireNonNull(cot, "cot");
        this.poolSize = checkPool(poolSize);
        this.choices = Objects.requireNonNull(choices, "choices");
    }

    /** This party receives on the IKNP instance {@code id}; the peer calls {@link IknpRandomCotSender#open}. */
    public static IknpRandomCotReceiver open(OtEngine eng, ProtocolId id, int poolSize) {
        return new IknpRandomCotReceiver(eng.cotReceiver(id), poolSize, Prg.fromSecureRandom(new SecureRandom()));
    }

    static int checkPool(int poolSize) {
        if (poolSize < 64 || poolSize > 1 << 24) {
            throw new IllegalArgumentException("random-COT pool size must be in [64, 2^24], got " + poolSize);
        }
        return poolSize;
    }

    /** The same on both sides: the rest of a request, but at least a pool, in whole words of choice bits. */
    static int refillSize(int missing, int poolSize) {
        long m = Math.max(missing, poolSize);
        return (int) Math.min(Integer.MAX_VALUE - 63L, (m + 63) & ~63L);
    }

    @Override
    public void next(int n, long[] bits, long[] t) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        Objects.checkFromIndexSize(0, 2 * n, t.length);
        int words = (n + 63) >>> 6;
        Objects.checkFromIndexSize(0, words, bits.length);
        Arrays.fill(bits, 0, words, 0L);
        int done = 0;
        while (done < n) {
            int left = (pool.length >>> 1) - pos;
            if (left == 0) {
                int m = refillSize(n - done, poolSize);
                poolBits = new long[m >>> 6];
                choices.fillBits(poolBits, m);
                pool = cot.receiveBlockCot(poolBits, m);
                pos = 0;
                left = m;
            }
            int take = Math.min(left, n - done);
            System.arraycopy(pool, 2 * pos, t, 2 * done, 2 * take);
            copyBits(poolBits, pos, bits, done, take);
            pos += take;
            done += take;
        }
    }

    /** dst bits [dstOff, dstOff + len) |= src bits [srcOff, srcOff + len) (dst range is zero). */
    static void copyBits(long[] src, int srcOff, long[] dst, int dstOff, int len) {
        int i = 0;
        while (i < len) {
            int s = srcOff + i;
            int d = dstOff + i;
            int take = Math.min(len - i, Math.min(64 - (s & 63), 64 - (d & 63)));
            long v = src[s >>> 6] >>> (s & 63);
            if (take < 64) {
                v &= (1L << take) - 1;
            }
            dst[d >>> 6] |= v << (d & 63);
            i += take;
        }
    }
}
