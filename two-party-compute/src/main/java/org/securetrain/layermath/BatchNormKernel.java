package org.securetrain.layermath;

import org.securetrain.backend.Backend;
import org.securetrain.ring.RingMatrix;
import org.securetrain.runtime.ProtocolId;

/**
 * Batch normalisation on shares at scale f (DL4J 1.0.0-M2.1's {@code BatchNormalization}, dense and convolutional):
 * y = gamma (x - mean) / sqrt(var + eps) + beta per channel, with the batch's mean and biased variance in training
 * and the running estimates at inference. Everything is {@link Backend} calls on this party's shares; the plaintext
 * reference runs the same integer steps. The error argument is in docs/security/batchnorm.md.
 *
 * <p>Training forward, for a channel with n = batch x positions elements (n public):
 * <ol>
 *   <li>the channel sum S (local, exact mod 2^64) and mean = S / n ({@link #divideByCount}: a public-constant product
 *   with two faithful truncations);</li>
 *   <li>d = x - mean (local); d^2 exact at scale 2f ({@link Backend#square}), truncated to f per element, summed
 *   (local) and divided by n: the biased variance, as DL4J's {@code var(false, ...)};</li>
 *   <li>r = 1/sqrt(var + eps) for each channel ({@link ExactRoots#rsqrt}, one call for all channels; var + eps &lt;
 *   2^(62 - f) since every d^2 entered a checked truncation below 2^61);</li>
 *   <li>xHat = d r (one element-wise product, truncated to f) and y = gamma xHat + beta (one more), or with
 *   {@code lockGammaBeta} DL4J's public constants (see {@link Locked}).</li>
 * </ol>
 * Backward from dL/dY (DL4J's formula with the mean's exact sum of deviations, zero, left out: see the document):
 * dGamma = sum dY xHat, dBeta = sum dY, dX = gamma r (dY - dBeta/n - xHat dGamma/n); then the running estimates move
 * as DL4J's updater moves them: mean -= (1 - decay)(mean - batchMean), var likewise with the batch's biased variance
 * (DL4J's log10-of-stdev parameterisation, its default, is the same recurrence on var; the layer keeps var).
 * Inference: the running mean and var in place of the batch's, one rsqrt per channel per call.
 */
public final class BatchNormKernel {
    /** Mantissa bits of 2^e / n in {@link #divideByCount} (below f so that products stay below 2^61, see there). */
    static final int COUNT_BITS = 22;

    private final ProtocolId id;
    private final int channels;
    private final double eps;
    private final double decay;
    private final Locked locked;
    private final ParameterShare gamma;
    private final ParameterShare beta;
    private final ParameterShare mean;
    private final ParameterShare var;
    private Forward last;

    /**
     * DL4J's {@code lockGammaBeta}: gamma and beta are the public constants of the configuration, not parameters. DL4J
     * 1.0.0-M2.1 applies them in its forward only when gamma != 1 <b>and</b> beta != 0 (otherwise y = xHat), while its
     * backward always multiplies by gamma; both are reproduced.
     */
    public record Locked(double gamma, double beta) {
        boolean appliedInForward() {
            return gamma != 1.0 && beta != 0.0;
        }
    }

    /**
     * Where the channel of an element sits in the C-order values: [batch, C] (dense) and NHWC have it last, NCHW
     * second ({@code spatial} = H W elements per channel and example).
     */
    public record Layout(int batch, int channels, int spatial, boolean channelsLast) {
        public Layout {
            if (batch < 1 || channels < 1 || spatial < 1) {
                throw new IllegalArgumentException("batch, channels and positions must be positive: " + batch + ", "
                        + channels + ", " + spatial);
            }
        }

        int size() {
            return Math.multiplyExact(Math.multiplyExact(batch, channels), spatial);
        }

        /** Elements per channel (the public count n). */
        long perChannel() {
            return (long) batch * spatial;
        }

        int channelOf(int i) {
            return channelsLast ? i % channels : (i / spatial) % channels;
        }
    }

    /** What the training forward keeps for backward. */
    private record Forward(Layout layout, long[] xHat, long[] r, long[] batchMean, long[] batchVar) {
    }

