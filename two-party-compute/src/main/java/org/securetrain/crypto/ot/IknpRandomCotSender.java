package org.securetrain.crypto.ot;

import java.util.Objects;
import org.securetrain.runtime.ProtocolId;

/**
 * {@link RandomCotSender} on IKNP OT extension: the receiver draws the choice bits at random, so an
 * IKNP block COT is a random COT as it stands. COTs are made in pools of at least {@code poolSize}
 * (one IKNP call, about one round trip, per refill) and handed out in order; both parties refill at
 * the same points because they call {@code next} with the same sizes in the same order.
 * Cost: 16 bytes per COT (IKNP's u columns). Obtain with {@link #open}. Not thread-safe.
 */
public final class IknpRandomCotSender implements RandomCotSender {
    /** COTs per refill unless configured otherwise: 2^18 COTs, 4 MiB of blocks on each side. */
    public static final int DEFAULT_POOL = 1 << 18;

    private final BlockCotSender cot;
    private final int poolSize;
    private long[] pool = new long[0];
    private int pos;

    IknpRandomCotSender(BlockCotSender cot, int poolSize) {
        this.cot = Objects.requireNonNull(cot, "cot");
        this.poolSize = IknpRandomCotReceiver.checkPool(poolSize);
    }

    /** This party sends on the IKNP instance {@code id}; the peer calls {@link IknpRandomCotReceiver#open}. */
    public static IknpRandomCotSender open(OtEngine eng, ProtocolId id, int poolSize) {
        return new IknpRandomCotSender(eng.cotSender(id), poolSize);
    }

    @Override
    public long deltaLo() {
        return cot.deltaLo();
    }

    @Override
    public long deltaHi() {
        return cot.deltaHi();
    }

    @Override
    public void next(int n, long[] q) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        Objects.checkFromIndexSize(0, 2 * n, q.length);
        int done = 0;
        while (done < n) {
            int left = (pool.length >>> 1) - pos;
            if (left == 0) {
                pool = cot.sendBlockCot(IknpRandomCotReceiver.refillSize(n - done, poolSize));
                pos = 0;
                left = pool.length >>> 1;
            }
            int take = Math.min(left, n - done);
            System.arraycopy(pool, 2 * pos, q, 2 * done, 2 * take);
            pos += take;
            done += take;
        }
    }
}
