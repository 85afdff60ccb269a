package org.securetrain.layers;

/**
 * Where {@link SecureConvolutionLayer} gets its kernel: the production
 * {@link org.securetrain.layermath.Conv2dKernel} unless another factory is installed (tests, experiments).
 */
public final class ConvKernels {
    private static volatile ConvKernelFactory installed;

    private ConvKernels() {
    }

    /** Installs {@code f} (null restores the default); returns the previously installed one (or null). */
    public static ConvKernelFactory install(ConvKernelFactory f) {
        ConvKernelFactory prev = installed;
        installed = f;
        return prev;
    }

    public static ConvKernelFactory factory() {
        ConvKernelFactory f = installed;
        return f != null ? f : Conv2dKernelAdapter.FACTORY;
    }
}
