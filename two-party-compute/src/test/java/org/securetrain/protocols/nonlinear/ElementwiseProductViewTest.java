package org.securetrain.protocols.nonlinear;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.crypto.ot.flavours.CotPair;
import org.securetrain.crypto.ot.flavours.DealerCots;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party receives in an element-wise product and a square ({@link ElementwiseProduct}), and its output
 * shares, for two private inputs of the other party (its shares of x and y all zero, or random) while its own
 * shares stay the same: the views must be indistinguishable ({@link ViewAssert}: same schedule, same
 * distributions), contain none of the peer's words nor the products in the clear, and the output shares must be
 * uniform. On ideal random COTs from a test dealer (the COT sources' own views are OtViewTest's and
 * FerretViewTest's), and once on the real backend (Ferret COTs, every stream; tagged slow). Negative control: on a broken COT
 * source (constant choice bits, zero correlation) the flips carry the receiver's bits of y and the corrections
 * the sender's x, and the checks must notice.
 */
@Timeout(300)
class ElementwiseProductViewTest {
    static final int N = 1 << 13;
    static final Prg G = NlPair.prg();
    static final long[] OWN_X = G.nextLongs(N);
    static final long[] OWN_Y = G.nextLongs(N);
    static final long[] PEER_X = G.nextLongs(N);
    static final long[] PEER_Y = G.nextLongs(N);

    /** One party's shares: the observer's fixed ones, or the peer's (zero in run A, random in run B). */
    static long[][] shares(int party, int observer, boolean runB) {
        if (party == observer) {
            return new long[][] {OWN_X, OWN_Y};
        }
        return runB ? new long[][] {PEER_X, PEER_Y} : new long[][] {new long[N], new long[N]};
    }

    static Outputs protocol(CotChannel c, long[][] in) {
        return Outputs.of("product share", ElementwiseProduct.multiply(c, in[0], in[1]))
                .and("square share", ElementwiseProduct.square(c, in[0]));
    }

    /** The observer's view of one run on dealer COTs (honest or broken). */
    static View dealerRun(boolean broken, int observer, boolean runB) {
        DealerCots d0 = broken ? DealerCots.brokenAll() : DealerCots.honest();
        DealerCots d1 = broken ? DealerCots.brokenAll() : DealerCots.honest();
        CotPair[] cots = DealerCots.pairs(d0, d1, "view");
        return TwoPartyViews.run((Session s, int p) -> CotChannel.of(s.channel("nl.view"), cots[p]),
                (CotChannel c, Session s, int p) -> protocol(c, shares(p, observer, runB))).party(observer);
    }

    /** The observer's view of one run on the real two-party backend (set-up left out of the view). */
    static View backendRun(int observer, boolean runB) {
        ProtocolId id = ProtocolId.parse("view.emul");
        return TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FixedPoint.of(24)),
                (TwoPartyBackend be, Session s, int p) -> {
                    long[][] in = shares(p, observer, runB);
                    return Outputs.of("product share", be.multiplyElementwise(in[0], in[1], id))
                            .and("square share", be.square(in[0], id.child("sq")));
                }).party(observer);
    }

    /** The peer's words and the plaintext results of the run: none may appear in the observer's view. */
    static ForbiddenWords secrets(int observer, boolean runB) {
        long[][] peer = shares(1 - observer, observer, runB);
        long[] xy = new long[N];
        long[] xx = new long[N];
        for (int i = 0; i < N; i++) {
            long x = OWN_X[i] + peer[0][i];
            long y = OWN_Y[i] + peer[1][i];
            xy[i] = x * y;
            xx[i] = x * x;
        }
        return ForbiddenWords.of("the peer's x share", peer[0]).and("the peer's y share", peer[1]).and("x*y", xy)
                .and("x*x", xx);
    }

    static void check(View a, View b, int observer, String what) {
        ViewAssert.assertIndistinguishable(a, secrets(observer, false), b, secrets(observer, true), what);
        ViewAssert.assertUniform(a.outputs().get("product share"), what + ", product share (peer input A)");
        ViewAssert.assertUniform(b.outputs().get("square share"), what + ", square share (peer input B)");
    }

    @Test
    void neitherPartysViewDependsOnThePeersShares() {
        for (int observer = 0; observer < 2; observer++) {
            check(dealerRun(false, observer, false), dealerRun(false, observer, true), observer,
                    "element-wise product and square, party " + observer + "'s view");
        }
    }

    /** Slow (a backend pair per run: HE keys, Ferret bootstrap); the protocol's own view is checked above. */
    @Test
    @Tag("slow")
    void onTheRealBackendTheDataOwnerSeesNothingOfTheModelOwnersShares() {
        check(backendRun(1, false), backendRun(1, true), 1, "backend product and square, party 1's view");
    }

    @Test
    void aBrokenCotSourceShowsInBothViews() {
        for (int observer = 0; observer < 2; observer++) {
            int obs = observer;
            ViewAssert.assertLeakCaught(() -> check(dealerRun(true, obs, false), dealerRun(true, obs, true), obs,
                    "leaky"), "element-wise product on broken COTs, party " + obs + "'s view");
        }
    }
}
