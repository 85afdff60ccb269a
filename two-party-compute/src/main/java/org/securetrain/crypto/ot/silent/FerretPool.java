package org.securetrain.crypto.ot.silent;

import java.util.Arrays;
import org.securetrain.runtime.Channel;

/**
 * The self-refilling pool behind both Ferret roles: iterations, batches, and serving COTs to callers.
 *
 * <p>Iteration r (1, 2, ...) starts when the pool runs dry. Its MPCOT corrections (one message from
 * sender to receiver) were sent one iteration ahead, at the start of iteration r - 1 (iteration 1's at
 * set-up), as soon as r's base existed; so the receiver finds them waiting. Then the rows of the
 * iteration are produced batch by batch on demand: a batch's MPCOT leaves XOR the local linear code
 * applied to the iteration's base COTs ({@code cur}, k entries). Rows [0, reserved) of every iteration
 * are not served: they become the base COTs of the next iteration ({@code next}); they are produced
 * first, and then the next iteration's corrections go out ({@link #nextBaseReady}). A {@code next(n)}
 * call takes rows in order and may span any number of batches and iterations; both parties make the
 * same calls, so their pools stay in step without talking.
 *
 * <p>Memory is bounded whatever n: two base buffers of {@code reserved} blocks (2 x 8.8 MB for
 * ferret_b13), one batch of about 2^16 blocks (1 MiB) and the per-iteration MPCOT state.
 */
abstract class FerretPool {
    final FerretParams p;
    final Channel ch;
    final String step;
    private final LpnEncoder lpn;
    /** The current iteration's base COTs: blocks [0, k) are the LPN secret, then t * depth tree COTs. */
    long[] cur;
    private long[] next;
    /** The batch being served (its MPCOT leaves, then XORed with the code), 2 longs per row. */
    final long[] batchBuf;
    /** Iterations started so far (the current one's number; 0 before the first). */
    long iteration;
    private int batch = -1;
    private int batchRows;
    private int pos;
    FerretWire.CallLog calls = FerretWire.CallLog.NONE;
    private boolean broken;

    FerretPool(FerretParams p, Channel ch, String step, byte[] lpnSeed, long[] base) {
        if (base.length != 2 * p.reserved()) {
            throw new IllegalArgumentException("Ferret " + p.name() + " needs " + p.reserved() + " base COTs ("
                    + 2 * p.reserved() + " longs), got " + base.length + " longs");
        }
        this.p = p;
        this.ch = ch;
        this.step = step;
        this.lpn = new LpnEncoder(p.logk(), lpnSeed);
        this.cur = base;
        this.next = new long[base.length];
        this.batchBuf = new long[2 * HalfTree.nodes(p.depth(), p.batchTrees())];
    }

    /** Starts {@link #iteration}: the receiver takes in its corrections (the sender sent them ahead). */
    abstract void startIteration();

    /**
     * Called once the current iteration's reserved rows, i.e. the next iteration's base, are complete:
     * the sender computes and sends the next iteration's corrections now, one iteration ahead, so the
     * receiver never waits for them when it gets there.
     */
    abstract void nextBaseReady(long[] nextBase);

    /** This role's MPCOT leaves of batch {@code b} of the current iteration into out. */
    abstract void mpcotLeaves(int b, long[] out);

    /** Name of the channel this instance runs on. */
    public String channelName() {
        return ch.name();
    }

    /** The parameter set of this instance. */
    public FerretParams params() {
        return p;
    }

    /** Iterations run so far (each one message of {@link FerretParams#bytesPerIteration()} bytes). */
    public long iterations() {
        return iteration;
    }

    /**
     * Serves the next n COTs: blocks to dst[2i], [2i + 1]; if {@code withBits}, also the lsb of each
     * block packed LSB-first into {@code bits} (the receiver's choice bits), words [0, ceil(n / 64))
     * overwritten.
     */
    final void take(int n, long[] dst, boolean withBits, long[] bits) {
        if (broken) {
            throw new IllegalStateException("silent OT instance on stream '" + ch.name()
                    + "' is unusable after an earlier failure");
        }
        try {
            checkArgs(n, dst, withBits, bits);
            if (n == 0) {
                return;
            }
            calls = calls.then(n);
            if (withBits) {
                Arrays.fill(bits, 0, (n + 63) >>> 6, 0L);
            }
            int done = 0;
            while (done < n) {
                while (pos == batchRows) {
                    advance();
                }
                int m = Math.min(n - done, batchRows - pos);
                System.arraycopy(batchBuf, 2 * pos, dst, 2 * done, 2 * m);
                if (withBits) {
                    for (int i = 0; i < m; i++) {
                        int r = done + i;
                        bits[r >>> 6] |= (batchBuf[2 * (pos + i)] & 1L) << r;
                    }
                }
                pos += m;
                done += m;
            }
        } catch (RuntimeException e) {
            broken = true;
            throw FerretWire.abortOn(ch, e);
        }
    }

    private static void checkArgs(int n, long[] dst, boolean withBits, long[] bits) {
        if (n < 0) {
            throw new IllegalArgumentException("COT count must be >= 0, got " + n);
        }
        if (n > (Integer.MAX_VALUE >>> 1)) {
            throw new IllegalArgumentException("COT count " + n
                    + " needs more than 2^31 - 1 longs of output; split the call");
        }
        if (dst == null) {
            throw new IllegalArgumentException("output array is null");
        }
        if (dst.length < 2L * n) {
            throw new IllegalArgumentException("output array holds " + dst.length + " longs, " + n + " COTs need "
                    + 2L * n);
        }
        if (withBits && bits == null) {
            throw new IllegalArgumentException("choice-bit array is null");
        }
        if (withBits && bits.length < (n + 63L) >>> 6) {
            throw new IllegalArgumentException("choice-bit array holds " + bits.length + " words, " + n + " COTs need "
                    + ((n + 63L) >>> 6));
        }
    }

    private void advance() {
        if (iteration == 0 || batch == p.batches() - 1) {
            newIteration();
        } else {
            produce(++batch);
            pos = 0;
        }
    }

    /** Start, produce the reserved prefix into {@code next} (leaving pos after it), hand it on. */
    private void newIteration() {
        if (iteration > 0) {
            long[] s = cur;
            cur = next;
            next = s;
        }
        iteration++;
        startIteration();
        int reserved = p.reserved();
        int filled = 0;
        batch = -1;
        while (filled < reserved) {
            produce(++batch);
            int m = Math.min(batchRows, reserved - filled);
            System.arraycopy(batchBuf, 0, next, 2 * filled, 2 * m);
            filled += m;
            pos = m;
        }
        nextBaseReady(next);
    }

    private void produce(int b) {
        int bt = p.batchTrees();
        int trees = Math.min(bt, p.trees() - b * bt);
        batchRows = trees << p.depth();
        mpcotLeaves(b, batchBuf);
        lpn.encode(iteration, (long) b * bt << p.depth(), batchRows, cur, batchBuf, 0);
    }
}
