package org.securetrain.kernels;

/**
 * 2-D max pooling on shares, NCHW layout like DL4J's SubsamplingLayer (no padding, truncate mode).
 * Gathering windows and scattering gradients are local linear maps on shares; the max and its one-hot
 * argmax come from the backend (a garbled max tree, DESIGN.md 4.5). The argmax bits are kept, so the
 * backward pass routes delta with a bit-times-share product and no comparison.
 */
public final class MaxPoolKernel {
    private final String name;
    private final int channels, height, width, kh, kw, sh, sw, outH, outW;
    private long[] argmaxBits;
    private int batch = -1;

    public MaxPoolKernel(String name, int channels, int height, int width, int kh, int kw, int sh, int sw) {
        if (channels < 1 || height < kh || width < kw || kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw new IllegalArgumentException(name + ": invalid pooling " + kh + "x" + kw + " stride " + sh + "x" + sw
                    + " over " + channels + "x" + height + "x" + width);
        }
        this.name = name;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.outH = (height - kh) / sh + 1;
        this.outW = (width - kw) / sw + 1;
    }

    public int outHeight() {
        return outH;
    }

    public int outWidth() {
        return outW;
    }

    public int outSize() {
        return channels * outH * outW;
    }

    /** For each window (batch, channel, row, column order) and each of its k positions, the input index. */
    private int[] windowIndex(int batch) {
        int k = kh * kw;
        int[] index = new int[batch * outSize() * k];
        int o = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int plane = (b * channels + c) * height * width;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        for (int dy = 0; dy < kh; dy++) {
                            int row = plane + (oy * sh + dy) * width + ox * sw;
                            for (int dx = 0; dx < kw; dx++) {
                                index[o++] = row + dx;
                            }
                        }
                    }
                }
            }
        }
        return index;
    }

    /** [batch, C, H, W] share (scale f) -> [batch, C, outH, outW] share of the window maxima. */
    public long[] forward(Backend be, long[] x, int batch) {
        int inSize = channels * height * width;
        if (x.length != (long) batch * inSize) {
            throw new IllegalArgumentException(name + ": input has " + x.length + " elements, expected " + batch + "x"
                    + channels + "x" + height + "x" + width);
        }
        int[] index = windowIndex(batch);
        long[] gathered = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            gathered[i] = x[index[i]];
        }
        Backend.MaxOutput m = be.maxWithArgmax(gathered, kh * kw, name + ".max");
        this.argmaxBits = m.argmaxBits();
        this.batch = batch;
        return m.max();
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
        int k = kh * kw;
        long[] spread = new long[dOut.length * k];
        for (int i = 0; i < dOut.length; i++) {
            java.util.Arrays.fill(spread, i * k, i * k + k, dOut[i]);
        }
        long[] routed = be.bitTimesShare(argmaxBits, spread, name + ".route");
        int[] index = windowIndex(batch);
        long[] dIn = new long[batch * channels * height * width];
        for (int i = 0; i < index.length; i++) {
            dIn[index[i]] += routed[i]; // overlapping windows accumulate
        }
        argmaxBits = null;
        return dIn;
    }
}
