package org.securetrain.layermath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The piecewise-linear activations on the two-party backend against their plaintext definition: forward and backward
 * within one ulp per fractional-slope truncation, DL4J's side of every edge exact (values exactly on breakpoints).
 */
@Timeout(300)
class PiecewiseLinearTest {
    static final FixedPoint FP = FixedPoint.of(FixedPoint.DEFAULT_FRAC_BITS);
    static InMemoryTransport.Pair pair;
    static TwoPartyBackend[] be = new TwoPartyBackend[2];

    @BeforeAll
    static void open() {
        pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(60)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(60)).build());
        var r = TwoPartyRunner.run(pair.party(0), s -> TwoPartyBackend.open(s, FP), pair.party(1),
                s -> TwoPartyBackend.open(s, FP));
        be[0] = r.party0();
        be[1] = r.party1();
    }

    @AfterAll
    static void close() {
        pair.close();
    }

    static <T> TwoPartyRunner.Results<T, T> both(BiFunction<Backend, Integer, T> body) {
        return TwoPartyRunner.run(pair.party(0), s -> body.apply(be[0], 0), pair.party(1), s -> body.apply(be[1], 1));
    }

    static final PiecewiseLinear LEAKY = new PiecewiseLinear("leaky", new double[] {0}, new boolean[] {true},
            new double[] {0.01, 1}, new double[] {0, 0});
    static final PiecewiseLinear HARD_SIGMOID = new PiecewiseLinear("hardsigmoid", new double[] {-2.5, 2.5},
            new boolean[] {true, false}, new double[] {0, 0.2, 0}, new double[] {0, 0.5, 1});

    @Test
    void forwardAndBackwardMatchThePlaintextFunction() {
        for (PiecewiseLinear fn : new PiecewiseLinear[] {LEAKY, HARD_SIGMOID}) {
            Random r = new Random(5);
            int n = 300;
            double[] x = new double[n];
            double[] dy = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = i < 4 ? new double[] {0, -2.5, 2.5, -1e-7}[i] : r.nextGaussian() * 3;
                dy[i] = r.nextGaussian();
            }
            long[] xe = FP.encode(x);
            long[] dye = FP.encode(dy);
            Random masks = new Random(9);
            long[] x0 = new long[n];
            long[] d0 = new long[n];
            for (int i = 0; i < n; i++) {
                x0[i] = masks.nextLong();
                d0[i] = masks.nextLong();
            }
            var res = both((b, p) -> {
                long[] xs = new long[n];
                long[] ds = new long[n];
                for (int i = 0; i < n; i++) {
                    xs[i] = p == 0 ? x0[i] : xe[i] - x0[i];
                    ds[i] = p == 0 ? d0[i] : dye[i] - d0[i];
                }
                ElementwiseActivation.Applied a = fn.forward(b, xs, ProtocolId.parse("t." + fn.name()));
                long[] dx = fn.backward(b, a, ds, ProtocolId.parse("t." + fn.name() + ".b"));
                return new long[][] {a.y(), dx};
            });
            double ulp = FP.ulp();
            double maxY = 0;
            double maxDx = 0;
            for (int i = 0; i < n; i++) {
                double y = FP.decode(res.party0()[0][i] + res.party1()[0][i]);
                double dx = FP.decode(res.party0()[1][i] + res.party1()[1][i]);
                double xv = FP.decode(xe[i]);
                maxY = Math.max(maxY, Math.abs(y - fn.apply(xv)));
                maxDx = Math.max(maxDx, Math.abs(dx - fn.derivative(xv) * FP.decode(dye[i])));
            }
            System.out.printf("%s: max |y - f(x)| %.3e, max |dx - f'(x) dy| %.3e (ulp %.3e)%n", fn, maxY, maxDx, ulp);
            assertTrue(maxY <= 3 * ulp, fn + " forward " + maxY);
            assertTrue(maxDx <= 3 * ulp, fn + " backward " + maxDx);
        }
    }

    @Test
    void plaintextFormIsDl4jsAtTheEdges() {
        assertEquals(1.0, LEAKY.derivative(0), 0);
        assertEquals(0.01, LEAKY.derivative(-1e-9), 0);
        assertEquals(0.2, HARD_SIGMOID.derivative(-2.5), 0);
        assertEquals(0.2, HARD_SIGMOID.derivative(2.5), 0);
        assertEquals(0.0, HARD_SIGMOID.derivative(2.5000001), 0);
        assertEquals(0.5, HARD_SIGMOID.apply(0), 0);
    }
}
