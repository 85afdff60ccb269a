package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * SUM and AVG pooling on NCHW shares (DL4J's {@code SubsamplingLayer}): every window's sum is local (a linear map of
 * the share); AVG multiplies each sum by the public 1/count of its window (k, or with DL4J's default
 * {@code avgPoolIncludePadInDivisor = false} the number of taps inside the input) as a fixed-point constant and
 * truncates once (faithful: at most one ulp). Backward spreads dY (times the same 1/count for AVG) over each window
 * (col2im). No comparison, no product of secrets.
 */
public final class SumPoolKernel {
    private final String name;
    private final ProtocolId id;
    private final PoolWindow win;
    private final int top, bottom, left, right;
    private final boolean average;
    private final boolean padInDivisor;
    private int batch;

    /**
     * @param top,bottom,left,right zero padding on each side (DL4J's symmetric padding, or Same mode's, which puts
     *                              the odd cell after)
     * @param padInDivisor          AVG divides by k (true) or by the taps inside the input (false, DL4J's default)
     */
    public SumPoolKernel(String name, int channels, int height, int width, int kh, int kw, int sh, int sw, int top,
            int bottom, int left, int right, boolean average, boolean padInDivisor) {
        new Im2col.Geometry(1, 1, height + top + bottom, width + left + right, 1, kh, kw, sh, sw, 0, 0); // validates
        if (channels < 1) {
            throw new IllegalArgumentException(name + ": channels must be positive, got " + channels);
        }
        this.name = name;
        this.id = ProtocolId.parse(name);
        this.win = new PoolWindow(channels, height, width, kh, kw, sh, sw);
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
        this.average = average;
        this.padInDivisor = padInDivisor;
    }

    /**
     * Each (image, channel) plane of the padded input as its own one-channel image: the column matrix is
     * [kh*kw, planes*oh*ow].
     */
    private Im2col.Geometry geometry(int b) {
        return new Im2col.Geometry(b * win.channels(), 1, win.height() + top + bottom, win.width() + left + right, 1,
                win.kh(), win.kw(), win.sh(), win.sw(), 0, 0);
    }

    private boolean padded() {
        return top + bottom + left + right > 0;
    }

    public int outHeight() {
        return geometry(1).outH();
    }

    public int outWidth() {
        return geometry(1).outW();
    }

    /** [batch, C, H, W] (scale f) -&gt; [batch, C, outH, outW] (scale f). */
    public long[] forward(Backend be, long[] x, int batch) {
        Im2col.Geometry g = geometry(batch);
        long[] xp = padded()
                ? Padding.pad(x, batch, win.channels(), win.height(), win.width(), top, bottom, left, right, 0)
                : x;
        long[] cols = Im2col.im2col(xp, g);
        int k = win.taps();
        int p = g.positions();
        long[] sums = new long[p];
        for (int r = 0; r < k; r++) {
            for (int q = 0; q < p; q++) {
                sums[q] += cols[r * p + q];
            }
        }
        this.batch = batch;
        return average ? divide(be, sums, g, id.child("avg")) : sums;
    }

    /** dL/dY [batch, C, outH, outW] -&gt; dL/dX [batch, C, H, W] (scale f). */
    public long[] backward(Backend be, long[] dy) {
        if (batch == 0) {
            throw new IllegalStateException(name + ": backward before forward");
        }
        Im2col.Geometry g = geometry(batch);
        int p = g.positions();
        if (dy.length != p) {
            throw new IllegalArgumentException(name + ": output gradient has " + dy.length + " elements, expected " + p);
        }
        long[] d = average ? divide(be, dy, g, id.child("davg")) : dy;
        int k = win.taps();
        long[] cols = new long[k * p];
        for (int r = 0; r < k; r++) {
            System.arraycopy(d, 0, cols, r * p, p);
        }
        long[] dx = Im2col.col2im(cols, g);
        return padded() ? Padding.crop(dx, batch, win.channels(), win.height(), win.width(), top, bottom, left, right)
                : dx;
    }

    /** v_q * (1 / count_q): round(2^f / count) per window, one batched faithful truncation by f. */
    private long[] divide(Backend be, long[] v, Im2col.Geometry g, ProtocolId pid) {
        int f = be.fixedPoint().fracBits();
        int oh = g.outH();
        int ow = g.outW();
        long[] perPosition = new long[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int count = padInDivisor ? win.taps()
                        : taps(y * win.sh() - top, win.kh(), win.height())
                                * taps(x * win.sw() - left, win.kw(), win.width());
                perPosition[y * ow + x] = Math.round(Math.scalb(1.0, f) / count);
            }
        }
        long[] scaled = new long[v.length];
        for (int q = 0; q < v.length; q++) {
            scaled[q] = v[q] * perPosition[q % perPosition.length];
        }
        return be.truncate(scaled, f, pid);
    }

    /** Taps of a window starting at {@code start} (may be negative: padding) with {@code k} taps inside [0, n). */
    private static int taps(int start, int k, int n) {
        return Math.max(0, Math.min(n, start + k) - Math.max(0, start));
    }
}
