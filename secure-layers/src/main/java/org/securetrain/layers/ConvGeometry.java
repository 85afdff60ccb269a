package org.securetrain.layers;

/**
 * Shape of a 2-D convolution in DL4J's layout: input [batch, inChannels, height, width] (NCHW), weights
 * [outChannels, inChannels, kh, kw], output [batch, outChannels, outHeight, outWidth], zero padding,
 * Truncate mode (the output size rounds down).
 */
public record ConvGeometry(int inChannels, int height, int width, int outChannels, int kh, int kw, int sh, int sw,
        int ph, int pw) {

    public ConvGeometry {
        if (inChannels < 1 || outChannels < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0
                || height + 2 * ph < kh || width + 2 * pw < kw) {
            throw new IllegalArgumentException("invalid convolution: input " + inChannels + "x" + height + "x" + width
                    + ", " + outChannels + " filters " + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding "
                    + ph + "x" + pw);
        }
    }

    public int outHeight() {
        return (height + 2 * ph - kh) / sh + 1;
    }

    public int outWidth() {
        return (width + 2 * pw - kw) / sw + 1;
    }

    public int weightCount() {
        return outChannels * inChannels * kh * kw;
    }
}
