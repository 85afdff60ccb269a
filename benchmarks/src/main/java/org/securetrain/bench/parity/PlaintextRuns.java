package org.securetrain.bench.parity;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.launcher.PartyTraining;
import org.securetrain.ring.FixedPoint;

/**
 * The two single-process runs of a parity experiment, each timed per step in the harness's own JVM: plaintext
 * DL4J in float, and the INSECURE fixed-point plaintext reference (the secure network's code path on the
 * plaintext reference backend, every value in the clear). Both start from the weights DL4J's initialiser
 * draws from the setup's seed (the secure run's starting point) and see the same minibatches in the same order.
 */
public final class PlaintextRuns {
    private PlaintextRuns() {
    }

    /** Per-step records and the test accuracy of one run. */
    public record Run(List<StepRecord> steps, double testAccuracy, MultiLayerNetwork network) {
    }

    /** The reference run, plus what its truncation audit saw. */
    public record ReferenceRun(Run run, TruncationHeadroomAudit.Figures training, TruncationHeadroomAudit.Figures all) {
    }

    /**
     * Plaintext DL4J with {@code dt} ({@link DataType#FLOAT} for the baseline, {@link DataType#DOUBLE} to show
     * how far float rounding alone moves the loss) as the network's data type. The network gets the double
     * network's initial parameters (rounded to {@code dt}), so the start is the secure run's whatever DL4J's
     * random streams do per data type.
     */
    public static Run dl4j(ParitySetup setup, DataSet train, DataSet testOrNull, DataType dt) {
        MultiLayerNetwork init = new MultiLayerNetwork(setup.conf(DataType.DOUBLE));
        init.init();
        MultiLayerNetwork net = new MultiLayerNetwork(setup.conf(dt));
        net.init();
        net.setParams(init.params().castTo(dt));
        DataSet trainT = cast(train, dt);
        StepRecorder rec = new StepRecorder(null, null);
        net.setListeners(rec);
        rec.start(net);
        net.fit(PartyTraining.batches(trainT, setup.batch()), setup.epochs());
        double acc = testOrNull == null ? Double.NaN : accuracy(net, testOrNull, dt);
        return new Run(rec.records(), acc, net);
    }

    /** The fixed-point reference: the secure layers on the INSECURE single-process plaintext backend. */
    public static ReferenceRun fixedPointReference(ParitySetup setup, DataSet train, DataSet testOrNull) {
        TruncationHeadroomAudit audit = new TruncationHeadroomAudit(FixedPoint.of(setup.fracBits()));
        SecurePartyContext ctx = SecurePartyContext.builder().insecurePlaintextReferenceForTests(audit).build();
        MultiLayerNetwork net = SecureTrain.attach(setup.conf(DataType.DOUBLE), ctx);
        StepRecorder rec = new StepRecorder(null, null);
        net.setListeners(rec);
        rec.start(net);
        net.fit(ctx.sharedIterator(PartyTraining.batches(train, setup.batch())), setup.epochs());
        TruncationHeadroomAudit.Figures afterTraining = audit.figures();
        double acc = Double.NaN;
        if (testOrNull != null) {
            Evaluation e = SecureTrain.evaluate(net, ctx, ctx.sharedIterator(PartyTraining.batches(testOrNull, 250)));
            acc = e.accuracy();
        }
        return new ReferenceRun(new Run(rec.records(), acc, net), afterTraining, audit.figures());
    }

    /** Plaintext accuracy of a network (e.g. the revealed secure model) on the test set, in its own data type. */
    public static double accuracy(MultiLayerNetwork net, DataSet test, DataType dt) {
        Evaluation e = net.evaluate(PartyTraining.batches(cast(test, dt), 250));
        return e.accuracy();
    }

    static DataSet cast(DataSet d, DataType dt) {
        if (d.getFeatures().dataType() == dt && d.getLabels().dataType() == dt) {
            return d;
        }
        return new DataSet(d.getFeatures().castTo(dt), d.getLabels().castTo(dt));
    }
}
