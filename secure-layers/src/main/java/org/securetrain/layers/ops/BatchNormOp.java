package org.securetrain.layers.ops;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.securetrain.layermath.BatchNormKernel;
import org.securetrain.layermath.ParameterShare;
import org.securetrain.layers.core.LayerCore;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * DL4J's {@link BatchNormalization} on a {@link BatchNormKernel}: input [batch, C] (dense) or [batch, C, H, W] /
 * [batch, H, W, C] (the configuration's {@code cnn2DFormat}). Parameters by DL4J's keys: "gamma" and "beta" (trained
 * by the configured updater; absent with {@code lockGammaBeta}), "mean" and "var" or "log10stdev" (DL4J's default
 * {@code useLogStd}), which the kernel moves itself after each backward as DL4J's updater does. The kernel keeps the
 * variance in both cases; DL4J's log10 of the standard deviation, 0.5 log10(var), is formed on revealed values only.
 */
public final class BatchNormOp extends SecureOp {
    static final String GAMMA = "gamma";
    static final String BETA = "beta";
    static final String MEAN = "mean";
    static final String VAR = "var";
    static final String LOG_STD = "log10stdev";

    private final BatchNormalization conf;
    private BatchNormKernel kernel;

    public BatchNormOp(BatchNormalization conf) {
        super("bnorm", Layer.Type.NORMALIZATION);
        this.conf = conf;
    }

    /** The variance's key in DL4J's parameter table. */
    private String varianceKey() {
        return conf.isUseLogStd() ? LOG_STD : VAR;
    }

    @Override
    public Map<String, ParameterShare> initParameters(String name, Map<String, long[]> initialShares) {
        int c = LayerCore.intSize(conf.getNOut(), "nOut (channels)", name);
        BatchNormKernel.Locked locked = conf.isLockGammaBeta()
                ? new BatchNormKernel.Locked(conf.getGamma(), conf.getBeta()) : null;
        kernel = new BatchNormKernel(name, c, conf.getEps(), conf.getDecay(), locked, initialShares.get(GAMMA),
                initialShares.get(BETA), required(initialShares, MEAN, name), required(initialShares, varianceKey(),
                        name));
        Map<String, ParameterShare> live = new LinkedHashMap<>();
        if (locked == null) {
            live.put(GAMMA, kernel.gamma());
            live.put(BETA, kernel.beta());
        }
        live.put(MEAN, kernel.runningMean());
        live.put(varianceKey(), kernel.runningVar());
        return live;
    }

    private static long[] required(Map<String, long[]> m, String key, String name) {
        long[] v = m.get(key);
        if (v == null) {
            throw new IllegalStateException(name + ": DL4J gave no parameter '" + key + "' (has " + m.keySet() + ")");
        }
        return v;
    }

    /** The running estimates are moved by the layer itself (DL4J's NoOp "gradient" update), not by the updater. */
    @Override
    public boolean trainedByUpdater(String key) {
        return GAMMA.equals(key) || BETA.equals(key);
    }

    /** log10stdev = 0.5 log10(var); a variance rounded to 0 or below shows as that of one ulp. */
    @Override
    public double[] toDl4j(String key, double[] kept) {
        return mapLogStd(key, kept, var -> 0.5 * Math.log10(Math.max(var, Double.MIN_NORMAL)));
    }

    /** var = 10^(2 log10stdev) (DL4J's initial log10stdev is 0: var 1). */
    @Override
    public double[] fromDl4j(String key, double[] dl4j) {
        return mapLogStd(key, dl4j, logStd -> Math.pow(10, 2 * logStd));
    }

    /** {@code f} applied to each value of DL4J's "log10stdev" when the layer keeps it; any other key as it is. */
    private double[] mapLogStd(String key, double[] values, DoubleUnaryOperator f) {
        if (!LOG_STD.equals(key) || !conf.isUseLogStd()) {
            return values;
        }
        return Arrays.stream(values).map(f).toArray();
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor x) {
        long[] y = kernel.forward(s.be(), x.values(), layout(s, x.shape()), s.training());
        return SharedTensor.of(y, x.shape());
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dy) {
        long[] dx = kernel.backward(s.be(), dy.values(), s.needInputGradient());
        return dx == null ? null : SharedTensor.of(dx, dy.shape());
    }

    /** Where the channels are, as DL4J reads the input: [batch, C], or rank 4 in the configured format. */
    private BatchNormKernel.Layout layout(OpStep s, long[] shape) {
        int c = kernel.channels();
        if (shape.length == 2 && shape[1] == c) {
            return new BatchNormKernel.Layout(s.intSize(shape[0], "batch size"), c, 1, true);
        }
        if (shape.length == 4) {
            boolean nhwc = conf.getCnn2DFormat() == CNN2DFormat.NHWC;
            long ch = shape[nhwc ? 3 : 1];
            long spatial = nhwc ? shape[1] * shape[2] : shape[2] * shape[3];
            if (ch == c) {
                return new BatchNormKernel.Layout(s.intSize(shape[0], "batch size"), c, s.intSize(spatial,
                        "positions per channel"), nhwc);
            }
        }
        throw s.badInput("[batch, " + c + "] or a rank-4 " + conf.getCnn2DFormat() + " input with " + c
                + " channels (recurrent input to batch normalisation is not supported)", shape);
    }
}
