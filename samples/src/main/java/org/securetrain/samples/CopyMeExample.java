package org.securetrain.samples;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.data.FashionMnist;
import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.dl4j.SecureTrain;
import org.securetrain.backend.NonlinearEngine;
import org.securetrain.backend.NonlinearSettings;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.launcher.partycli.HostPort;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/**
 * Sample 4: two-party secure training of an ordinary DL4J network, as one file to copy. Each party runs this
 * same program in its own process (or on its own machine); only the first argument differs.
 *
 * <pre>
 * # once per party: a TLS key and self-signed certificate; prints the fingerprint to give the peer
 * java -cp "samples/target/lib/*" org.securetrain.launcher.partycli.PartyCli keygen --out keys --name model-owner
 * java -cp "samples/target/lib/*" org.securetrain.launcher.partycli.PartyCli keygen --out keys --name data-owner
 *
 * # model owner (listens), then data owner (connects), in two terminals:
 * java -cp "samples/target/securetrain-samples.jar:samples/target/lib/*" org.securetrain.samples.CopyMeExample \
 *     model-owner 127.0.0.1:7000 keys/model-owner.key.pem keys/model-owner.crt.pem DATA_OWNER_FINGERPRINT
 * java -cp "samples/target/securetrain-samples.jar:samples/target/lib/*" org.securetrain.samples.CopyMeExample \
 *     data-owner 127.0.0.1:7000 keys/data-owner.key.pem keys/data-owner.crt.pem MODEL_OWNER_FINGERPRINT
 * </pre>
 *
 * Optional arguments follow the five: the number of training and test images the data owner uses (default 2048
 * and 500; a quick try: 128 100) and the file the model owner saves the trained model to (default
 * trained-model.zip).
 */
public final class CopyMeExample {
    private CopyMeExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5 || args.length > 8) {
            System.err.println("usage: CopyMeExample model-owner|data-owner HOST:PORT KEY.pem CERT.pem PEER_FINGERPRINT "
                    + "[TRAIN_IMAGES [TEST_IMAGES [MODEL_FILE]]]");
            System.exit(2);
        }
        Role role = switch (args[0]) {
            case "model-owner" -> Role.MODEL_OWNER;
            case "data-owner" -> Role.DATA_OWNER;
            default -> throw new IllegalArgumentException("first argument must be model-owner or data-owner, got '"
                    + args[0] + "'");
        };
        InetSocketAddress address = HostPort.parse(args[1]); // "expected HOST:PORT" errors name the bad part
        int trainImages = args.length > 5 ? positive("TRAIN_IMAGES", args[5]) : 2048;
        int testImages = args.length > 6 ? positive("TEST_IMAGES", args[6]) : 500;
        String modelFile = args.length > 7 ? args[7] : "trained-model.zip";

        // Two parties share the CPU of a laptop demo: one native (OpenMP) thread for ND4J is faster here.
        Nd4j.getEnvironment().setMaxMasterThreads(1);

        // 1. An ORDINARY DL4J configuration. Nothing secure about it; both parties must build the same one
        //    (the connection handshake compares a hash of it and refuses a mismatch).
        //    Supported: Dense, Convolution, max-pool Subsampling, ReLU, softmax output with MCXENT, SGD/Nesterovs,
        //    Adam, Nadam, AMSGrad, AdaMax, AdaGrad, RmsProp.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)                           // the model owner initialises the weights with this seed
                .dataType(DataType.DOUBLE)
                .updater(new Nesterovs(0.01, 0.9))
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();

        // Fixed-point precision: real numbers are encoded as round(v * 2^24) in 64-bit shares.
        int fracBits = 24;
        // Non-linear protocols (ReLU, max-pool, truncation): OT = millionaire protocol on silent OT (the default),
        // GC = garbled circuits. Both parties must choose alike.
        NonlinearSettings nonlinear = NonlinearSettings.of(NonlinearEngine.OT);

        // What both parties agree to besides the model: the precision, and the loss mode with the leakage it
        // brings, named. In label-owner mode the data owner receives the exact logits of every batch it trains or
        // evaluates on (docs/SECURITY.md, "Label-owner mode"); it is the only mode until private loss (issue 16).
        SecurePartyContext.Builder terms = SecurePartyContext.builder()
                .fracBits(fracBits)
                .nonlinear(nonlinear)
                .labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);

        // 2. Connect to the peer over TLS with pinned certificates. The session options carry the configuration
        //    hash (model, precision, non-linear protocols, loss mode), so a peer that differs is rejected before any
        //    data flows.
        TlsIdentity me = TlsIdentity.load(Path.of(args[2]), Path.of(args[3]));
        SessionOptions options = SessionOptions.builder(role)
                .configHash(terms.configHash(conf))
                .build();
        TlsTransport transport = TlsTransport.builder()
                .options(options)
                .identity(me)
                .pinnedPeer(TlsIdentity.parseFingerprint(args[4]))
                .acceptTimeout(Duration.ofMinutes(2))
                .connectTimeout(Duration.ofMinutes(2))
                .build();
        TlsSession session;
        if (role == Role.MODEL_OWNER) {
            try (TlsListener listener = transport.listen(address)) {
                System.out.println("model owner waiting on " + args[1]);
                session = listener.accept();
            }
        } else {
            session = transport.connect(address); // retries until the model owner listens
        }

        // 3. The party context binds the session to the two-party backend (HE products, OT or garbled circuits).
        try (session;
             SecurePartyContext ctx = terms
                     .session(session)
                     .build()) {

            // 4. attach: the configuration is rewritten into its secure twin; weights become secret shares.
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);

            // 5. Data: only the data owner has it. The model owner passes null and receives shapes only.
            //    ctx.sharedIterator keeps both parties' minibatches in lockstep.
            DataSetIterator train = null;
            DataSetIterator test = null;
            if (role == Role.DATA_OWNER) {
                DataSet trainSet = FashionMnist.bundled(FashionMnist.Split.TRAIN, trainImages);
                DataSet testSet = FashionMnist.bundled(FashionMnist.Split.TEST, testImages);
                train = new ViewIterator(trainSet, 64);
                test = new ViewIterator(testSet, 250);
            }

            // 6. fit as usual: every layer's forward and backward pass is a two-party protocol now.
            net.setListeners(new org.deeplearning4j.optimize.listeners.ScoreIterationListener(4));
            net.fit(ctx.sharedIterator(train), 1);

            // 7. Evaluate on the data owner's test images: the predictions are revealed to the data owner only.
            Evaluation eval = SecureTrain.evaluate(net, ctx, ctx.sharedIterator(test));
            if (eval != null) {
                System.out.printf("data owner: test accuracy of the secure model %.2f %%%n", 100 * eval.accuracy());
            }

            // 8. Reveal the trained weights to the model owner: an ordinary MultiLayerNetwork there, null at the
            //    data owner. (Or keep the shares and run secure inference: see SecureInference.)
            MultiLayerNetwork trained = SecureTrain.reveal(net, ctx);
            if (trained != null) {
                ModelSerializer.writeModel(trained, modelFile, false);
                System.out.println("model owner: trained model saved to " + modelFile);
            }
            System.out.println(role + " traffic: " + session.traffic().total());
        }
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + value + "'");
    }
}
