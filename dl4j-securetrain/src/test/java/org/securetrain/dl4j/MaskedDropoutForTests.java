package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.layers.core.DropoutMasks;

/**
 * TEST ONLY: DL4J's inverted dropout (output = input * mask, mask in {0, 1/p}, the same mask for the gradient) with
 * the secure layers' mask derivation ({@link DropoutMasks}) instead of ND4J's random generator, so that plaintext DL4J
 * can be run with the very masks of a secure run (its joint seed) and compared step by step.
 */
public class MaskedDropoutForTests implements IDropout {
    private final double p;
    private final byte[] seed;
    private final int layerIndex;
    private INDArray mask;

    public MaskedDropoutForTests(double p, byte[] seed, int layerIndex) {
        this.p = p;
        this.seed = seed.clone();
        this.layerIndex = layerIndex;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray output, int iteration, int epoch,
            LayerWorkspaceMgr workspaceMgr) {
        double[] m = DropoutMasks.multipliers(seed, layerIndex, iteration, epoch, p, (int) input.length());
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            mask = Nd4j.create(m, input.shape(), 'c').castTo(input.dataType()); // detached: kept for backprop
        }
        return output.assign(input.mul(mask));
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        return gradAtInput.assign(gradAtOutput.mul(mask));
    }

    @Override
    public void clear() {
        mask = null;
    }

    @Override
    public IDropout clone() {
        return new MaskedDropoutForTests(p, seed, layerIndex);
    }
}
