package org.securetrain.layermath;

import java.util.Arrays;
import org.securetrain.backend.Backend;
import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * DL4J's adaptive updaters (ND4J 1.0.0-M2.1's libnd4j helpers {@code updaterAdam} etc.) on shares: the state stays
 * secret-shared, every hyper-parameter and the iteration are public. Formulas (t = iteration + 1):
 * <ul>
 *   <li>Adam: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, update = alpha m / (sqrt(v) + eps),
 *       alpha = lr sqrt(1 - b2^t) / (1 - b1^t).</li>
 *   <li>AMSGrad: as Adam with vHat = max(vHat, v) in the denominator.</li>
 *   <li>Nadam: m and v as Adam, update = lr (b1 m + (1-b1) g) / (1 - b1^t) / (sqrt(v) + eps), with
 *       b1 m + (1-b1) g = b1^2 m_old + (1 - b1^2) g formed in the moments' call.</li>
 *   <li>AdaMax: m as Adam, u = max(b2 u, |g|), update = lr / (1 - b1^t) m / u (libnd4j's + 1e-32 on u is below one
 *       ulp of the state scale).</li>
 *   <li>AdaGrad: h = h + g^2, update = lr g / (sqrt(h) + eps). RmsProp: c = d c + (1-d) g^2, update = lr g /
 *       (sqrt(c) + eps).</li>
 *   <li>AdaDelta: msg = rho msg + (1-rho) g^2, update = g sqrt(msdx + eps) / sqrt(msg + eps), msdx = rho msdx +
 *       (1-rho) update^2 (no learning rate; see {@link #step}'s AdaDelta branch).</li>
 * </ul>
 *
 * <p>Fixed point. g arrives at scale f; every state is kept at scale S = 2f + {@value #STATE_GUARD_BITS}: g^2 of a
 * scale-f value is exact at 2f, and the 8 more bits keep (1 - b2) g^2 of the smallest gradients (one ulp of f: 2^-24)
 * above one ulp of S, where at 2f the second moment of any |g| &lt; 2^-19 would floor to 0 and the update become
 * alpha m / eps (up to 60 times DL4J's). m at S keeps the numerator's error far below the parameter's ulp after the
 * division by sqrt(v). States must stay below 2^60: |g| &lt; 2^((60 - S) / 2) = 4 at f = 24 (the range guard checks
 * every truncation input and stops the run beyond). Products of states with public constants are exact floors of a 29-bit-multiplier blend
 * ({@link PublicBlend}): floor(c1 x1 + c2 x2) at S, a deterministic function of the shared values. The update:
 * d = sqrt(v) at S plus round(eps 2^S) (exact), r = 1/d at scale R, a = alpha x numerator at scale A (a 22-bit
 * mantissa blend, A chosen so a stays below 2^(35 + 6)), update = floor(a r / 2^(A + R - f)), all exact floors.
 * R = {@value #PRODUCT_BITS} - 35 - ceil(log2 B) for the step's ratio bound B ({@link AdaptiveStep#ratioBound}).
 * The error argument is in docs/security/adaptive-updaters.md.
 */
public final class AdaptiveUpdate {
    /** Split bit (and precision) of the moments' multipliers: c is kept as round(c 2^29). */
    public static final int BLEND_BITS = 29;
    /** Extra bits of the state scale beyond 2f: S = 2f + 8. */
    public static final int STATE_GUARD_BITS = 8;
    /** Largest split bit of the step size's 22-bit mantissa ({@link PublicBlend}: 2^22 2^(E+1) &lt; 2^61). */
    static final int MAX_ALPHA_SPLIT = 38;
    /** The product a r stays below 2^PRODUCT_BITS when the ratio bound holds (the guard's 2^61 leaves one bit). */
    static final int PRODUCT_BITS = 60;

    private final Backend be;
    private final PositiveRoots roots;
    private final int f;
    private final int s;

    public AdaptiveUpdate(Backend be, PositiveRoots roots) {
        this.be = java.util.Objects.requireNonNull(be, "backend");
        this.roots = java.util.Objects.requireNonNull(roots, "roots");
        this.f = be.fixedPoint().fracBits();
        this.s = 2 * f + STATE_GUARD_BITS;
        if (s > 58) {
            throw new IllegalArgumentException("adaptive updaters keep their state at scale 2f + " + STATE_GUARD_BITS
                    + " <= 58, got f = " + f);
        }
    }

    /** The state scale S = 2f + {@value #STATE_GUARD_BITS}. */
    public int stateBits() {
        return s;
    }

    /**
     * One step: shares of the update (scale f; the caller subtracts it from the parameter) for shares of the gradient
     * g (scale f, already divided by the batch and regularised). {@code state} holds this party's state arrays in
     * {@link AdaptiveStep.Rule#stateNames()} order at scale S (null entries: DL4J's initial zeros); they are replaced
     * by the new state. Both parties call it with the same step and id.
     */
    public long[] step(AdaptiveStep st, long[] g, long[][] state, ProtocolId id) {
        int n = g.length;
        if (state.length != st.rule().stateNames().size()) {
            throw new IllegalArgumentException(st.rule() + " keeps " + st.rule().stateNames().size()
                    + " state arrays, got " + state.length);
        }
        for (int k = 0; k < state.length; k++) {
            if (state[k] == null) {
                state[k] = initialState(st, n);
            } else if (state[k].length != n) {
                throw new IllegalArgumentException(st.rule() + " state " + st.rule().stateNames().get(k) + " has "
                        + state[k].length + " elements, gradient " + n);
            }
        }
        long[] gS = shift(g, s - f);
        long[] numerator;
        long[] denominator;
        switch (st.rule()) {
            case ADAM, AMSGRAD, NADAM -> {
                long[] q = shift(be.square(g, id.child("square")), s - 2 * f);
                boolean nadam = st.rule() == AdaptiveStep.Rule.NADAM;
                int segments = nadam ? 3 : 2;
                long[] x1 = concat(state[0], state[1], nadam ? state[0] : null);
                long[] x2 = concat(gS, q, nadam ? gS : null);
                long[] m1 = new long[segments * n];
                long[] m2 = new long[segments * n];
                fillPair(m1, m2, 0, n, st.beta1());
                fillPair(m1, m2, n, n, st.beta2());
                if (nadam) {
                    fillPair(m1, m2, 2 * n, n, st.beta1() * st.beta1());
                }
                long[] res = PublicBlend.floor(be, x1, m1, x2, m2, BLEND_BITS, id.child("moments"));
                state[0] = Arrays.copyOfRange(res, 0, n);
                state[1] = Arrays.copyOfRange(res, n, 2 * n);
                numerator = nadam ? Arrays.copyOfRange(res, 2 * n, 3 * n) : state[0];
                long[] second = state[1];
                if (st.rule() == AdaptiveStep.Rule.AMSGRAD) {
                    state[2] = max(state[2], state[1], id.child("vHat"));
                    second = state[2];
                }
                denominator = plusEpsilon(roots.sqrt(second, s, s, PublicBlend.INPUT_BITS + 1, id.child("sqrt")),
                        st.epsilon());
            }
            case ADAMAX -> {
                long[] absG = shift(abs(g, id.child("abs")), s - f);
                long[] x1 = concat(state[0], state[1], null);
                long[] x2 = concat(gS, gS, null);
                long[] m1 = new long[2 * n];
                long[] m2 = new long[2 * n];
                fillPair(m1, m2, 0, n, st.beta1());
                Arrays.fill(m1, n, 2 * n, multiplier(st.beta2())); // b2 u alone: the second multiplier stays 0
                long[] res = PublicBlend.floor(be, x1, m1, x2, m2, BLEND_BITS, id.child("moments"));
                state[0] = Arrays.copyOfRange(res, 0, n);
                state[1] = max(Arrays.copyOfRange(res, n, 2 * n), absG, id.child("u"));
                numerator = state[0];
                denominator = state[1];
            }
            case ADAGRAD, RMSPROP -> {
                long[] q = shift(be.square(g, id.child("square")), s - 2 * f);
                if (st.rule() == AdaptiveStep.Rule.ADAGRAD) {
                    long[] h = state[0].clone();
                    for (int i = 0; i < n; i++) {
                        h[i] += q[i];
                    }
                    state[0] = h;
                } else {
                    long[] m1 = new long[n];
                    long[] m2 = new long[n];
                    fillPair(m1, m2, 0, n, st.beta2());
                    state[0] = PublicBlend.floor(be, state[0], m1, q, m2, BLEND_BITS, id.child("cache"));
                }
                numerator = gS;
                denominator = plusEpsilon(roots.sqrt(state[0], s, s, PublicBlend.INPUT_BITS + 1, id.child("sqrt")),
                        st.epsilon());
            }
            case ADADELTA -> {
                return adaDelta(st, g, state, id);
            }
            default -> throw new IllegalStateException("unhandled rule " + st.rule());
        }
        return quotient(st, numerator, denominator, id);
    }

    /** AdaDelta's g / sqrt(msg + eps) is kept at scale f + {@value}. */
    static final int ADADELTA_QUOTIENT_BITS = 4;
    /** AdaDelta's sqrt(msdx + eps) is kept at scale f + {@value}. */
    static final int ADADELTA_ROOT_BITS = 6;

    /**
     * The scale D of AdaDelta's 1/sqrt(msg + eps): g D-scaled stays below 2^60 since |g| / sqrt(msg + eps) &lt;=
     * 1 / sqrt(1 - rho) (msg &gt;= (1 - rho) g^2; one bit more for the floors).
     */
    public int adaDeltaDenominatorBits(AdaptiveStep st) {
        int ratioBits = Math.getExponent(1 / Math.sqrt(1 - st.beta2())) + 2;
        return Math.min(ExactRoots.MAX_SCALE, 60 - f - ratioBits);
    }

    /**
     * DL4J's AdaDelta (libnd4j {@code updaterAdaDelta}): msg = rho msg + (1 - rho) g^2; update = g sqrt(msdx + eps) /
     * sqrt(msg + eps); msdx = rho msdx + (1 - rho) update^2 (the old msdx in the update, the new update in msdx). No
     * learning rate. On shares: msg by the public blend at S; num = sqrt(msdx + eps) at f + 6 and r = rsqrt(msg + eps)
     * at D ({@link PositiveRoots#rsqrtRelative}: relative 2^-26.0, the bound's term; the faithful rsqrt's correction would
     * add about 22 flights per step); q = floor(g r) at f + 4 (exact floor; |q| &lt;= 1 / sqrt(1 - rho));
     * update = floor(q num) at f (exact floor: the range guard bounds |update| &lt; 8); msdx by the blend of update^2.
     */
    private long[] adaDelta(AdaptiveStep st, long[] g, long[][] state, ProtocolId id) {
        int n = g.length;
        long[] m1 = new long[n];
        long[] m2 = new long[n];
        fillPair(m1, m2, 0, n, st.beta2());
        long[] q = shift(be.square(g, id.child("square")), s - 2 * f);
        state[0] = PublicBlend.floor(be, state[0], m1, q, m2, BLEND_BITS, id.child("msg"));
        int a = f + ADADELTA_ROOT_BITS;
        int d = adaDeltaDenominatorBits(st);
        int p = f + ADADELTA_QUOTIENT_BITS;
        long[] num = roots.sqrt(plusEpsilon(state[1], st.epsilon()), s, a, PublicBlend.INPUT_BITS + 1,
                id.child("sqrt"));
        long[] r = roots.rsqrtRelative(plusEpsilon(state[0], st.epsilon()), s, d, PublicBlend.INPUT_BITS + 1,
                id.child("rsqrt"));
        long[] gr = ExactTruncation.floor(be, be.multiplyElementwise(g, r, id.child("ratio")), f + d - p,
                id.child("ratio", "floor"));
        long[] update = ExactTruncation.floor(be, be.multiplyElementwise(gr, num, id.child("product")), p + a - f,
                id.child("update"));
        long[] u2 = shift(be.square(update, id.child("square2")), s - 2 * f);
        state[1] = PublicBlend.floor(be, state[1], m1, u2, m2, BLEND_BITS, id.child("msdx"));
        return update;
    }

    /** Split bit E of alpha x numerator: a = floor(M numerator / 2^E) &lt; 2^(22 + S - E) |numerator|. */
    int alphaSplit() {
        return Math.min(MAX_ALPHA_SPLIT, s - 13);
    }

    /**
     * The reciprocal's output scale R for this step: a r &lt; 2^(22 + S - E) B 2^R stays below
     * 2^{@value #PRODUCT_BITS} for the ratio bound B.
     */
    public int reciprocalBits(AdaptiveStep st) {
        int ratioBits = Math.max(0, Math.getExponent(st.ratioBound(s)) + 1);
        return PRODUCT_BITS - (SgdConfig.CONSTANT_BITS + s - alphaSplit()) - ratioBits;
    }

    /** The scale A of a = alpha x numerator: S + (the step size's mantissa shift) - E. */
    public int stepSizeBits(AdaptiveStep st) {
        return s + SgdConfig.Constant.of(st.alpha()).shift() - alphaSplit();
    }

    /** alpha numerator / denominator at scale f: r = 1/d at R, a = alpha numerator at A, floor(a r / 2^(A + R - f)). */
    private long[] quotient(AdaptiveStep st, long[] numerator, long[] denominator, ProtocolId id) {
        int n = numerator.length;
        int r = reciprocalBits(st);
        // d < 2^(31 + S/2): the root of a state below 2^61 plus eps < 1; AdaMax's u is a state itself (< 2^61)
        int dBits = st.rule() == AdaptiveStep.Rule.ADAMAX ? PublicBlend.INPUT_BITS + 1 : 31 + s / 2;
        // d = sqrt(.) + round(eps 2^S) >= round(eps 2^S) (the root is >= 0): the leading-one thresholds up to that
        // public floor need no comparison (AdaMax's u has no such floor)
        long epsWord = Math.round(Math.scalb(st.epsilon(), s));
        int lowBits = st.rule() == AdaptiveStep.Rule.ADAMAX || epsWord < 1 ? -1 : 63 - Long.numberOfLeadingZeros(epsWord);
        long[] recip = lowBits >= 0 && lowBits < dBits
                ? roots.reciprocalAtLeast(denominator, s, r, lowBits, dBits, id.child("reciprocal"))
                : roots.reciprocal(denominator, s, r, dBits, id.child("reciprocal"));
        SgdConfig.Constant alpha = SgdConfig.Constant.of(st.alpha());
        int a = stepSizeBits(st);
        long[] scaled = PublicBlend.floor(be, numerator, PublicBlend.fill(n, alpha.mantissa()), null, null,
                alphaSplit(), id.child("alpha"));
        int shift = a + r - f;
        if (shift < 1 || shift > 61) {
            throw new IllegalArgumentException(st.rule() + ": step size " + st.alpha() + " is outside the supported "
                    + "range (product scale " + (a + r) + ")");
        }
        long[] p = be.multiplyElementwise(scaled, recip, id.child("product"));
        return ExactTruncation.floor(be, p, shift, id.child("update"));
    }

    /**
     * DL4J's initial state: zeros, except AdaGrad's history and RmsProp's cache, which its updaters fill with epsilon
     * (held by party 0, at scale S).
     */
    private long[] initialState(AdaptiveStep st, int n) {
        long[] z = new long[n];
        if ((st.rule() == AdaptiveStep.Rule.ADAGRAD || st.rule() == AdaptiveStep.Rule.RMSPROP) && be.actsFor(0)) {
            Arrays.fill(z, Math.round(Math.scalb(st.epsilon(), s)));
        }
        return z;
    }

    /** max(a, b) = b + relu(a - b): one sign test of a - b (|a - b| &lt; 2^61) and one multiplexer. */
    private long[] max(long[] a, long[] b, ProtocolId id) {
        int n = a.length;
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i] - b[i];
        }
        long[] gated = be.bitTimesShare(be.positiveBounded(d, 62, id.child("sign")), d, id.child("mux"));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = b[i] + gated[i];
        }
        return out;
    }

    /** |g| = 2 [g &gt; 0] g - g. */
    private long[] abs(long[] g, ProtocolId id) {
        int n = g.length;
        long[] twice = new long[n];
        for (int i = 0; i < n; i++) {
            twice[i] = 2 * g[i];
        }
        long[] gated = be.bitTimesShare(be.positive(g, id.child("sign")), twice, id.child("mux"));
        for (int i = 0; i < n; i++) {
            gated[i] -= g[i];
        }
        return gated;
    }

    /** d + round(eps 2^S), the constant added by party 0. */
    private long[] plusEpsilon(long[] d, double epsilon) {
        long e = be.actsFor(0) ? Math.round(Math.scalb(epsilon, s)) : 0;
        long[] out = d.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += e;
        }
        return out;
    }

    /** round(c 2^BLEND_BITS) for c in [0, 1]. */
    static long multiplier(double c) {
        return Math.round(Math.scalb(c, BLEND_BITS));
    }

    /** Multipliers of c x1 + (1 - c) x2 for elements [from, from + n): round(c 2^K) and 2^K minus it. */
    private static void fillPair(long[] m1, long[] m2, int from, int n, double c) {
        long k = multiplier(c);
        Arrays.fill(m1, from, from + n, k);
        Arrays.fill(m2, from, from + n, multiplier(1 - c));
    }

    private static long[] shift(long[] x, int bits) {
        if (bits == 0) {
            return x;
        }
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] << bits;
        }
        return y;
    }

    /** a, b and (when not null) c one after another. */
    private static long[] concat(long[] a, long[] b, long[] c) {
        return c == null ? RingMatrix.concat(a, b) : RingMatrix.concat(a, b, c);
    }
}
