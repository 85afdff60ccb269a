package org.securetrain.crypto.ot.silent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.crypto.ot.RandomCotReceiver;
import org.securetrain.crypto.ot.RandomCotSender;

/** The COT correlation t_i = q_i ⊕ b_i Δ of the served outputs, across pool refills, both directions. */
@Timeout(300)
class FerretCorrelationTest {

    /** Checks a stream of calls with the given n values; returns the number of ones among the choice bits. */
    static long checkStream(RandomCotSender s, RandomCotReceiver r, SilentOtPair tp, boolean p0sends, int[] ns) {
        long ones = 0;
        for (int n : ns) {
            long[] q = new long[2 * n];
            long[] t = new long[2 * n];
            long[] bits = new long[(n + 63) / 64 + 1];
            bits[bits.length - 1] = -1L; // past ceil(n/64): must be left alone
            if (p0sends) {
                tp.run(a -> { s.next(n, q); return 0; }, b -> { r.next(n, bits, t); return 0; });
            } else {
                tp.run(a -> { r.next(n, bits, t); return 0; }, b -> { s.next(n, q); return 0; });
            }
            long dLo = s.deltaLo();
            long dHi = s.deltaHi();
            assertEquals(1L, dLo & 1, "delta lsb");
            for (int i = 0; i < n; i++) {
                long b = bits[i >>> 6] >>> (i & 63) & 1;
                ones += b;
                if (t[2 * i] != (q[2 * i] ^ (b == 1 ? dLo : 0))
                        || t[2 * i + 1] != (q[2 * i + 1] ^ (b == 1 ? dHi : 0))) {
                    fail("t != q ^ b*delta at COT " + i + " of a call of n=" + n + " (b=" + b + ")");
                }
            }
            if ((n & 63) != 0) {
                assertEquals(0L, bits[n >>> 6] >>> (n & 63), "bits past n must be zero");
            }
            assertEquals(-1L, bits[bits.length - 1], "word past ceil(n/64) touched");
        }
        return ones;
    }

    static int[] oddCalls(long total, int max, long seed) {
        Random rnd = new Random(seed);
        java.util.List<Integer> l = new java.util.ArrayList<>();
        long done = 0;
        while (done < total) {
            int n = (int) Math.min(total - done, 1 + 2 * rnd.nextInt(max / 2));
            l.add(n);
            done += n;
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void smallParametersManyRefillsBothDirections() {
        FerretParams p = FerretParams.insecureForTests(24, 10, 7); // n = 3072, reserved 1192, 1880 per iteration
        try (SilentOtPair tp = SilentOtPair.open(p)) {
            int[] ns = oddCalls(60_000, 5000, 1);
            long ones = checkStream(tp.s0.sender(), tp.s1.receiver(), tp, true, ns);
            long ones2 = checkStream(tp.s1.sender(), tp.s0.receiver(), tp, false, ns);
            assertTrue(((FerretSender) tp.s0.sender()).iterations() >= 30);
            assertBalanced(ones, 60_000);
            assertBalanced(ones2, 60_000);
        }
    }

    static void bothDirections(FerretParams p, long total, int maxCall) {
        try (SilentOtPair tp = SilentOtPair.open(p)) {
            int[] ns = oddCalls(total, maxCall, total);
            assertBalanced(checkStream(tp.s0.sender(), tp.s1.receiver(), tp, true, ns), total);
            assertBalanced(checkStream(tp.s1.sender(), tp.s0.receiver(), tp, false, ns), total);
            long iterations = ((FerretSender) tp.s0.sender()).iterations();
            assertEquals((total + p.outputsPerIteration() - 1) / p.outputsPerIteration(), iterations, "pool refills");
        }
    }

    @Test
    void ferretB10MillionBothDirections() {
        bothDirections(FerretParams.B10, 1_000_000, 1 << 17); // two iterations
    }

    @Test
    void ferretB10TenMillionBothDirections() {
        bothDirections(FerretParams.B10, 10_000_000, 1 << 21); // 13 iterations
    }

    @Test
    @Tag("slow")
    void ferretB13TenMillionBothDirections() {
        bothDirections(FerretParams.B13, 10_000_000, 1 << 21); // one iteration (15,015,812 per iteration)
    }

    @Test
    @Tag("slow")
    void ferretB13FortyMillionBothDirections() {
        bothDirections(FerretParams.B13, 40_000_000, 1 << 22); // three iterations
    }

    @Test
    @Tag("slow")
    void hundredMillionInOneCall() {
        int n = 100_000_000; // 1.6 GB per party's output array; the pools stay at their fixed size
        try (SilentOtPair tp = SilentOtPair.open(FerretParams.B13)) {
            long ones = checkStream(tp.s0.sender(), tp.s1.receiver(), tp, true, new int[] {n});
            assertBalanced(ones, n);
            assertEquals(7, ((FerretSender) tp.s0.sender()).iterations());
        }
    }

    static void assertBalanced(long ones, long n) {
        double sigma = Math.sqrt(n / 4.0);
        assertTrue(Math.abs(ones - n / 2.0) <= 6 * sigma, ones + " ones among " + n + " choice bits");
    }
}
