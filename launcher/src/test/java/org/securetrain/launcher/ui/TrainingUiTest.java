package org.securetrain.launcher.ui;

import org.securetrain.dl4j.LabelOwnerLeakage;
import org.securetrain.launcher.Models;
import org.securetrain.launcher.PartyTraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.data.FashionMnist;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * DL4J's training UI on a short secure training run (both parties in this JVM, in-memory transport): the
 * overview data the UI's score chart polls carries the data owner's revealed losses, the model owner (which
 * may not see the loss) shows none, and the project's figures page has the per-protocol bytes and rounds.
 */
class TrainingUiTest {
    static final int F = 20;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A short run's output, with the UI still up. */
    record Run(TrainingUi ui, TrainingUi.PartyListener modelOwner, TrainingUi.PartyListener dataOwner,
            List<Double> dataOwnerLosses, List<Double> modelOwnerScores, PartyTraining.Result dataOwnerResult,
            Set<Integer> liveSteps) {
    }

    /** Starts the UI on a free loopback port and runs 4 secure steps of a 784-16-10 MLP on 64 bundled images. */
    static Run shortRun() {
        MultiLayerConfiguration conf = Models.mlp(16, 0.05, 42);
        DataSet train = FashionMnist.bundled(FashionMnist.Split.TRAIN, 64);
        TrainingUi ui = TrainingUi.start(0);
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(PartyTraining.sessionOptions(Role.MODEL_OWNER, conf, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS),
                PartyTraining.sessionOptions(Role.DATA_OWNER, conf, F, LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS))) {
            TrainingUi.PartyListener l0 = ui.listener(Role.MODEL_OWNER);
            TrainingUi.PartyListener l1 = ui.listener(Role.DATA_OWNER);
            Scores s0 = new Scores();
            Scores s1 = new Scores();
            // while training runs, a client polls the figures page's data as the page itself does
            Set<Integer> live = new ConcurrentSkipListSet<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread poller = new Thread(() -> {
                while (!done.get()) {
                    try {
                        JsonArray parties = new JsonObject(get(ui, "/securetrain/data").body()).getJsonArray("parties");
                        for (int i = 0; i < parties.size(); i++) {
                            if (parties.getJsonObject(i).getString("role").equals("DATA_OWNER")) {
                                live.add(parties.getJsonObject(i).getInteger("iterations"));
                            }
                        }
                        Thread.sleep(100);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "ui-poller");
            poller.setDaemon(true);
            poller.start();
            try {
                var r = TwoPartyRunner.run(
                        pair.party(0), s -> PartyTraining.spec(conf).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(F).batch(16).listener(s0).listener(l0).run(s),
                        pair.party(1), s -> PartyTraining.spec(conf).labelOwnerLoss(LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS).fracBits(F).train(train).batch(16).listener(s1)
                                .listener(l1).run(s));
                return new Run(ui, l0, l1, s1.scores, s0.scores, r.party1(), live);
            } finally {
                done.set(true);
            }
        } catch (RuntimeException e) {
            ui.close();
            throw e;
        }
    }

    @Test
    @Timeout(240)
    void theUiShowsTheDataOwnersLossNoFakeLossAtTheModelOwnerAndTheProtocolFigures() throws Exception {
        Run run = shortRun();
        try (TrainingUi ui = run.ui()) {
            assertEquals(4, run.dataOwnerLosses().size());
            run.dataOwnerLosses().forEach(l -> assertTrue(Double.isFinite(l) && l > 0, "data owner's loss " + l));
            run.modelOwnerScores().forEach(l -> assertTrue(Double.isNaN(l), "model owner may not see the loss: " + l));
            assertEquals(4, run.dataOwner().stepsShown());
            assertEquals(0, run.modelOwner().stepsShown(), "a hidden (NaN) loss must not reach DL4J, which draws it as 0");
            // the figures page followed the run step by step (a secure step takes far longer than a poll)
            assertTrue(run.liveSteps().stream().anyMatch(n -> n >= 1 && n < 4), "steps seen live: " + run.liveSteps());

            // the data the overview page's score chart polls
            JsonObject overview = new JsonObject(waitForScores(ui, run.dataOwner().sessionId(), 4));
            JsonArray scores = overview.getJsonArray("scores");
            assertEquals(4, scores.size(), overview.encode());
            for (int i = 0; i < 4; i++) {
                assertEquals(run.dataOwnerLosses().get(i), scores.getDouble(i), 1e-9,
                        "score " + i + " in the UI vs the data owner's network");
            }
            // DL4J knows only the data owner's session: the model owner's hidden loss never became a 0 chart
            String sessions = get(ui, "/train/sessions/info").body();
            assertTrue(sessions.contains(run.dataOwner().sessionId()), sessions);
            assertFalse(sessions.contains(run.modelOwner().sessionId()), sessions);
            for (String page : new String[] {"/train/overview", "/train/model", "/train/model/graph",
                    "/train/model/data/0", "/train/model/data/1", "/train/model/data/2", "/train/system",
                    "/train/system/data"}) {
                assertEquals(200, get(ui, page).statusCode(), page); // every page of the session renders
            }
            JsonObject layer = new JsonObject(get(ui, "/train/model/data/1").body());
            assertTrue(layer.getJsonObject("paramHist").getJsonArray("paramNames").isEmpty(), layer.encode());
            assertTrue(layer.getJsonObject("meanMag").getJsonObject("paramMM").isEmpty(), layer.encode());
            assertTrue(layer.getJsonObject("activations").getJsonArray("mean").isEmpty(), layer.encode());

            // the project's figures: both parties, plausible non-zero bytes and rounds per protocol
            JsonObject figures = new JsonObject(get(ui, "/securetrain/data").body());
            JsonArray parties = figures.getJsonArray("parties");
            assertEquals(2, parties.size(), figures.encode());
            for (int i = 0; i < 2; i++) {
                JsonObject p = parties.getJsonObject(i);
                assertEquals(4, p.getInteger("iterations"));
                JsonObject total = p.getJsonObject("total");
                assertTrue(total.getLong("bytesSent") > 100_000, p.encode());
                assertTrue(total.getLong("rounds") >= 4, p.encode());
                assertTrue(p.getJsonObject("kernels").getJsonObject("HE_PRODUCT").getLong("calls") > 0, p.encode());
                String relu = org.securetrain.backend.NonlinearEngine.DEFAULT == org.securetrain.backend.NonlinearEngine.OT
                        ? "RELU_OT" : "RELU_GC"; // the default engine's ReLU kernel
                assertTrue(p.getJsonObject("kernels").getJsonObject(relu).getDouble("seconds") > 0, p.encode());
                long heBytes = p.getJsonObject("steps").getJsonObject("he.matmul.cross").getLong("bytesSent")
                        + p.getJsonObject("steps").getJsonObject("he.matmul.cross").getLong("bytesReceived");
                assertTrue(heBytes > 0, p.encode());
            }
            assertEquals("MODEL_OWNER", parties.getJsonObject(0).getString("role"));
            assertEquals("DATA_OWNER", parties.getJsonObject(1).getString("role"));
            // the same session traffic the party's own accounting has (UI at step 4; the result after reveal)
            long uiSent = parties.getJsonObject(1).getJsonObject("total").getLong("bytesSent");
            long finalSent = run.dataOwnerResult().traffic().total().bytesSent();
            assertTrue(uiSent > 0 && uiSent <= finalSent, uiSent + " vs " + finalSent);

            String page = get(ui, "/securetrain").body();
            String reluStep = org.securetrain.backend.NonlinearEngine.DEFAULT == org.securetrain.backend.NonlinearEngine.OT
                    ? "nl.relu" : "gc.tables"; // the default engine's ReLU traffic
            assertTrue(page.contains("HE_PRODUCT") && page.contains(reluStep) && page.contains("rounds"), page);
            assertLoopbackOnly(ui.port());
        }
    }

    @Test
    void onlyOneUiPerProcessAndABusyPortIsAClearError() throws IOException {
        try (TrainingUi ui = TrainingUi.start(0)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingUi.start(0));
            assertTrue(e.getMessage().contains("already runs"), e.getMessage());
        }
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TrainingUi.start(taken.getLocalPort()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingUi.start(70000));
        try (TrainingUi again = TrainingUi.start(0)) { // a failed start leaves nothing behind
            assertEquals(200, get(again, "/securetrain").statusCode());
        }
    }

    /**
     * Selects the session as the overview page's session selector does, then polls the data the score chart
     * loads (single-session UI: {@code /train/overview/data}) until the UI's event routing has registered the
     * session and stored {@code n} scores (it batches events).
     */
    static String waitForScores(TrainingUi ui, String sessionId, int n) throws Exception {
        String body = "";
        for (int i = 0; i < 100; i++) {
            // the UI learns of a session through the same batched event routing: 400 until it has
            HttpResponse<String> set = get(ui, "/train/sessions/set/" + sessionId);
            if (set.statusCode() == 400 && i < 99) {
                Thread.sleep(100);
                continue;
            }
            assertEquals(200, set.statusCode(), set.body());
            HttpResponse<String> r = get(ui, "/train/overview/data");
            assertEquals(200, r.statusCode(), r.body());
            body = r.body();
            JsonArray s = new JsonObject(body).getJsonArray("scores");
            if (s != null && s.size() >= n) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the UI never showed " + n + " scores: " + body);
    }

    static HttpResponse<String> get(TrainingUi ui, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port() + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Nothing answers on this machine's other addresses (when it has any). */
    static void assertLoopbackOnly(int port) throws IOException {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
                    others.add(a);
                }
            }
        }
        for (InetAddress a : others) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), 2000);
                throw new AssertionError("the UI answers on " + a + ":" + port + "; it must listen on 127.0.0.1 only");
            } catch (IOException expected) {
                assertNotNull(expected.getMessage());
            }
        }
    }

    static final class Scores extends BaseTrainingListener {
        final List<Double> scores = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            scores.add(model.score());
        }
    }
}
