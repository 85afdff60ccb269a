package org.securetrain.layers;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where {@link SecureConvolutionLayer} gets its kernel: an explicitly installed factory, else the first
 * {@link ConvKernelFactory} service on the class path, else none (convolution not yet supported).
 */
public final class ConvKernels {
    private static volatile ConvKernelFactory installed;

    private ConvKernels() {
    }

    /** Installs {@code f} (null removes it); returns the previous one. */
    public static ConvKernelFactory install(ConvKernelFactory f) {
        ConvKernelFactory prev = installed;
        installed = f;
        return prev;
    }

    public static Optional<ConvKernelFactory> factory() {
        ConvKernelFactory f = installed;
        if (f != null) {
            return Optional.of(f);
        }
        return ServiceLoader.load(ConvKernelFactory.class).findFirst();
    }

    /** The message every refusal of a secure convolution uses while no kernel is available. */
    public static String notYetSupported() {
        return "secure convolution is not yet supported: no convolution kernel (ConvKernelFactory) is available; "
                + "the im2col kernel over the secure product is pending in org.securetrain.kernels";
    }
}