    /**
     * @param name     the layer's protocol name
     * @param gamma    gamma's initial share (scale f), or null with {@code locked}
     * @param beta     beta's initial share, or null with {@code locked}
     * @param mean     the running mean's initial share
     * @param variance the running variance's initial share (var itself, whatever DL4J's parameterisation)
     */
    public BatchNormKernel(String name, int channels, double eps, double decay, Locked locked, long[] gamma,
            long[] beta, long[] mean, long[] variance) {
        this.id = ProtocolId.parse(name);
        this.channels = channels;
        if (!(eps >= 0) || !(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException(name + ": eps must be >= 0 and decay in [0, 1], got " + eps + ", "
                    + decay);
        }
        if ((locked == null) != (gamma != null && beta != null)) {
            throw new IllegalArgumentException(name + ": gamma and beta are parameters exactly when not locked");
        }
        this.eps = eps;
        this.decay = decay;
        this.locked = locked;
        this.gamma = gamma == null ? null : new ParameterShare(name + ".gamma", checked(gamma, "gamma"));
        this.beta = beta == null ? null : new ParameterShare(name + ".beta", checked(beta, "beta"));
        this.mean = new ParameterShare(name + ".mean", checked(mean, "mean"));
        this.var = new ParameterShare(name + ".var", checked(variance, "var"));
    }

    private long[] checked(long[] v, String what) {
        if (v.length != channels) {
            throw new IllegalArgumentException(id.name() + ": " + what + " has " + v.length + " values, expected "
                    + channels + " (one per channel)");
        }
        return v;
    }

    public int channels() {
        return channels;
    }

    /** gamma's live share (null when locked). */
    public ParameterShare gamma() {
        return gamma;
    }

    public ParameterShare beta() {
        return beta;
    }

    public ParameterShare runningMean() {
        return mean;
    }

    public ParameterShare runningVar() {
        return var;
    }

    /**
     * The layer's output share (scale f) for this party's share of x (scale f, C order of {@code layout}); in training
     * with the batch's statistics (kept for {@link #backward}), else with the running ones. Both parties call it.
     */
    public long[] forward(Backend be, long[] x, Layout layout, boolean training) {
        if (layout.channels() != channels || x.length != layout.size()) {
            throw new IllegalArgumentException(id.name() + ": input of " + x.length + " values with " + layout
                    + " for " + channels + " channels");
        }
        int f = be.fixedPoint().fracBits();
        ProtocolId fid = id.child(training ? "fwd" : "infer");
        long[] mu;
        long[] variance;
        long[] d;
        if (training) {
            long[][] stats = batchStatistics(be, x, layout, fid);
            mu = stats[0];
            variance = stats[1];
            d = minusPerChannel(x, mu, layout);
        } else {
            mu = mean.value().clone();
            variance = var.value().clone();
            d = minusPerChannel(x, mu, layout);
        }
        long[] r = rsqrt(be, variance, fid.child("rsqrt"));
        long[] xHat = be.truncate(be.multiplyElementwise(d, perElement(r, layout), fid.child("xhat")), f,
                fid.child("xhat", "trunc"));
        last = training ? new Forward(layout, xHat, r, mu, variance) : null;
        if (locked != null) {
            if (!locked.appliedInForward()) {
                return xHat.clone();
            }
            long[] y = timesConstant(be, xHat, locked.gamma(), fid.child("gamma"));
            long b = own(be, be.fixedPoint().encode(locked.beta()));
            for (int i = 0; i < y.length; i++) {
                y[i] += b;
            }
            return y;
        }
        long[] y = be.truncate(be.multiplyElementwise(xHat, perElement(gamma.value(), layout), fid.child("gamma")), f,
                fid.child("gamma", "trunc"));
        long[] b = beta.value();
        for (int i = 0; i < y.length; i++) {
            y[i] += b[layout.channelOf(i)];
        }
        return y;
    }

    /**
     * From this party's share of dL/dY (scale f, a batch sum as DL4J passes it): stores the gradients of gamma and beta
     * (unless locked), moves the running mean and var by the batch's (DL4J's update), and returns dL/dX, or null when
     * {@code needInputGradient} is false.
     */
    public long[] backward(Backend be, long[] dy, boolean needInputGradient) {
        Forward fw = last;
        if (fw == null) {
            throw new IllegalStateException(id.name() + ": backward without a training forward");
        }
        last = null;
        Layout layout = fw.layout();
        if (dy.length != layout.size()) {
            throw new IllegalArgumentException(id.name() + ": gradient of " + dy.length + " values, output has "
                    + layout.size());
        }
        int f = be.fixedPoint().fracBits();
        ProtocolId bid = id.child("bwd");
        int n = dy.length;
        int c = channels;
        // one product call: dY xHat (for dGamma) and, with trained gamma, gamma r (the per-channel factor of dX)
        boolean trained = locked == null;
        long[] left = new long[n + (trained ? c : 0)];
        long[] right = new long[left.length];
        System.arraycopy(dy, 0, left, 0, n);
        System.arraycopy(fw.xHat(), 0, right, 0, n);
        if (trained) {
            System.arraycopy(gamma.value(), 0, left, n, c);
            System.arraycopy(fw.r(), 0, right, n, c);
        }
        long[] prod = be.multiplyElementwise(left, right, bid.child("prod"));
        long[] dGamma2f = new long[c];
        long[] dBeta = new long[c];
        for (int i = 0; i < n; i++) {
            int ch = layout.channelOf(i);
            dGamma2f[ch] += prod[i];
            dBeta[ch] += dy[i];
        }
        long[] toTruncate = new long[c + (trained ? c : 0)];
        System.arraycopy(dGamma2f, 0, toTruncate, 0, c);
        if (trained) {
            System.arraycopy(prod, n, toTruncate, c, c);
        }
        long[] truncated = be.truncate(toTruncate, f, bid.child("trunc"));
        long[] dGamma = java.util.Arrays.copyOf(truncated, c);
        if (trained) {
            gamma.setGradient(dGamma, 0);
            beta.setGradient(dBeta, 0);
        }
        long[] dx = null;
        if (needInputGradient) {
            long[] scale = trained ? java.util.Arrays.copyOfRange(truncated, c, 2 * c)
                    : timesConstant(be, fw.r(), locked.gamma(), bid.child("gr"));
            long[] sums = new long[2 * c];
            System.arraycopy(dBeta, 0, sums, 0, c);
            System.arraycopy(dGamma, 0, sums, c, c);
            long[] perCount = divideByCount(be, sums, layout.perChannel(), bid.child("count"));
            long[] dGammaByN = java.util.Arrays.copyOfRange(perCount, c, 2 * c);
            long[] corr = be.truncate(be.multiplyElementwise(fw.xHat(), perElement(dGammaByN, layout),
                    bid.child("corr")), f, bid.child("corr", "trunc"));
            long[] u = new long[n];
            for (int i = 0; i < n; i++) {
                u[i] = dy[i] - perCount[layout.channelOf(i)] - corr[i];
            }
            dx = be.truncate(be.multiplyElementwise(perElement(scale, layout), u, bid.child("dx")), f,
                    bid.child("dx", "trunc"));
        }
        updateRunningStatistics(be, fw.batchMean(), fw.batchVar(), bid.child("running"));
        return dx;
    }

    /**
     * DL4J's update of the running estimates (applied by its updater as a NoOp "gradient", never divided by the
     * batch): s -= (1 - decay)(s - batch), one truncation of both tensors' differences times the public 1 - decay.
     */
    private void updateRunningStatistics(Backend be, long[] batchMean, long[] batchVar, ProtocolId rid) {
        double rate = 1 - decay;
        if (rate == 0) {
            return;
        }
        int c = channels;
        long[] diff = new long[2 * c];
        for (int i = 0; i < c; i++) {
            diff[i] = mean.value()[i] - batchMean[i];
            diff[c + i] = var.value()[i] - batchVar[i];
        }
        long[] step = timesConstant(be, diff, rate, rid);
        for (int i = 0; i < c; i++) {
            mean.value()[i] -= step[i];
            var.value()[i] -= step[c + i];
        }
    }

    /** The batch's mean and biased variance per channel (scale f): {mean, var}. */
    static long[][] batchStatistics(Backend be, long[] x, Layout layout, ProtocolId fid) {
        int f = be.fixedPoint().fracBits();
        long n = layout.perChannel();
        long[] mu = divideByCount(be, channelSums(x, layout), n, fid.child("mean"));
        long[] d = minusPerChannel(x, mu, layout);
        long[] sq = be.truncate(be.square(d, fid.child("sq")), f, fid.child("sq", "trunc"));
        return new long[][] {mu, divideByCount(be, channelSums(sq, layout), n, fid.child("var"))};
    }

    /**
     * 1/sqrt(v + eps) per channel at scale f ({@link ExactRoots#rsqrtRelative}: faithful below about 2^26.5 ulps,
     * relative error at most 2^-26.0 above, finer than the float32 DL4J's BatchNorm computes in; the faithful
     * {@link ExactRoots#rsqrt} would add 25-30 flights to every forward); v + eps &lt; 2^(62 - f).
     */
    long[] rsqrt(Backend be, long[] v, ProtocolId rid) {
        int f = be.fixedPoint().fracBits();
        long e = own(be, be.fixedPoint().encode(eps));
        long[] ve = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            ve[i] = v[i] + e;
        }
        return new ExactRoots(be).rsqrtRelative(ve, f, f, inputBits(f), rid);
    }

