package org.securetrain.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/** What the secure global pooling, zero padding and upsampling layers support (null) or why not. */
public final class SecureReshaping {
    private SecureReshaping() {
    }

    public static String whyUnsupported(GlobalPoolingLayer g) {
        PoolingType t = g.getPoolingType();
        if (t != PoolingType.MAX && t != PoolingType.AVG && t != PoolingType.SUM) {
            return "global pooling type " + t + " is not supported (MAX, AVG, SUM)";
        }
        int[] dims = g.getPoolingDimensions();
        if (dims != null && !Arrays.equals(dims, new int[] {2, 3}) && !Arrays.equals(dims, new int[] {2})) {
            return "global pooling over dimensions " + Arrays.toString(dims) + " is not supported (the spatial or "
                    + "time dimensions: [2, 3] or [2])";
        }
        return null;
    }

    public static String whyUnsupported(ZeroPaddingLayer z) {
        if (z.getDataFormat() != null && z.getDataFormat() != CNN2DFormat.NCHW) {
            return "data format " + z.getDataFormat() + " is not supported (NCHW only)";
        }
        return null;
    }

    public static String whyUnsupported(Upsampling2D u) {
        if (u.getFormat() != null && u.getFormat() != CNN2DFormat.NCHW) {
            return "data format " + u.getFormat() + " is not supported (NCHW only)";
        }
        return null;
    }
}
