package org.securetrain.layermath;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.Backend;
import org.securetrain.backend.InsecurePlaintextBackend;
import org.securetrain.backend.TwoPartyBackend;
import org.securetrain.ring.FixedPoint;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.TwoPartyViews.Outputs;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party receives while exp, sigmoid and tanh run on the real two-party backend (comparisons, multiplexers,
 * table lookups, products, exact floors), over every stream, for two private inputs of the other party: the other
 * party holds the input X alone (this party's share is 0), run A with X = 0, run B with X ~ N(0, 4^2). The views must
 * be indistinguishable ({@link ViewAssert}) and contain neither X nor the functions' plaintext values.
 */
@Timeout(600)
class ExactFunctionsViewTest {
    static final FixedPoint FP = ViewInputs.FP;
    static final int N = 256;

    static Outputs functions(Backend be, long[] share) {
        ExactFunctions ef = new ExactFunctions(be);
        return Outputs.of("exp share", ef.exp(share, ProtocolId.of("view", "exp")))
                .and("sigmoid share", ef.sigmoid(share, ProtocolId.of("view", "sigmoid")))
                .and("tanh share", ef.tanh(share, ProtocolId.of("view", "tanh")));
    }

    static ForbiddenWords plaintext(long[] x) {
        ExactFunctions ef = new ExactFunctions(new InsecurePlaintextBackend(FP));
        return ForbiddenWords.of("the peer's input X", x).and("exp(X)", ef.exp(x, ProtocolId.of("p")))
                .and("sigmoid(X)", ef.sigmoid(x, ProtocolId.of("p"))).and("tanh(X)", ef.tanh(x, ProtocolId.of("p")));
    }

    /** The observer's view when the other party holds x alone. */
    static View run(int observer, long[] x) {
        long[] zero = new long[N];
        View v = TwoPartyViews.run((Session s, int p) -> TwoPartyBackend.open(s, FP),
                (TwoPartyBackend be, Session s, int p) -> functions(be, p == observer ? zero : x)).party(observer);
        System.out.println("party " + observer + "'s view of exp, sigmoid and tanh:\n" + v.summary());
        return v;
    }

    static void check(int observer) {
        long[] a = new long[N];
        long[] b = ViewInputs.gaussian(N, 4);
        ViewAssert.assertIndistinguishable(run(observer, a), plaintext(a), run(observer, b), plaintext(b),
                "exp/sigmoid/tanh, party " + observer + "'s view");
    }

    @Test
    void theModelOwnerSeesNothingOfTheDataOwnersInput() {
        check(0);
    }

    @Test
    void theDataOwnerSeesNothingOfTheModelOwnersInput() {
        check(1);
    }
}
