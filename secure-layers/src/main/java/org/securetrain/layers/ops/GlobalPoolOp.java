package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.securetrain.backend.Backend;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * DL4J's {@code GlobalPoolingLayer} on [batch, C, H, W] or [batch, C, T] shares: each (example, channel) plane is one
 * window (contiguous in DL4J's layout). MAX: {@link Backend#maxWithArgmax} over the window, backward routes dY through
 * the kept one-hot argmax (bit times share); AVG: the local sum times the public 1/k, one faithful truncation; SUM:
 * local. Output [batch, C] (or with the pooled dimensions kept as 1 when DL4J's {@code collapseDimensions} is false).
 */
public final class GlobalPoolOp extends SecureOp {
    private final PoolingType type;
    private final boolean collapse;
    private long[] inputShape;
    private long[] argmax;

    public GlobalPoolOp(PoolingType type, boolean collapse) {
        super("globalpool", Layer.Type.SUBSAMPLING);
        if (type != PoolingType.MAX && type != PoolingType.AVG && type != PoolingType.SUM) {
            throw new IllegalArgumentException("global pooling " + type + " is not supported (MAX, AVG, SUM)");
        }
        this.type = type;
        this.collapse = collapse;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        if (x.rank() != 3 && x.rank() != 4) {
            throw s.badInput("[batch, C, T] or [batch, C, H, W]", x.shape());
        }
        int planes = x.dim(0) * x.dim(1);
        int k = x.values().length / planes;
        long[] v = x.values();
        long[] y;
        if (type == PoolingType.MAX) {
            Backend.MaxOutput m = s.be().maxWithArgmax(v, k, s.purpose("max"));
            y = m.max();
            argmax = m.argmaxBits();
        } else {
            y = new long[planes];
            for (int p = 0; p < planes; p++) {
                long sum = 0;
                for (int i = p * k; i < (p + 1) * k; i++) {
                    sum += v[i];
                }
                y[p] = sum;
            }
            if (type == PoolingType.AVG) {
                y = overK(s, y, k, "avg");
            }
        }
        inputShape = x.shape();
        long[] shape = collapse ? new long[] {x.shape()[0], x.shape()[1]}
                : x.rank() == 4 ? new long[] {x.shape()[0], x.shape()[1], 1, 1} : new long[] {x.shape()[0], x.shape()[1], 1};
        return SharedTensor.of(y, shape);
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        if (!s.needInputGradient()) {
            return null;
        }
        long[] inputShape = s.fromForward(this.inputShape);
        int planes = (int) (inputShape[0] * inputShape[1]);
        int n = 1;
        for (long d : inputShape) {
            n *= (int) d;
        }
        int k = n / planes;
        long[] d = type == PoolingType.AVG ? overK(s, dy.values(), k, "davg") : dy.values();
        long[] spread = new long[n];
        for (int p = 0; p < planes; p++) {
            java.util.Arrays.fill(spread, p * k, (p + 1) * k, d[p]);
        }
        if (type == PoolingType.MAX) {
            spread = s.be().bitTimesShare(argmax, spread, s.purpose("dmax"));
        }
        return SharedTensor.of(spread, inputShape);
    }

    /** v / k: round(2^f / k) and one faithful truncation by f. */
    private static long[] overK(OpStep s, long[] v, int k, String what) {
        int f = s.fracBits();
        long c = Math.round(Math.scalb(1.0, f) / k);
        long[] scaled = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            scaled[i] = v[i] * c;
        }
        return s.be().truncate(scaled, f, s.purpose(what));
    }
}
