package org.securetrain.launcher;

import org.securetrain.backend.NonlinearSettings;
import org.securetrain.dl4j.LabelOwnerLeakage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.link.LinkProfile;
import org.securetrain.runtime.tls.TlsIdentity;
import org.securetrain.runtime.tls.TlsListener;
import org.securetrain.runtime.tls.TlsSession;
import org.securetrain.runtime.tls.TlsTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both parties in this process, each on its own thread, connected by the real TLS transport on 127.0.0.1
 * (fresh identities, pinned certificates, an ephemeral port): the same wire protocol as two machines.
 */
public final class LocalTlsParties {
    private static final Logger log = LoggerFactory.getLogger(LocalTlsParties.class);

    private LocalTlsParties() {
    }

    public record Results<A, B>(A modelOwner, B dataOwner) {
    }

    /**
     * Runs both parties over TLS on 127.0.0.1; their sessions carry the hash of {@code conf}, {@code fracBits},
     * label-owner mode with {@code accepted} leakage and the default non-linear protocols (the programs must build
     * their contexts alike).
     */
    public static <A, B> Results<A, B> run(MultiLayerConfiguration conf, int fracBits, LabelOwnerLeakage accepted,
            Function<Session, A> modelOwner, Function<Session, B> dataOwner) {
        return run(conf, fracBits, accepted, LinkProfile.LOOPBACK, modelOwner, dataOwner);
    }

    /**
     * As {@link #run(MultiLayerConfiguration, int, LabelOwnerLeakage, Function, Function)}, with both parties'
     * sends passing a simulated link of {@code link} (a measurement aid: the two parties still share this machine).
     */
    public static <A, B> Results<A, B> run(MultiLayerConfiguration conf, int fracBits, LabelOwnerLeakage accepted,
            LinkProfile link, Function<Session, A> modelOwner, Function<Session, B> dataOwner) {
        return run(role -> PartyTraining.sessionOptions(role, conf, fracBits, accepted, NonlinearSettings.defaults(),
                link), modelOwner, dataOwner);
    }

    /** As {@link #run(MultiLayerConfiguration, int, LabelOwnerLeakage, LinkProfile, Function, Function)} for a graph. */
    public static <A, B> Results<A, B> run(ComputationGraphConfiguration conf, int fracBits,
            LabelOwnerLeakage accepted, LinkProfile link, Function<Session, A> modelOwner,
            Function<Session, B> dataOwner) {
        return run(role -> PartyTraining.sessionOptions(role, conf, fracBits, accepted, NonlinearSettings.defaults(),
                link), modelOwner, dataOwner);
    }

    private static <A, B> Results<A, B> run(Function<Role, SessionOptions> options, Function<Session, A> modelOwner,
            Function<Session, B> dataOwner) {
        TlsIdentity mo = TlsIdentity.generate("model-owner");
        TlsIdentity dO = TlsIdentity.generate("data-owner");
        log.info("fresh TLS identities: model owner {}, data owner {}", shortFp(mo), shortFp(dO));
        try (TlsListener l = TlsTransport.builder()
                .options(options.apply(Role.MODEL_OWNER))
                .identity(mo).pinnedPeer(dO.fingerprint()).acceptTimeout(Duration.ofSeconds(60))
                .listen(new InetSocketAddress("127.0.0.1", 0))) {
            log.info("model owner listening on 127.0.0.1:{}; data owner connecting over TLS", l.port());
            CompletableFuture<B> p1 = CompletableFuture.supplyAsync(() -> {
                try (TlsSession s = TlsTransport.builder()
                        .options(options.apply(Role.DATA_OWNER)).identity(dO)
                        .pinnedPeer(mo.fingerprint()).connectTimeout(Duration.ofSeconds(60))
                        .connect(new InetSocketAddress("127.0.0.1", l.port()))) {
                    return dataOwner.apply(s);
                }
            }, r -> {
                Thread t = new Thread(r, "data-owner");
                t.setDaemon(true);
                t.start();
            });
            A a;
            try (TlsSession s = l.accept()) {
                log.info("connected: {} {}", s.protocol(), s.cipherSuite());
                a = modelOwner.apply(s);
            } catch (RuntimeException e) {
                p1.handle((r, x) -> null).join();
                throw e;
            }
            try {
                return new Results<>(a, p1.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
    }

    private static String shortFp(TlsIdentity id) {
        String fp = id.fingerprint();
        return fp.length() > 23 ? fp.substring(0, 23) + "..." : fp;
    }
}
