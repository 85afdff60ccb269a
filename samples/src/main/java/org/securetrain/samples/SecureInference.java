package org.securetrain.samples;

import org.securetrain.dl4j.LabelOwnerLeakage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.launcher.LocalTlsParties;
import org.securetrain.launcher.Models;
import org.securetrain.launcher.PartyTraining;
import org.securetrain.launcher.TrainingProgress;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample 3, secure inference: the model owner holds a trained model (trained here in plaintext on its own
 * images, or loaded with {@code model=FILE.zip}, e.g. a model revealed by the launcher's {@code --out}); the
 * data owner holds private test images. Both run {@code output} on the secure network: the weights are
 * shared as (W, 0), the images as (0, X), and the predictions (the logits) are revealed to the data owner
 * only. The sample then checks, in this one JVM, that they agree with the plaintext model's.
 *
 * <p>Options: {@code test=500 batch=100 fracBits=24 model=FILE.zip link=loopback} (default: an MLP 784-64-10
 * trained in plaintext on 4000 bundled images; {@code link=}: a simulated link, see the MLP sample).
 */
public final class SecureInference {
    private static final Logger log = LoggerFactory.getLogger(SecureInference.class);

    private SecureInference() {
    }

    public static void main(String[] args) {
        SampleArgs a = new SampleArgs(args);
        int test = a.integer("test", 500);
        int batch = a.integer("batch", 100);
        int f = a.integer("fracBits", 24);
        String modelFile = a.string("model", null);
        var link = a.link("link");
        a.done();
        FixedPoint.of(f); // a bad fracBits fails here, before any party starts
        PartyTraining.oneNativeThread();

        MultiLayerNetwork model;
        if (modelFile != null) {
            try {
                model = ModelSerializer.restoreMultiLayerNetwork(new File(modelFile), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + modelFile + ": " + e.getMessage(), e);
            }
            log.info("model owner's model: {} ({} parameters)", modelFile, model.numParams());
        } else {
            MultiLayerConfiguration conf = Models.mlp(64, 0.01, 42);
            model = PartyTraining.trainPlain(conf, FashionMnist.bundled(FashionMnist.Split.TRAIN, 4000), 64, 1);
            log.info("model owner's model: MLP 784-64-10 trained in plaintext on its own 4000 images");
        }
        MultiLayerConfiguration conf = model.getLayerWiseConfigurations();
        INDArray params = model.params().dup();
        DataSet images = FashionMnist.bundled(FashionMnist.Split.TEST, test);

        long t0 = System.nanoTime();
        var r = LocalTlsParties.run(conf, f, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS, link,
                s -> infer(s, conf, f, params, null, batch),
                s -> infer(s, conf, f, null, images, batch));
        double secs = (System.nanoTime() - t0) / 1e9;

        INDArray securePred = r.dataOwner().predictions();
        INDArray plainOut = model.output(images.getFeatures());
        int n = images.numExamples();
        int agree = 0;
        int correct = 0;
        double maxDiff = securePred.sub(plainOut.castTo(securePred.dataType())).amaxNumber().doubleValue();
        for (int i = 0; i < n; i++) {
            int s = securePred.getRow(i).argMax().getInt(0);
            agree += s == plainOut.getRow(i).argMax().getInt(0) ? 1 : 0;
            correct += s == images.getLabels().getRow(i).argMax().getInt(0) ? 1 : 0;
        }
        String line = "=".repeat(78);
        System.out.println(line);
        System.out.printf(Locale.ROOT, "secure inference on %d private images (predictions revealed to the data owner only)%n", n);
        System.out.printf(Locale.ROOT, "  accuracy of the secure predictions: %.2f %%%n", 100.0 * correct / n);
        System.out.printf(Locale.ROOT, "  same class as the plaintext model: %d / %d; max probability difference %.2e%n",
                agree, n, maxDiff);
        System.out.printf(Locale.ROOT, "  time %.1f s (%.1f ms per image, incl. TLS and setup%s)%n", secs,
                1000 * secs / n, link.isSimulated() ? ", over the simulated link " + link.name() : "");
        System.out.println("  model owner: " + traffic(r.modelOwner().session()));
        System.out.println("  data owner:  " + traffic(r.dataOwner().session()));
        System.out.println(line);
    }

    record Out(INDArray predictions, org.securetrain.runtime.TrafficStats.Snapshot session) {
    }

    private static String traffic(org.securetrain.runtime.TrafficStats.Snapshot s) {
        var t = s.total();
        return "sent " + TrainingProgress.Bytes.format(t.bytesSent()) + ", received "
                + TrainingProgress.Bytes.format(t.bytesReceived()) + ", " + t.rounds() + " rounds";
    }

    /** One party: attach with the model owner's weights, run output batch by batch on the shared iterator. */
    private static Out infer(Session s, MultiLayerConfiguration conf, int f, INDArray paramsOrNull, DataSet imagesOrNull,
            int batch) {
        // label-owner mode: the data owner receives the exact logits of its images (docs/SECURITY.md)
        try (SecurePartyContext ctx = SecurePartyContext.builder().session(s).fracBits(f)
                .labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS)
                .backend(session -> TwoPartyBackend.open(session, FixedPoint.of(f))).build()) {
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx, paramsOrNull);
            DataSetIterator it = ctx.sharedIterator(imagesOrNull == null ? null : PartyTraining.batches(imagesOrNull, batch));
            java.util.List<INDArray> outs = new java.util.ArrayList<>();
            int batches = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray o = net.output(ds.getFeatures(), false);
                if (ctx.isDataOwner()) {
                    outs.add(o.detach());
                }
                batches++;
                if (ctx.isDataOwner()) {
                    log.info("data owner: batch {} of secure inference done", batches);
                }
            }
            INDArray pred = outs.isEmpty() ? null : org.nd4j.linalg.factory.Nd4j.vstack(outs.toArray(INDArray[]::new));
            return new Out(pred, s.traffic().snapshot());
        }
    }
}
