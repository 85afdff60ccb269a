package org.securetrain.protocols;

import org.securetrain.runtime.ProtocolId;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Larger products of a training step (batch 128, 784 -> 128 MLP layer: forward, dW = X^T dZ,
 * dX = dZ W^T; the LeNet-sized convolution is in {@code Conv2dKernelTwoPartyTest}). Excluded from the
 * default suite; run with
 * {@code -Dsecuretrain.slow=true -Dtest=SecureMatMulSlowTest}.
 */
@Tag("slow")
@EnabledIfSystemProperty(named = "securetrain.slow", matches = "true")
@Timeout(1800)
class SecureMatMulSlowTest {
    static HeTestPair pair;

    @BeforeAll
    static void open() {
        pair = new HeTestPair();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    static long[] random(SplittableRandom r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    static long[] shareOf(long[] x, long[] s0) {
        long[] s1 = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            s1[i] = x[i] - s0[i];
        }
        return s1;
    }

    @Test
    void mlpLayerForwardAndBackwardProducts() {
        SplittableRandom r = new SplittableRandom(1);
        int batch = 128;
        int in = 784;
        int out = 128;
        long[] x = random(r, batch * in);
        long[] w = random(r, in * out);
        long[] dz = random(r, batch * out);
        long[][] xs = {random(r, x.length), null};
        xs[1] = shareOf(x, xs[0]);
        long[][] ws = {random(r, w.length), null};
        ws[1] = shareOf(w, ws[0]);
        long[][] ds = {random(r, dz.length), null};
        ds[1] = shareOf(dz, ds[0]);
        // forward Z = X W
        check(pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(batch, in, xs[p]),
                MatrixShare.of(in, out, ws[p]), id("fwd"))), MatrixShare.of(batch, in, x), MatrixShare.of(in, out, w));
        // dW = X^T dZ (784 x 128, inner dimension = batch)
        check(pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.transposeOf(batch, in, xs[p]),
                MatrixShare.of(batch, out, ds[p]), id("dw"))), MatrixShare.transposeOf(batch, in, x),
                MatrixShare.of(batch, out, dz));
        // dX = dZ W^T (128 x 784)
        check(pair.both((s, ctx, p) -> new SecureMatMul(s, ctx).multiply(MatrixShare.of(batch, out, ds[p]),
                MatrixShare.transposeOf(in, out, ws[p]), id("dx"))), MatrixShare.of(batch, out, dz),
                MatrixShare.transposeOf(in, out, w));
    }

    static void check(org.securetrain.runtime.TwoPartyRunner.Results<long[], long[]> res, MatrixShare a, MatrixShare b) {
        long[] want = new long[a.rows() * b.cols()];
        SecureMatMul.localProduct(a.view(), b.view(), org.securetrain.crypto.he.MatrixView.of(want, a.rows(), b.cols()));
        long[] got = new long[want.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = res.party0()[i] + res.party1()[i];
        }
        assertArrayEquals(want, got);
    }

    private static ProtocolId id(String name) {
        return ProtocolId.parse(name);
    }
}
