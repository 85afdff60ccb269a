package org.securetrain.crypto.ot.flavours;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;
import org.securetrain.crypto.prg.Prg;

/**
 * Test-only random COTs from a trusted dealer shared by both parties in one JVM (one direction):
 * each {@code next} batch is drawn on the first party's call and handed to the other. Optionally
 * broken, for negative controls: constant receiver choice bits (all zero) and/or a zero correlation.
 * Never a protocol: it only stands in for the COT source in tests.
 */
public final class DealerCots {
    private final Prg g = Prg.fromSecureRandom(new SecureRandom());
    private final boolean zeroChoices;
    private final long deltaLo;
    private final long deltaHi;
    private final ArrayDeque<long[][]> forSender = new ArrayDeque<>();
    private final ArrayDeque<long[][]> forReceiver = new ArrayDeque<>();

    private DealerCots(boolean zeroChoices, boolean zeroDelta) {
        this.zeroChoices = zeroChoices;
        this.deltaLo = zeroDelta ? 0 : g.nextLong() | 1;
        this.deltaHi = zeroDelta ? 0 : g.nextLong();
    }

    public static DealerCots honest() {
        return new DealerCots(false, false);
    }

    /** A broken source: receiver choice bits all zero (the flips then equal the chosen bits). */
    public static DealerCots constantChoices() {
        return new DealerCots(true, false);
    }

    /** A broken source with both faults: constant choice bits and delta = 0. */
    public static DealerCots brokenAll() {
        return new DealerCots(true, true);
    }

    /** A broken source: delta = 0 (both of the sender's messages are equal, so nothing is hidden). */
    public static DealerCots zeroDelta() {
        return new DealerCots(false, true);
    }

    private synchronized long[][] take(boolean sender, int n) {
        ArrayDeque<long[][]> mine = sender ? forSender : forReceiver;
        if (!mine.isEmpty()) {
            long[][] b = mine.poll();
            if (b[0].length != 2 * n) {
                throw new IllegalStateException("dealer: the parties asked for different batch sizes");
            }
            return b;
        }
        long[] q = g.nextLongs(2 * n);
        long[] bits = zeroChoices ? new long[(n + 63) >>> 6] : g.nextBits(n);
        long[] t = q.clone();
        for (int i = 0; i < n; i++) {
            long m = -(bits[i >>> 6] >>> (i & 63) & 1);
            t[2 * i] ^= deltaLo & m;
            t[2 * i + 1] ^= deltaHi & m;
        }
        (sender ? forReceiver : forSender).add(sender ? new long[][] {t, bits} : new long[][] {q});
        return sender ? new long[][] {q} : new long[][] {t, bits};
    }

    public RandomCotSender sender() {
        return new RandomCotSender() {
            @Override
            public long deltaLo() {
                return deltaLo;
            }

            @Override
            public long deltaHi() {
                return deltaHi;
            }

            @Override
            public void next(int n, long[] q) {
                System.arraycopy(take(true, n)[0], 0, q, 0, 2 * n);
            }
        };
    }

    public RandomCotReceiver receiver() {
        return new RandomCotReceiver() {
            @Override
            public void next(int n, long[] bits, long[] t) {
                long[][] b = take(false, n);
                System.arraycopy(b[0], 0, t, 0, 2 * n);
                System.arraycopy(b[1], 0, bits, 0, (n + 63) >>> 6);
            }
        };
    }

    /** CotPairs for party 0 and party 1 over two dealer directions (0 sends on {@code from0}, 1 on {@code from1}). */
    public static CotPair[] pairs(DealerCots from0, DealerCots from1, String name) {
        org.securetrain.runtime.ProtocolId id = org.securetrain.runtime.ProtocolId.parse(name);
        return new CotPair[] {CotPair.of(0, from0.sender(), from1.receiver(), id),
            CotPair.of(1, from1.sender(), from0.receiver(), id)};
    }
}
