package org.securetrain.dl4j;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.layers.core.Shares;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.TrafficStats;

/**
 * The lockstep protocol behind {@link SharedDataSetIterator} and {@link SharedMultiDataSetIterator}: a batch is one or
 * more feature arrays (one per network input) and one or more label arrays (one per network output). Both parties'
 * streams move in lockstep: every {@code hasNext()} that is not already answered is resolved by one message from the
 * data owner to the model owner on this stream's channel:
 * <ul>
 *   <li>{@code BATCH, nFeatures, (rank, shape...) per feature array, nLabels, (rank, shape...) per label array}: the
 *   data owner prefetched a batch;</li>
 *   <li>{@code END, batches}: the epoch is over (with the count, which the model owner checks);</li>
 *   <li>{@code RESET}: sent by {@code reset()}, the synchronised epoch boundary;</li>
 *   <li>{@code SKIP, batches, exhausted}: on resume from a checkpoint, the data owner skipped the epoch's first
 *   batches (see {@link #skipForResume});</li>
 *   <li>{@code ERROR} then the exception's class name (UTF-8): the data owner's iterator failed; both sides
 *   throw (the message, which may quote data, stays at the data owner).</li>
 * </ul>
 * The model owner learns the number of arrays, their shapes and the counts (documented leakage), nothing else.
 * Every feature array is shared as (0, X): the data owner's share is the fixed-point encoding of X, the model
 * owner's is zero; labels never leave the data owner (the model owner gets zero labels of the same shapes).
 */
final class SharedBatchStream {
    private static final long BATCH = 1;
    private static final long END = 2;
    private static final long RESET = 3;
    private static final long ERROR = 4;
    private static final long SKIP = 5;
    /** More arrays than any graph has inputs or outputs is a malformed announcement. */
    private static final int MAX_ARRAYS = 1 << 10;

    /** One batch: the feature arrays (network inputs, in order) and the label arrays (network outputs, in order). */
    record Batch(INDArray[] features, INDArray[] labels) {
    }

    /** The data owner's own iterator, seen as batches. */
    interface Source {
        boolean hasNext();

        /** The next batch in plaintext (null if the iterator returned none); masks are refused here. */
        Batch next();

        void reset();

        /** A source over an iterator's three methods. */
        static Source of(java.util.function.BooleanSupplier hasNext, java.util.function.Supplier<Batch> next,
                Runnable reset) {
            return new Source() {
                @Override
                public boolean hasNext() {
                    return hasNext.getAsBoolean();
                }

                @Override
                public Batch next() {
                    return next.get();
                }

                @Override
                public void reset() {
                    reset.run();
                }
            };
        }
    }

    private final SecurePartyContext ctx;
    private final Source inner;      // data owner only
    private final Channel channel;   // null for the single-process reference
    private final boolean dataOwner;
    private Batch pending;
    private boolean epochEnded;
    private int batchesThisEpoch;
    private Batch lastShapes;        // the last batch (its shapes answer inputColumns/totalOutcomes/batch)

    SharedBatchStream(SecurePartyContext ctx, Source inner, Channel channel) {
        this.ctx = ctx;
        this.inner = inner;
        this.channel = channel;
        this.dataOwner = ctx.isDataOwner();
    }

    boolean isDataOwner() {
        return dataOwner;
    }

    boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (epochEnded) {
            return false;
        }
        if (dataOwner) {
            return prefetchAtDataOwner();
        }
        try {
            return receiveAtModelOwner();
        } catch (PeerReportedFailure e) {
            throw e; // the data owner failed and knows it
        } catch (RuntimeException e) {
            ctx.failed("shared iterator", e); // make the data owner stop too
            throw e;
        }
    }

    /** The data owner reported that its iterator failed. */
    static final class PeerReportedFailure extends IllegalStateException {
        PeerReportedFailure(String message) {
            super(message);
        }
    }

    private boolean prefetchAtDataOwner() {
        Batch shared;
        try {
            if (!inner.hasNext()) {
                send(new long[] {END, batchesThisEpoch});
                epochEnded = true;
                return false;
            }
            shared = share(inner.next());
        } catch (RuntimeException e) {
            sendError(e);
            throw e;
        }
        send(announcement(shared));
        lastShapes = shared;
        pending = shared;
        return true;
    }

    private static long[] announcement(Batch b) {
        int n = 3;
        for (INDArray[] arrays : new INDArray[][] {b.features(), b.labels()}) {
            for (INDArray a : arrays) {
                n += 1 + a.rank();
            }
        }
        long[] msg = new long[n];
        msg[0] = BATCH;
        int at = 1;
        for (INDArray[] arrays : new INDArray[][] {b.features(), b.labels()}) {
            msg[at++] = arrays.length;
            for (INDArray a : arrays) {
                long[] s = a.shape();
                msg[at++] = s.length;
                System.arraycopy(s, 0, msg, at, s.length);
                at += s.length;
            }
        }
        return msg;
    }

    /** The data owner's batch as its share: fixed-point LONG features, labels kept. */
    private Batch share(Batch b) {
        if (b == null || b.features() == null || b.labels() == null || b.features().length == 0
                || b.labels().length == 0 || Arrays.asList(b.features()).contains(null)
                || Arrays.asList(b.labels()).contains(null)) {
            throw new IllegalArgumentException("shared iterator: the data owner's iterator returned a batch without "
                    + "features or labels");
        }
        long rows = b.features()[0].size(0);
        INDArray[] features = new INDArray[b.features().length];
        for (int i = 0; i < features.length; i++) {
            INDArray x = b.features()[i];
            String which = features.length == 1 ? "" : " (input " + i + ")";
            if (!x.dataType().isFPType()) {
                throw new IllegalArgumentException("shared iterator: features" + which + " must be floating point, got "
                        + x.dataType());
            }
            checkRows(rows, x, "feature array " + i);
            double[] plain = Shares.toDoubles(x);
            String tooLarge = ctx.inputRange(i).checkFeatures(plain, x.shape(), ctx.fracBits());
            if (tooLarge != null) {
                throw new IllegalArgumentException("shared iterator, batch " + batchesThisEpoch + " of this epoch"
                        + which + ": " + tooLarge);
            }
            long[] enc;
            try {
                enc = ctx.fixedPoint().encode(plain);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("shared iterator: a feature value" + which + " of batch "
                        + batchesThisEpoch + " of this epoch (shape " + Arrays.toString(x.shape()) + ", C order) "
                        + "cannot be encoded at f = " + ctx.fracBits() + " (" + e.getMessage() + ")", e);
            }
            features[i] = Shares.toIndArray(enc, x.shape());
        }
        INDArray[] labels = new INDArray[b.labels().length];
        for (int i = 0; i < labels.length; i++) {
            checkRows(rows, b.labels()[i], "label array " + i);
            String tooLarge = InputRange.checkLabels(Shares.toDoubles(b.labels()[i]), ctx.fracBits());
            if (tooLarge != null) {
                throw new IllegalArgumentException("shared iterator, batch " + batchesThisEpoch + " of this epoch"
                        + (labels.length == 1 ? "" : " (output " + i + ")") + ": " + tooLarge);
            }
            labels[i] = b.labels()[i].detach();
        }
        return new Batch(features, labels);
    }

    private static void checkRows(long rows, INDArray a, String what) {
        if (a.size(0) != rows) {
            throw new IllegalArgumentException("shared iterator: " + rows + " feature rows but " + a.size(0)
                    + " rows in " + what);
        }
    }

    private boolean receiveAtModelOwner() {
        long[] m = receive();
        if (m.length >= 1 && m[0] == BATCH) {
            int[] at = {1};
            long[][] fs = shapes(m, at);
            long[][] ls = shapes(m, at);
            if (at[0] != m.length) {
                throw violation("malformed batch announcement " + Arrays.toString(m));
            }
            INDArray[] features = new INDArray[fs.length];
            for (int i = 0; i < fs.length; i++) {
                requireRows(fs[0][0], fs[i]);
                features[i] = Nd4j.zeros(DataType.LONG, fs[i]);
            }
            INDArray[] labels = new INDArray[ls.length];
            for (int i = 0; i < ls.length; i++) {
                requireRows(fs[0][0], ls[i]);
                labels[i] = Nd4j.zeros(DataType.FLOAT, ls[i]);
            }
            pending = new Batch(features, labels);
            lastShapes = pending;
            return true;
        }
        if (m.length == 2 && m[0] == END) {
            if (m[1] != batchesThisEpoch) {
                throw violation("data owner ended the epoch after " + m[1] + " batches, this party saw "
                        + batchesThisEpoch);
            }
            epochEnded = true;
            return false;
        }
        throw unexpected(m, "a batch announcement or end of epoch");
    }

    /** Reads {@code count, (rank, shape...)*} at {@code at[0]}, checking every length against the message. */
    private static long[][] shapes(long[] m, int[] at) {
        if (at[0] >= m.length || m[at[0]] < 1 || m[at[0]] > MAX_ARRAYS) {
            throw violation("malformed batch announcement " + Arrays.toString(m));
        }
        long[][] out = new long[(int) m[at[0]++]][];
        for (int i = 0; i < out.length; i++) {
            if (at[0] >= m.length || m[at[0]] < 1 || m[at[0]] > m.length - at[0] - 1) {
                throw violation("malformed batch announcement " + Arrays.toString(m));
            }
            int rank = (int) m[at[0]++];
            out[i] = Arrays.copyOfRange(m, at[0], at[0] + rank);
            at[0] += rank;
            checkShape(out[i]);
        }
        return out;
    }

    private static void requireRows(long rows, long[] shape) {
        if (shape[0] != rows) {
            throw violation("batch announcement with " + rows + " feature rows and an array of " + shape[0] + " rows");
        }
    }

    private static void checkShape(long[] s) {
        long n = 1;
        for (long d : s) {
            if (d < 1 || d > Integer.MAX_VALUE) {
                throw violation("announced shape " + Arrays.toString(s) + " is invalid");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw violation("announced shape " + Arrays.toString(s) + " is too large");
            }
        }
    }

    Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("shared iterator: no more batches in this epoch");
        }
        Batch b = pending;
        pending = null;
        batchesThisEpoch++;
        return b;
    }

    /** The last batch handed out or announced (its shapes), or null before the first. */
    Batch lastShapes() {
        return lastShapes;
    }

    int batchesThisEpoch() {
        return batchesThisEpoch;
    }

    /** See {@link SharedBatchPosition#skipForResume}. */
    boolean skipForResume(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("shared iterator: negative batch position " + batches);
        }
        if (pending != null || epochEnded || batchesThisEpoch != 0) {
            throw new IllegalStateException("shared iterator: skipping for resume must come before any batch");
        }
        boolean exhausted;
        if (dataOwner) {
            try {
                for (int i = 0; i < batches; i++) {
                    if (!inner.hasNext()) {
                        throw new IllegalStateException("shared iterator: the checkpoint is at batch " + batches
                                + " of its epoch but the data owner's iterator has only " + i + " batches: the "
                                + "data must be the same, in the same (deterministic) order, as when it was saved");
                    }
                    inner.next();
                }
                exhausted = !inner.hasNext();
            } catch (RuntimeException e) {
                sendError(e);
                throw e;
            }
            send(new long[] {SKIP, batches, exhausted ? 1 : 0});
        } else {
            long[] m = receive();
            if (m.length != 3 || m[0] != SKIP || m[1] != batches || (m[2] != 0 && m[2] != 1)) {
                IllegalStateException e = unexpected(m, "the skip to batch " + batches + " of the resumed epoch");
                ctx.failed("shared iterator", e);
                throw e;
            }
            exhausted = m[2] == 1;
        }
        batchesThisEpoch = batches;
        epochEnded = exhausted;
        return exhausted;
    }

    /** The synchronised epoch boundary: the data owner resets its iterator and tells the model owner. */
    void reset() {
        if (dataOwner) {
            try {
                inner.reset();
            } catch (RuntimeException e) {
                sendError(e);
                throw e;
            }
            send(new long[] {RESET});
        } else {
            long[] m = receive();
            if (m.length != 1 || m[0] != RESET) {
                IllegalStateException e = unexpected(m, "the reset of the epoch");
                ctx.failed("shared iterator", e);
                throw e;
            }
        }
        pending = null;
        epochEnded = false;
        batchesThisEpoch = 0;
    }

    private void send(long[] msg) {
        if (channel == null) {
            return;
        }
        try (TrafficStats.Scope s = channel.step("dl4j.data")) {
            channel.sendLongs(msg);
        }
    }

    private void sendError(RuntimeException e) {
        if (channel == null) {
            return;
        }
        try (TrafficStats.Scope s = channel.step("dl4j.data")) {
            channel.sendLongs(new long[] {ERROR});
            // the exception's class only: its message may quote the data owner's values (it stays local)
            channel.send(e.getClass().getName().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException ignored) {
            // the session is already broken; the peer fails on its own
            e.addSuppressed(ignored);
        }
    }

    private long[] receive() {
        try (TrafficStats.Scope s = channel.step("dl4j.data")) {
            long[] m = channel.receiveLongs();
            if (m.length == 1 && m[0] == ERROR) {
                String why = new String(channel.receive(), StandardCharsets.UTF_8);
                throw new PeerReportedFailure("the data owner's iterator failed (" + why + "; details in the data "
                        + "owner's log)");
            }
            return m;
        }
    }

    private static IllegalStateException violation(String what) {
        return new IllegalStateException("shared iterator: " + what);
    }

    private static IllegalStateException unexpected(long[] m, String expected) {
        return violation("expected " + expected + ", got message " + Arrays.toString(m)
                + " (did both parties call fit/evaluate/reset in the same order?)");
    }
}
