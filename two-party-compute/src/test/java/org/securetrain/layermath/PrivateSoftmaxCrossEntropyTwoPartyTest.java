package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The private softmax and its loss terms on the two-party backend (OT engine, silent COTs) equal the plaintext
 * reference bit for bit (random and edge logit rows of {@link PrivateSoftmaxCrossEntropyTest}, random shares, labels
 * held by the data owner alone), so the reference's proven bound holds for the protocol's outputs. Prints bytes,
 * flights and CPU per row.
 */
@Timeout(300)
class PrivateSoftmaxCrossEntropyTwoPartyTest {
    static final int[] CLASSES = {10, 3};

    @Test
    void bitExactWithThePlaintextReference() {
        Random r = new Random(5);
        long[][] z = new long[CLASSES.length][];
        long[][][] zShares = new long[CLASSES.length][][];
        long[][] y = new long[CLASSES.length][];
        for (int k = 0; k < CLASSES.length; k++) {
            z[k] = PrivateSoftmaxCrossEntropyTest.logits(CLASSES[k], 111, r);
            zShares[k] = TestShares.split(z[k], r);
            y[k] = PrivateSoftmaxCrossEntropyTest.oneHot(z[k].length / CLASSES[k], CLASSES[k], r);
        }
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build())) {
            long[][][] losses = new long[2][CLASSES.length][];
            TwoPartyRunner.Results<PrivateSoftmaxCrossEntropy.Result[], PrivateSoftmaxCrossEntropy.Result[]> res =
                    TwoPartyRunner.run(pair.party(0), s -> all(TwoPartyBackend.open(s, PrivateSoftmaxCrossEntropyTest.FP),
                            zShares, new long[CLASSES.length][], losses[0], 0, s),
                            pair.party(1), s -> all(TwoPartyBackend.open(s, PrivateSoftmaxCrossEntropyTest.FP),
                            zShares, y, losses[1], 1, null));
            PrivateSoftmaxCrossEntropy plain = new PrivateSoftmaxCrossEntropy(
                    new InsecurePlaintextBackend(PrivateSoftmaxCrossEntropyTest.FP));
            for (int k = 0; k < CLASSES.length; k++) {
                int batch = z[k].length / CLASSES[k];
                PrivateSoftmaxCrossEntropy.Result e = plain.lossTerms(z[k], 48, y[k], batch, CLASSES[k],
                        ProtocolId.of("p"));
                PrivateSoftmaxCrossEntropy.Result a = res.party0()[k];
                PrivateSoftmaxCrossEntropy.Result b = res.party1()[k];
                String c = "C=" + CLASSES[k] + ": ";
                assertArrayEquals(e.p(), TestShares.join(a.p(), b.p()), c + "p");
                assertArrayEquals(e.delta(), TestShares.join(a.delta(), b.delta()), c + "delta");
                assertArrayEquals(e.rowSum(), TestShares.join(a.rowSum(), b.rowSum()), c + "row sums");
                assertArrayEquals(e.labelled(), TestShares.join(a.labelled(), b.labelled()), c + "labels' term");
                assertArrayEquals(plain.rowLosses(e, ProtocolId.of("p", "loss")),
                        TestShares.join(losses[0][k], losses[1][k]), c + "row losses");
            }
        }
    }

    private static PrivateSoftmaxCrossEntropy.Result[] all(Backend be, long[][][] z, long[][] labels, long[][] losses,
            int party, Session s) {
        PrivateSoftmaxCrossEntropy sm = new PrivateSoftmaxCrossEntropy(be);
        PrivateSoftmaxCrossEntropy.Result[] out = new PrivateSoftmaxCrossEntropy.Result[z.length];
        for (int k = 0; k < z.length; k++) {
            int classes = CLASSES[k];
            int batch = z[k][party].length / classes;
            long[] y = labels[k] == null ? new long[z[k][party].length] : labels[k];
            var before = s == null ? null : s.traffic().snapshot();
            long cpu = s == null ? 0 : s.threads().cpuNanos();
            out[k] = sm.lossTerms(z[k][party], 48, y, batch, classes, ProtocolId.of("softmax" + k));
            var mid = s == null ? null : s.traffic().snapshot();
            long cpuMid = s == null ? 0 : s.threads().cpuNanos();
            losses[k] = sm.rowLosses(out[k], ProtocolId.of("softmax" + k, "loss"));
            if (s != null) {
                var t = mid.minus(before).total();
                var l = s.traffic().snapshot().minus(mid).total();
                System.out.printf("private softmax C=%d two-party, %d rows: %.0f bytes/row (party 0 sent %.0f, "
                        + "received %.0f), %d flights of party 0, party 0 CPU %.1f us/row; the loss (log and floor): "
                        + "%.0f bytes/row, %d flights, CPU %.1f us/row%n", classes, batch,
                        t.bytesTotal() / (double) batch, t.bytesSent() / (double) batch,
                        t.bytesReceived() / (double) batch, t.rounds(), (cpuMid - cpu) / 1e3 / batch,
                        l.bytesTotal() / (double) batch, l.rounds(), (s.threads().cpuNanos() - cpuMid) / 1e3 / batch);
            }
        }
        return out;
    }
}