    /**
     * The bound the rsqrt is given: var + eps &lt; 2^(62 - f). Each d^2 (scale 2f) entered a checked truncation, so
     * it is below 2^61 and its truncation below 2^(61 - f) + 1; their mean (the batch variance, {@link #divideByCount}
     * adds at most 6 ulps plus 2^-23 of itself), the running variance (a convex combination of those and the initial
     * 1) and eps (below 2^(61 - f) for any eps below 2^37) stay below 2^(62 - f).
     */
    static int inputBits(int f) {
        return 62 - f;
    }

    /**
     * Shares of s / n (same scale) for a public count n &gt;= 1: with e = ceil(log2 n), t = s / 2^e (faithful
     * truncation; skipped for n = 1) and, unless n = 2^e, t M / 2^p with M = round(2^(e + p) / n) in (2^p, 2^(p+1)] and
     * p = {@link #countBits} (one more faithful truncation). Error: at most 2 ulps from each truncation (the first
     * scaled by 2^e / n &lt; 2) plus |s / n| 2^-(p+1) from M's rounding: |error| &lt;= 6 ulps + 2^-(p+1) |s / n|. Range:
     * |t| &lt;= |s| / 2^e + 1 &lt;= max |value| + 1 &lt; 2^(61 - f) + 1 (the values averaged are checked layer outputs,
     * gradients or truncated squares), so t M &lt; 2^61 (docs/security/batchnorm.md).
     */
    /** p = min({@value #COUNT_BITS}, f - 2): t M &lt; (2^(61 - f) + 1) 2^(p + 1) &lt;= 2^61. */
    static int countBits(int f) {
        return Math.max(1, Math.min(COUNT_BITS, f - 2));
    }

