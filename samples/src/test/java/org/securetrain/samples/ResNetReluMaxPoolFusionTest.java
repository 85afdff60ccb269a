package org.securetrain.samples;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.launcher.LocalTlsParties;
import org.securetrain.launcher.PartyTraining;
import org.securetrain.layers.SecureLayer;
import org.securetrain.layers.ops.ConvolutionOp;
import org.securetrain.layers.ops.MaxPoolOp;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.Traffic;
import org.securetrain.runtime.TrafficStats;
import org.securetrain.runtime.link.LinkProfile;

/**
 * Measures the ReLU/max-pool fusion on the residual sample's graph ({@link FashionMnistResNet#resNet}): one training
 * step of 8 bundled Fashion-MNIST images over TLS, as attached (the stem convolution's ReLU runs after pool1) and with
 * the fusion switched off by hand; prints the bytes and rounds of the step at each party. Slow (two secure runs of the
 * 28x28 graph): {@code ./mvnw -B -q -o -pl samples -am test -Pslow -Dtest=ResNetReluMaxPoolFusionTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
@Timeout(1200)
class ResNetReluMaxPoolFusionTest {
    static final int F = 24;
    static final int BATCH = 8;

    record Step(Traffic traffic) {
    }

    @Test
    void fusionOnTheResNetGraphSendsLessPerStep() {
        ComputationGraphConfiguration conf = FashionMnistResNet.resNet(4, 32, 0.01, 7);
        DataSet train = FashionMnist.bundled(FashionMnist.Split.TRAIN, BATCH);
        LabelOwnerLeakage accepted = LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS;
        PartyTraining.oneNativeThread();
        Step[][] r = new Step[2][];
        for (int off = 0; off < 2; off++) {
            boolean unfuse = off == 1;
            var res = LocalTlsParties.run(conf, F, accepted, LinkProfile.LOOPBACK,
                    s -> step(s, conf, accepted, null, unfuse), s -> step(s, conf, accepted, train, unfuse));
            r[off] = new Step[] {res.modelOwner(), res.dataOwner()};
        }
        for (int off = 0; off < 2; off++) {
            System.out.printf(Locale.ROOT, "resnet graph, one step of %d images, %s: model owner sent %.1f MiB, data "
                    + "owner sent %.1f MiB, %d/%d rounds%n", BATCH, off == 0 ? "fused" : "unfused",
                    r[off][0].traffic().bytesSent() / 1048576.0, r[off][1].traffic().bytesSent() / 1048576.0,
                    r[off][0].traffic().rounds(), r[off][1].traffic().rounds());
        }
        long fused = r[0][0].traffic().bytesSent() + r[0][1].traffic().bytesSent();
        long unfused = r[1][0].traffic().bytesSent() + r[1][1].traffic().bytesSent();
        assertTrue(fused < unfused, fused + " vs " + unfused);
    }

    private static Step step(Session s, ComputationGraphConfiguration conf, LabelOwnerLeakage accepted,
            DataSet dataOrNull, boolean unfuse) {
        try (SecurePartyContext ctx = SecurePartyContext.builder().fracBits(F).labelOwnerLoss(accepted).session(s)
                .build()) {
            ComputationGraph net = SecureTrain.attach(conf, ctx);
            if (unfuse) {
                for (Layer l : net.getLayers()) {
                    if (l instanceof SecureLayer sl && sl.core().op() instanceof ConvolutionOp c) {
                        c.setReluDeferred(false);
                    } else if (l instanceof SecureLayer sl && sl.core().op() instanceof MaxPoolOp p) {
                        p.setReluAfter(false);
                    }
                }
            } else {
                assertTrue(((ConvolutionOp) ((SecureLayer) net.getLayer("stem")).core().op()).reluDeferred());
            }
            var it = ctx.sharedIterator(dataOrNull == null ? null : PartyTraining.batches(dataOrNull, BATCH));
            TrafficStats.Snapshot before = s.traffic().snapshot();
            net.fit(it, 1);
            return new Step(s.traffic().snapshot().minus(before).total());
        }
    }
}
