package org.securetrain.protocols;

import org.securetrain.layermath.Im2col;

import org.securetrain.crypto.he.HeContext;
import org.securetrain.runtime.Session;

/**
 * Secure 2-D convolution on additive shares via im2col and {@link SecureMatMul} (the direct polynomial
 * encoding of convolution is the later performance upgrade, DESIGN.md 4.2):
 * <pre>
 *   forward:  Y_mat  = W_mat (outC x K) * cols (K x P)            -> NCHW
 *   backward: dW_mat = dY_mat (outC x P) * cols^T (P x K)
 *             dcols  = W_mat^T (K x outC) * dY_mat (outC x P)     -> col2im -> dX (NCHW)
 * </pre>
 * cols^T and W_mat^T are read through transposition flags, not copied. Outputs are fresh shares at
 * the scale of the factors' product (no truncation). Zero flags mark a share known to be zero (input
 * held in the clear by the other party, or weights (W, 0)): the corresponding cross terms are skipped.
 */
public final class SecureConv2d {
    private SecureConv2d() {
    }

    /** Weight and input gradients (dX is null when not requested). */
    public record Gradients(long[] dW, long[] dX) {
    }

    /** This party's share of conv(x, w), NCHW [batch, outC, outH, outW]. x is null iff xZero, w null iff wZero. */
    public static long[] forward(Session s, HeContext ctx, Im2col.Geometry g, long[] x, boolean xZero, long[] w,
            boolean wZero, String purpose) {
        int k = g.patchSize();
        int p = g.positions();
        MatrixShare cols = xZero ? MatrixShare.zero(k, p) : MatrixShare.of(k, p, Im2col.im2col(x, g));
        MatrixShare wMat = wZero ? MatrixShare.zero(g.outC(), k) : MatrixShare.of(g.outC(), k, checked(w, g));
        long[] y = SecureMatMul.multiply(s, ctx, wMat, cols, purpose + ".fwd");
        return Im2col.matToNchw(y, g);
    }

    /**
     * Shares of dW ([outC, inC, kh, kw]) and, if {@code inputGradient}, dX (NCHW like x) from the shares
     * of x, w and dY (NCHW like the forward output).
     */
    public static Gradients backward(Session s, HeContext ctx, Im2col.Geometry g, long[] x, boolean xZero, long[] w,
            boolean wZero, long[] dY, boolean dYZero, boolean inputGradient, String purpose) {
        int k = g.patchSize();
        int p = g.positions();
        MatrixShare dYMat = dYZero ? MatrixShare.zero(g.outC(), p) : MatrixShare.of(g.outC(), p, Im2col.nchwToMat(dY, g));
        MatrixShare colsT = xZero ? MatrixShare.zero(p, k) : MatrixShare.transposeOf(k, p, Im2col.im2col(x, g));
        long[] dW = SecureMatMul.multiply(s, ctx, dYMat, colsT, purpose + ".dw");
        long[] dX = null;
        if (inputGradient) {
            MatrixShare wT = wZero ? MatrixShare.zero(k, g.outC()) : MatrixShare.transposeOf(g.outC(), k, checked(w, g));
            long[] dCols = SecureMatMul.multiply(s, ctx, wT, dYMat, purpose + ".dx");
            dX = Im2col.col2im(dCols, g);
        }
        return new Gradients(dW, dX);
    }

    private static long[] checked(long[] w, Im2col.Geometry g) {
        if (w == null || w.length != g.weightLength()) {
            throw new IllegalArgumentException("weights have length " + (w == null ? "null" : w.length) + ", " + g
                    + " needs " + g.weightLength());
        }
        return w;
    }
}