    static long[] divideByCount(Backend be, long[] s, long n, ProtocolId did) {
        if (n < 1) {
            throw new IllegalArgumentException("count must be positive, got " + n);
        }
        int e = 64 - Long.numberOfLeadingZeros(n - 1);
        long[] t = e == 0 ? s.clone() : be.truncate(s, e, did.child("shift"));
        if (n == 1L << e) {
            return t;
        }
        int p = countBits(be.fixedPoint().fracBits());
        long m = Math.round(Math.scalb((double) (1L << e) / n, p));
        return be.truncate(RingMatrix.scale(t, m), p, did.child("count"));
    }

    /** x times a public constant c (any sign) at scale f: one faithful truncation ({@link SgdConfig.Constant}). */
    static long[] timesConstant(Backend be, long[] x, double c, ProtocolId cid) {
        if (c == 0) {
            return new long[x.length];
        }
        SgdConfig.Constant k = SgdConfig.Constant.of(Math.abs(c));
        long[] y = be.truncate(RingMatrix.scale(x, c < 0 ? -k.mantissa() : k.mantissa()), k.shift(), cid);
        return y;
    }

    private static long[] channelSums(long[] x, Layout layout) {
        long[] s = new long[layout.channels()];
        for (int i = 0; i < x.length; i++) {
            s[layout.channelOf(i)] += x[i];
        }
        return s;
    }

    private static long[] minusPerChannel(long[] x, long[] perChannel, Layout layout) {
        long[] d = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i] - perChannel[layout.channelOf(i)];
        }
        return d;
    }

    private static long[] perElement(long[] perChannel, Layout layout) {
        long[] v = new long[layout.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = perChannel[layout.channelOf(i)];
        }
        return v;
    }

    /** A public constant as this party's share: party 0 holds it (the reference holds it). */
    private static long own(Backend be, long c) {
        return be.actsFor(0) ? c : 0;
    }
}
