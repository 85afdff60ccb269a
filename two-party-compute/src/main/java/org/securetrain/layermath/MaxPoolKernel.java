package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * 2-D max pooling on shares, NCHW layout like DL4J's SubsamplingLayer (no padding, truncate mode).
 * Gathering windows and scattering gradients are local linear maps on shares; the max and its one-hot
 * argmax come from the backend (a garbled max tree, DESIGN.md 4.5). The argmax bits are kept, so the
 * backward pass routes delta with a bit-times-share product and no comparison.
 *
 * <p><b>ReLU after max-pool.</b> Built with {@code reluAfter}, the kernel takes the raw convolution output z
 * (scale 2f, before ReLU and truncation) and returns y = relu(max_w z) truncated to scale f: the max tree
 * runs on z, then the exact garbled ReLU + truncation ({@link Backend#reluTruncate}) runs on the window maxima
 * only (k times fewer elements than a ReLU on every convolution output). Forward this is exactly the
 * conv(ReLU) -> max-pool result: g(z) = [z > 0] * floor(z / 2^f) is monotone non-decreasing, so
 * max_w g(z) = g(max_w z) bit for bit (the max and g are both exact; nothing is rounded before g).
 * Backward: delta_w times the ReLU bit [max_w z > 0], then routed to the first argmax of z. The unfused
 * order gives relu'(z_e) * delta_w at the first argmax e of g(z). They agree whenever the window's maximum
 * g is positive and its argmax is unique in g; they differ only where truncation ties values that z tells
 * apart (g equal, z different: the fused order routes to the true largest z, as float DL4J would, the
 * unfused one to the first of the tied positions) or where max_w z is in (0, 2^f) (g all 0: fused routes
 * delta to the largest z, unfused to position 0 times [z_0 > 0]). Both are sub-ulp artefacts of
 * fixed point; when max_w z <= 0 both give 0.
 */
public final class MaxPoolKernel {
    private final String name;
    /** The protocol id its two-party calls are named under (the name, validated). */
    private final ProtocolId id;
    private final PoolWindow win;
    private final int outH, outW;
    private final boolean reluAfter;
    private long[] argmaxBits;
    private long[] reluBits;
    private int batch = -1;

    public MaxPoolKernel(String name, int channels, int height, int width, int kh, int kw, int sh, int sw) {
        this(name, channels, height, width, kh, kw, sh, sw, false);
    }

    /**
     * @param reluAfter true: input is the raw conv output (scale 2f) and ReLU + truncation to scale f run on
     *                  the pooled values (see the class comment); false: plain max pooling at any scale
     */
    public MaxPoolKernel(String name, int channels, int height, int width, int kh, int kw, int sh, int sw,
            boolean reluAfter) {
        if (channels < 1 || height < kh || width < kw || kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw new IllegalArgumentException(name + ": invalid pooling " + kh + "x" + kw + " stride " + sh + "x" + sw
                    + " over " + channels + "x" + height + "x" + width);
        }
        this.name = name;
        this.id = ProtocolId.parse(name);
        this.win = new PoolWindow(channels, height, width, kh, kw, sh, sw);
        this.outH = (height - kh) / sh + 1;
        this.outW = (width - kw) / sw + 1;
        this.reluAfter = reluAfter;
    }

    /** Whether ReLU + truncation run after the max (the fused conv(ReLU) -> max-pool order). */
    public boolean reluAfter() {
        return reluAfter;
    }

    public int outHeight() {
        return outH;
    }

    public int outWidth() {
        return outW;
    }

    public int outSize() {
        return win.channels() * outH * outW;
    }

    /** For each window (batch, channel, row, column order) and each of its k positions, the input index. */
    private int[] windowIndex(int batch) {
        int k = win.taps();
        int[] index = new int[batch * outSize() * k];
        int o = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < win.channels(); c++) {
                int plane = (b * win.channels() + c) * win.height() * win.width();
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        for (int dy = 0; dy < win.kh(); dy++) {
                            int row = plane + (oy * win.sh() + dy) * win.width() + ox * win.sw();
                            for (int dx = 0; dx < win.kw(); dx++) {
                                index[o++] = row + dx;
                            }
                        }
                    }
                }
            }
        }
        return index;
    }

    /**
     * [batch, C, H, W] share (scale f) -> [batch, C, outH, outW] share of the window maxima; with
     * {@code reluAfter}, [batch, C, H, W] at scale 2f -> relu(maxima) truncated to scale f.
     */
    public long[] forward(Backend be, long[] x, int batch) {
        int inSize = win.channels() * win.height() * win.width();
        if (x.length != (long) batch * inSize) {
            throw new IllegalArgumentException(name + ": input has " + x.length + " elements, expected " + batch + "x"
                    + win.channels() + "x" + win.height() + "x" + win.width());
        }
        int[] index = windowIndex(batch);
        long[] gathered = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            gathered[i] = x[index[i]];
        }
        Backend.MaxOutput m = be.maxWithArgmax(gathered, win.taps(), id.child("max"));
        this.argmaxBits = m.argmaxBits();
        this.batch = batch;
        if (!reluAfter) {
            reluBits = null;
            return m.max();
        }
        Backend.ReluOutput r = be.reluTruncate(m.max(), id.child("relu"));
        reluBits = r.bits();
        return r.y();
    }

    /** dL/dOut [batch, C, outH, outW] share -> dL/dIn [batch, C, H, W] share, routed through the argmax bits. */
    public long[] backward(Backend be, long[] dOut) {
        if (argmaxBits == null) {
            throw new IllegalStateException(name + ": backward before forward");
        }
        if (dOut.length != (long) batch * outSize()) {
            throw new IllegalArgumentException(name + ": output gradient has " + dOut.length + " elements, expected "
                    + batch + "x" + outSize());
        }
        if (reluAfter) {
            dOut = be.bitTimesShare(reluBits, dOut, id.child("drelu")); // on the pooled size: k times smaller
        }
        int k = win.taps();
        long[] spread = new long[dOut.length * k];
        for (int i = 0; i < dOut.length; i++) {
            java.util.Arrays.fill(spread, i * k, i * k + k, dOut[i]);
        }
        long[] routed = be.bitTimesShare(argmaxBits, spread, id.child("route"));
        int[] index = windowIndex(batch);
        long[] dIn = new long[batch * win.channels() * win.height() * win.width()];
        for (int i = 0; i < index.length; i++) {
            dIn[index[i]] += routed[i]; // overlapping windows accumulate
        }
        argmaxBits = null;
        reluBits = null;
        return dIn;
    }
}
