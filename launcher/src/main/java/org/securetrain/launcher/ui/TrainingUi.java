package org.securetrain.launcher.ui;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.stats.api.StatsType;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsInitializationConfiguration;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.securetrain.dl4j.SecurePartyContext;
import org.securetrain.layers.SecureLayer;
import org.securetrain.runtime.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's training UI for secure training, listening on 127.0.0.1 only. One per process (DL4J's UI server is
 * a singleton); each party in the process adds {@link #listener(Role)} to its secure network.
 *
 * <p>What the UI shows, and why:
 * <ul>
 * <li><b>Loss</b> (DL4J's score chart on {@code /train/overview}): only where this party may see it. The data
 * owner computes the loss from the logits revealed to it; the model owner's network reports NaN under the
 * default {@code LossVisibility.DATA_OWNER_ONLY}, and DL4J's overview would draw NaN as 0 (its
 * {@code TrainModule} replaces non-finite scores with 0), a plausible but false loss. So a step is handed to
 * DL4J's {@link StatsListener} only when the score is finite: under the default the model owner has no DL4J
 * session at all, only the figures page below.</li>
 * <li><b>Performance, memory, garbage collection, learning rates, model graph</b>: DL4J's own collectors, all
 * of this process or public configuration.</li>
 * <li><b>No activations</b>: activations are this party's raw 64-bit shares, uniform noise in the ring;
 * they are neither collected nor does the {@code onForwardPass} callback reach DL4J's listener.</li>
 * <li><b>No parameter, gradient or update statistics</b>: DL4J's parameter and gradient arrays are only a
 * monitor of zeros (the real weights are secret shares inside the secure layers), so their histograms and
 * mean magnitudes would be zeros that look like a dead network.</li>
 * <li><b>The project's figures</b> on {@code /securetrain} ({@link SecureTrainUiModule}): time per kernel
 * kind, bytes, messages and rounds per protocol step ({@link ProtocolFigures} says how each is measured).</li>
 * </ul>
 *
 * <p>Binding: DL4J's UI server binds every interface and has no setting for it; {@link LoopbackUiServer}
 * makes it listen on 127.0.0.1. Use an SSH tunnel to look at a remote party's UI.
 */
public final class TrainingUi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrainingUi.class);

    /** The only address the UI listens on. */
    public static final String HOST = "127.0.0.1";
    /** DL4J's usual UI port. */
    public static final int DEFAULT_PORT = 9000;

    private static TrainingUi running; // guarded by TrainingUi.class

    private final Vertx vertx;
    private final LoopbackUiServer server;
    private final InMemoryStatsStorage storage = new InMemoryStatsStorage();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private boolean closed;

    private TrainingUi(Vertx vertx, LoopbackUiServer server) {
        this.vertx = vertx;
        this.server = server;
        server.attach(storage);
    }

    /**
     * Starts DL4J's UI server on {@code 127.0.0.1:port} ({@code 0}: a free port, see {@link #port()}).
     *
     * @throws IllegalStateException when a training UI already runs in this process or the port is taken
     */
    public static synchronized TrainingUi start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UI port must be 0..65535, got " + port);
        }
        if (running != null) {
            throw new IllegalStateException("a training UI already runs in this process on port " + running.port()
                    + " (DL4J's UI server is one per JVM); add its listener(...) to every party instead");
        }
        Vertx vx = Vertx.vertx();
        LoopbackUiServer s = new LoopbackUiServer(HOST, port);
        CompletableFuture<String> deployed = new CompletableFuture<>();
        vx.deployVerticle(s, ar -> {
            if (ar.succeeded()) {
                deployed.complete(ar.result());
            } else {
                deployed.completeExceptionally(ar.cause());
            }
        });
        try {
            deployed.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            s.stop(Promise.promise()); // marks DL4J's singleton stopped, so DL4J never hands out this dead instance
            vx.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot start DL4J's training UI on " + HOST + ":" + port + ": "
                    + (c.getMessage() == null ? c.toString() : c.getMessage()), c);
        }
        running = new TrainingUi(vx, s);
        log.info("DL4J training UI on {} (loss chart) and {} (protocol figures)", running.overviewUri(),
                running.figuresUri());
        return running;
    }

    /** The port the UI listens on (the actual one when started with 0). */
    public int port() {
        return server.getPort();
    }

    /** DL4J's overview page: loss chart, performance, model summary. */
    public URI overviewUri() {
        return URI.create("http://" + HOST + ":" + port() + "/train/overview");
    }

    /** The project's figures page ({@link SecureTrainUiModule}). */
    public URI figuresUri() {
        return URI.create("http://" + HOST + ":" + port() + "/securetrain");
    }

    /** A listener for the secure network of party {@code role} in this process. */
    public PartyListener listener(Role role) {
        return new PartyListener(this, Objects.requireNonNull(role, "role"));
    }

    /** Replaces the figures shown for a party, e.g. with the final ones after evaluation and reveal. */
    public void publish(ProtocolFigures figures) {
        SecureTrainUiModule.publish(figures);
    }

    /** The figures the UI shows for {@code role} now, or null before its first step. */
    public ProtocolFigures figures(Role role) {
        return SecureTrainUiModule.latest(role);
    }

    @Override
    public void close() {
        synchronized (TrainingUi.class) {
            if (closed) {
                return;
            }
            closed = true;
            if (running == this) {
                running = null;
            }
        }
        try {
            server.stop(); // closes this Vert.x instance and its event loops
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            SecureTrainUiModule.clear();
            try {
                storage.close();
            } catch (java.io.IOException e) {
                log.debug("closing the UI's stats storage: {}", e.toString());
            }
        }
    }

    /**
     * The listener one party adds to its secure network: DL4J's {@link StatsListener} for the steps whose loss
     * this party may see, and the project's figures after every step.
     */
    public static final class PartyListener extends BaseTrainingListener {
        private final TrainingUi ui;
        private final Role role;
        private final String sessionId;
        private final StatsListener stats;
        private SecurePartyContext ctx;
        private long startNanos;
        private int steps;
        private int stepsShown;

        PartyListener(TrainingUi ui, Role role) {
            this.ui = ui;
            this.role = role;
            String who = role == Role.MODEL_OWNER ? "model-owner" : "data-owner";
            this.sessionId = "securetrain-" + who + "-" + ui.runId;
            DefaultStatsUpdateConfiguration update = new DefaultStatsUpdateConfiguration.Builder()
                    .reportingFrequency(1)
                    .collectPerformanceStats(true)
                    .collectMemoryStats(true)
                    .collectGarbageCollectionStats(true)
                    .collectLearningRates(true)
                    // parameters, gradients and updates: DL4J's views are a zero monitor (class comment)
                    .collectHistogramsParameters(false).collectHistogramsGradients(false)
                    .collectHistogramsUpdates(false).collectMeanParameters(false).collectMeanGradients(false)
                    .collectMeanUpdates(false).collectStdevParameters(false).collectStdevGradients(false)
                    .collectStdevUpdates(false).collectMeanMagnitudesParameters(false)
                    .collectMeanMagnitudesGradients(false).collectMeanMagnitudesUpdates(false)
                    // activations: raw 64-bit shares, noise
                    .collectHistogramsActivations(false).collectMeanActivations(false)
                    .collectStdevActivations(false).collectMeanMagnitudesActivations(false)
                    .build();
            this.stats = new StatsListener(new EmptyParameterStats(ui.storage),
                    new DefaultStatsInitializationConfiguration(true, true, true), update, sessionId, who);
        }

        /** DL4J's session id of this party's stats ({@code /train/<id>/overview/data}). */
        public String sessionId() {
            return sessionId;
        }

        /** Steps whose loss went to DL4J's UI (0 at a party that may not see the loss). */
        public int stepsShown() {
            return stepsShown;
        }

        @Override
        public void onEpochStart(Model model) {
            if (startNanos == 0) {
                startNanos = System.nanoTime();
            }
            stats.onEpochStart(model);
        }

        @Override
        public void onEpochEnd(Model model) {
            stats.onEpochEnd(model);
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            if (startNanos == 0) {
                startNanos = System.nanoTime();
            }
            steps++;
            if (Double.isFinite(model.score())) { // NaN: this party may not see the loss; DL4J would draw 0
                stats.iterationDone(model, iteration, epoch);
                stepsShown++;
            }
            if (ctx == null) {
                ctx = contextOf(model);
            }
            if (ctx != null && ctx.session() != null) {
                ui.publish(ProtocolFigures.of(ctx, steps, (System.nanoTime() - startNanos) / 1e9));
            }
        }

        private static SecurePartyContext contextOf(Model model) {
            Layer[] layers = model instanceof MultiLayerNetwork net ? net.getLayers()
                    : model instanceof ComputationGraph g ? g.getLayers() : new Layer[0];
            for (Layer l : layers) {
                if (l instanceof SecureLayer sl && sl.context() instanceof SecurePartyContext c) {
                    return c;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "TrainingUi.PartyListener(%s, %s)", role, sessionId);
        }
    }

    /**
     * Hands DL4J's reports to the storage with empty (not absent) parameter and update statistics. DL4J's model
     * page iterates over those maps without a null check (HTTP 500 on a layer otherwise); empty maps make it
     * show empty charts, which is the truth: this party has no parameter statistics to show.
     */
    static final class EmptyParameterStats implements StatsStorageRouter {
        private final StatsStorageRouter storage;

        EmptyParameterStats(StatsStorageRouter storage) {
            this.storage = storage;
        }

        @Override
        public void putStorageMetaData(StorageMetaData m) {
            storage.putStorageMetaData(m);
        }

        @Override
        public void putStorageMetaData(Collection<? extends StorageMetaData> m) {
            storage.putStorageMetaData(m);
        }

        @Override
        public void putStaticInfo(Persistable p) {
            storage.putStaticInfo(p);
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> p) {
            storage.putStaticInfo(p);
        }

        @Override
        public void putUpdate(Persistable p) {
            storage.putUpdate(emptied(p));
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            ps.forEach(this::putUpdate);
        }

        private static Persistable emptied(Persistable p) {
            if (p instanceof StatsReport r) {
                for (StatsType t : new StatsType[] {StatsType.Parameters, StatsType.Gradients, StatsType.Updates}) {
                    if (r.getMeanMagnitudes(t) == null) {
                        r.reportMeanMagnitudes(t, Map.of());
                    }
                    if (r.getHistograms(t) == null) {
                        r.reportHistograms(t, Map.of());
                    }
                }
            }
            return p;
        }
    }
}
