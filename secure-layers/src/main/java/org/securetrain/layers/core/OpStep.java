package org.securetrain.layers.core;

import java.util.Arrays;
import org.securetrain.backend.Backend;
import org.securetrain.runtime.ProtocolId;

/**
 * What a {@link SecureOp} gets for one forward or backward call, from its {@link LayerCore}.
 *
 * @param be                the party's backend (every communicating call must happen at both parties in the same order)
 * @param protocol          this layer's protocol id, e.g. {@code layer2.conv}: the parent of every protocol it runs
 * @param id                this layer for messages, e.g. {@code "layer 2 (SecureConvolutionLayer 'c1')"}
 * @param takesNetworkInput the layer's input is the network's input (the data owner's features): nobody needs
 *                          its input gradient
 * @param training          a training pass (DL4J's {@code training} flag; e.g. dropout masks only then)
 * @param iteration         the network's iteration counter (public: schedules, per-step seeds)
 * @param epoch             the network's epoch counter
 * @param jointSeed         a seed both parties derived together for this session (public to both, independent of
 *                          every private value): per-step randomness such as dropout masks derives from it
 */
public record OpStep(Backend be, ProtocolId protocol, String id, boolean takesNetworkInput, boolean training,
        int iteration, int epoch, java.util.function.Supplier<byte[]> jointSeed) {

    /** A step without counters or joint seed (tests of ops that use neither). */
    public OpStep(Backend be, ProtocolId protocol, String id, boolean takesNetworkInput, boolean training) {
        this(be, protocol, id, takesNetworkInput, training, 0, 0, null);
    }

    /** The session's joint seed (see the record's description); an error if the context has none. */
    public byte[] seed() {
        byte[] s = jointSeed == null ? null : jointSeed.get();
        if (s == null) {
            throw new IllegalStateException(id + ": this context derives no joint seed (needed for dropout masks)");
        }
        return s;
    }

    /** Whether backward must return dL/dX: false for the layer that takes the network input. */
    public boolean needInputGradient() {
        return !takesNetworkInput;
    }

    /** The fixed-point fraction bits f. */
    public int fracBits() {
        return be.fixedPoint().fracBits();
    }

    /** This layer's protocol name, e.g. {@code "layer2.conv"}: the name its kernels are built with. */
    public String name() {
        return protocol.name();
    }

    /** The id of one of this layer's protocol calls: {@code layer2.conv.<suffix>}. */
    public ProtocolId purpose(String suffix) {
        return protocol.child(suffix);
    }

    /** Refuses an input whose shape the layer cannot take, naming the layer, what it expected and what came. */
    public IllegalArgumentException badInput(String expected, long[] got) {
        return new IllegalArgumentException(id + ": expected " + expected + ", got " + Arrays.toString(got));
    }

    /**
     * {@code state}, which the op's forward keeps for its backward; an error naming the layer when it is null (a
     * backward without a forward).
     */
    public <T> T fromForward(T state) {
        if (state == null) {
            throw new IllegalStateException(id + ": backward before forward");
        }
        return state;
    }

    /** {@code n} as an int size in [1, 2^31), else an error naming the layer and {@code what}. */
    public int intSize(long n, String what) {
        return LayerCore.intSize(n, what, id);
    }
}
