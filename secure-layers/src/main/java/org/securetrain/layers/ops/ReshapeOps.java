package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.securetrain.layermath.Padding;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * The parameter-free reshaping layers: local linear maps of each party's share, exact, no communication
 * (DL4J's {@code ZeroPaddingLayer} and {@code Upsampling2D}, NCHW).
 */
public final class ReshapeOps {
    private ReshapeOps() {
    }

    /**
     * A local linear map of an NCHW share: forward checks the input and keeps its shape ({@code in}) for
     * backward, which applies the transposed map unless nobody needs the input gradient.
     */
    private abstract static class NchwMap extends SecureOp {
        /** The shape of the last forward's input. */
        long[] in;

        NchwMap(String name, Layer.Type type) {
            super(name, type);
        }

        @Override
        public final SharedTensor forward(OpStep s, SharedTensor x) {
            Windows.requireNchw(s, x);
            in = x.shape();
            return map(x);
        }

        @Override
        public final SharedTensor backward(OpStep s, SharedTensor dy) {
            return s.needInputGradient() ? transposed(dy) : null;
        }

        abstract SharedTensor map(SharedTensor x);

        /** dL/dx from dL/dy: the transposed map, into the shape {@code in} with dy's batch. */
        abstract SharedTensor transposed(SharedTensor dy);
    }

    /** Zero padding {top, bottom, left, right}; backward crops. */
    public static SecureOp zeroPadding(int[] padding) {
        int[] p = padding.clone();
        return new NchwMap("zeropad", Layer.Type.CONVOLUTIONAL) {
            @Override
            SharedTensor map(SharedTensor x) {
                long[] v = Padding.pad(x.values(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), p[0], p[1], p[2], p[3], 0);
                return new SharedTensor(v, new long[] {in[0], in[1], in[2] + p[0] + p[1], in[3] + p[2] + p[3]},
                        x.kind());
            }

            @Override
            SharedTensor transposed(SharedTensor dy) {
                return new SharedTensor(Padding.crop(dy.values(), dy.dim(0), (int) in[1], (int) in[2], (int) in[3], p[0],
                        p[1], p[2], p[3]), new long[] {dy.shape()[0], in[1], in[2], in[3]}, dy.kind());
            }
        };
    }

    /** Nearest-neighbour upsampling by {sh, sw}: each input cell repeated; backward sums each block. */
    public static SecureOp upsampling2d(int[] size) {
        int sh = size[0];
        int sw = size.length > 1 ? size[1] : size[0];
        return new NchwMap("upsample", Layer.Type.UPSAMPLING) {
            @Override
            SharedTensor map(SharedTensor x) {
                int planes = x.dim(0) * x.dim(1);
                int h = x.dim(2);
                int w = x.dim(3);
                long[] v = x.values();
                long[] y = new long[planes * h * sh * w * sw];
                for (int p = 0; p < planes; p++) {
                    for (int i = 0; i < h * sh; i++) {
                        for (int j = 0; j < w * sw; j++) {
                            y[(p * h * sh + i) * w * sw + j] = v[(p * h + i / sh) * w + j / sw];
                        }
                    }
                }
                return new SharedTensor(y, new long[] {in[0], in[1], (long) h * sh, (long) w * sw}, x.kind());
            }

            @Override
            SharedTensor transposed(SharedTensor dy) {
                int planes = dy.dim(0) * (int) in[1];
                int h = (int) in[2];
                int w = (int) in[3];
                long[] d = dy.values();
                long[] dx = new long[planes * h * w];
                for (int p = 0; p < planes; p++) {
                    for (int i = 0; i < h * sh; i++) {
                        for (int j = 0; j < w * sw; j++) {
                            dx[(p * h + i / sh) * w + j / sw] += d[(p * h * sh + i) * w * sw + j];
                        }
                    }
                }
                return new SharedTensor(dx, new long[] {dy.shape()[0], in[1], in[2], in[3]}, dy.kind());
            }
        };
    }
}
