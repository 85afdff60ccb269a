package org.securetrain.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.runtime.ProtocolId;

/** The HE product is exact whatever the size of each party's compute pool (1: no helper; 3: a pool helper). */
@Timeout(120)
class ComputePoolTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void productsAreExactWithAnyPoolSize(int threads) {
        try (HeTestPair pair = new HeTestPair(HeParameters.standard(), threads)) {
            SplittableRandom r = new SplittableRandom(threads);
            int m = 40;
            int k = 300;
            int n = 24;
            long[] a0 = SecureMatMulTest.random(r, m * k);
            long[] a1 = SecureMatMulTest.random(r, m * k);
            long[] b0 = SecureMatMulTest.random(r, k * n);
            long[] b1 = SecureMatMulTest.random(r, k * n);
            // both roles (shared by shared) and one role (the data owner's input by a shared matrix)
            var both = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(m, k, p == 0 ? a0 : a1),
                    MatrixShare.of(k, n, p == 0 ? b0 : b1), ProtocolId.of("both")));
            assertArrayEquals(SecureMatMulTest.plainProduct(MatrixShare.of(m, k, SecureMatMulTest.sum(a0, a1)),
                    MatrixShare.of(k, n, SecureMatMulTest.sum(b0, b1))), SecureMatMulTest.sum(both.party0(), both.party1()));
            var one = pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(
                    MatrixShare.of(m, k, p == 1 ? a1 : null, ShareKind.ONLY_PARTY1),
                    MatrixShare.of(k, n, p == 0 ? b0 : b1), ProtocolId.of("one")));
            assertArrayEquals(SecureMatMulTest.plainProduct(MatrixShare.of(m, k, a1),
                    MatrixShare.of(k, n, SecureMatMulTest.sum(b0, b1))), SecureMatMulTest.sum(one.party0(), one.party1()));
        }
    }
}
