package org.securetrain.dl4j;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;

/**
 * The data owner as a separate JVM (for {@link SecureTrainTlsTest}): connects over TLS to the model owner in
 * the test JVM and trains {@link SecureTrainTlsTest#conf()} on {@link SecureTrainTlsTest#data()} for many
 * epochs, printing "STEP n" after each iteration so the test knows when to kill it.
 * Args: port keyPem certPem modelOwnerFingerprint idleTimeoutMs.
 */
public final class DataOwnerProcessMain {
    private DataOwnerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        TlsIdentity me = TlsIdentity.load(Path.of(args[1]), Path.of(args[2]));
        MultiLayerConfiguration conf = SecureTrainTlsTest.conf();
        SessionOptions o = SecureTrainTlsTest.options(Role.DATA_OWNER, conf, Long.parseLong(args[4]));
        try (TlsSession s = TlsTransport.builder().options(o).identity(me).pinnedPeer(args[3])
                .connectTimeout(Duration.ofSeconds(30)).connect(new InetSocketAddress("127.0.0.1", port));
             SecurePartyContext ctx = TwoPartyHarness.terms(SecureTrainTlsTest.F).session(s)
                     .backend(TwoPartyHarness.backendFactory(SecureTrainTlsTest.F)).build()) {
            System.out.println("READY " + ProcessHandle.current().pid());
            MultiLayerNetwork net = SecureTrain.attach(conf, ctx);
            net.setListeners(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    System.out.println("STEP " + (iteration + 1));
                    System.out.flush();
                }
            });
            net.fit(ctx.sharedIterator(SecureTrainTlsTest.data().iterator(SecureTrainTlsTest.BATCH)), 1000);
            System.out.println("DONE (should have been killed)");
        } catch (RuntimeException e) {
            System.out.println("data owner ended: " + e);
        }
    }
}
