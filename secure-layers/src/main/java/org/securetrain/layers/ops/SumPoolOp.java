package org.securetrain.layers.ops;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.securetrain.layermath.SumPoolKernel;
import org.securetrain.layers.core.OpStep;
import org.securetrain.layers.core.SecureOp;
import org.securetrain.layers.core.SharedTensor;

/**
 * AVG and SUM pooling (NCHW, or 1-D on [batch, C, T]; Truncate, Strict or Same mode, padding) on a
 * {@link SumPoolKernel} built per input size: window sums are local, AVG multiplies by the public 1/count with one
 * faithful truncation (DL4J's divisor: {@code avgPoolIncludePadInDivisor}; Same mode pads as DL4J does). No
 * comparison.
 */
public final class SumPoolOp extends SecureOp {
    private final SubsamplingLayer conf;
    private final boolean oneD;
    private final Windows.KernelPerImage<SumPoolKernel> kernel = new Windows.KernelPerImage<>();

    public SumPoolOp(SubsamplingLayer conf, boolean oneD) {
        super(conf.getPoolingType() == PoolingType.AVG ? "avgpool" : "sumpool", Layer.Type.SUBSAMPLING);
        this.conf = conf;
        this.oneD = oneD;
    }

    @Override
    public SharedTensor forward(OpStep s, SharedTensor in) {
        Windows.View v = Windows.View.of(s, in, oneD, conf.getKernelSize(), conf.getStride(), conf.getPadding());
        SharedTensor x = v.x();
        boolean average = conf.getPoolingType() == PoolingType.AVG;
        SumPoolKernel pool = kernel.get(x.shape(), i -> {
            int[] p = Windows.explicitPadding(s, conf.getConvolutionMode(), i, v.kernel(), v.stride(), v.padding());
            p = p == null ? new int[4] : p;
            return new SumPoolKernel(s.name(), (int) i[1], (int) i[2], (int) i[3], v.kernel()[0], v.kernel()[1],
                    v.stride()[0], v.stride()[1], p[0], p[1], p[2], p[3], average,
                    conf.isAvgPoolIncludePadInDivisor());
        });
        int batch = x.dim(0);
        SharedTensor out = SharedTensor.of(pool.forward(s.be(), x.values(), batch), batch, x.shape()[1],
                pool.outHeight(), pool.outWidth());
        return oneD ? Windows.nchwAsNcw(out) : out;
    }

    @Override
    public SharedTensor backward(OpStep s, SharedTensor dyIn) {
        if (!s.needInputGradient()) {
            return null;
        }
        SharedTensor dy = oneD ? Windows.ncwAsNchw(s, dyIn) : dyIn;
        SharedTensor out = SharedTensor.of(kernel.current(s).backward(s.be(), dy.values()),
                kernel.inputShape(dy.dim(0)));
        return oneD ? Windows.nchwAsNcw(out) : out;
    }
}
