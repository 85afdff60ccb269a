package org.securetrain.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * Adaptive updaters in training (issue 16): an MLP with tanh hidden layers trained with Adam against plaintext DL4J on
 * the same seed and batches, with the bounds of the other parity tests, on the insecure reference backend (every
 * adaptive updater, with L2 and weight decay for Adam) and with the real two-party protocols (Adam, AdaDelta).
 */
@Timeout(600)
class AdaptiveUpdatersTrainingTest {

    static MultiLayerConfiguration tanhMlp(IUpdater u, long seed, int features) {
        return CoverageReferenceTest.base(u, seed).list()
                .layer(new DenseLayer.Builder().nIn(features).nOut(16).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    @Test
    void everyAdaptiveUpdaterMatchesDl4jOnTheReference() {
        for (IUpdater u : new IUpdater[] {new Adam(1e-2), new Nadam(1e-2), new AMSGrad(1e-2), new AdaMax(1e-2),
                new AdaGrad(0.05), new RmsProp(1e-2), new AdaDelta()}) {
            CoverageReferenceTest.check("tanh MLP with " + u.getClass().getSimpleName() + ", reference backend",
                    Parity.reference(tanhMlp(u, 31, 12), CoverageReferenceTest.classes(12, 3, 37), 2));
        }
    }

    @Test
    void adamWithL2AndWeightDecayMatchesDl4jOnTheReference() {
        MultiLayerConfiguration conf = CoverageReferenceTest.base(new Adam(5e-3), 41).l2(1e-3).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.TANH).weightDecay(1e-2).build())
                .layer(new OutputLayer.Builder(CoverageReferenceTest.LossFunctionsShort.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        CoverageReferenceTest.check("tanh MLP with Adam, L2 and weight decay, reference backend",
                Parity.reference(conf, CoverageReferenceTest.classes(12, 3, 43), 2));
    }

    @Test
    void tanhAdaDeltaMlpMatchesDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = tanhMlp(new AdaDelta(), 59, n);
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf,
                Parity.batches(61, 24, 8, new long[] {0, n}, Parity.linearClasses(3, 62)), 1);
        CoverageReferenceTest.check("two-party tanh MLP with AdaDelta", r);
    }

    @Test
    void tanhAdamMlpMatchesDl4jWithTheRealProtocols() {
        int n = 6;
        MultiLayerConfiguration conf = tanhMlp(new Adam(1e-2), 47, n);
        Parity.Result r = Parity.twoParty(TwoPartyHarness.backendFactory(Parity.F), conf,
                Parity.batches(53, 24, 8, new long[] {0, n}, Parity.linearClasses(3, 54)), 1);
        CoverageReferenceTest.check("two-party tanh MLP with Adam", r);
    }
}
