package org.securetrain.dl4j;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.securetrain.layers.core.Shares;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.TrafficStats;

/**
 * The data-sharing iterator of {@link SecurePartyContext#sharedIterator}. Both parties' iterators move in
 * lockstep: every {@code hasNext()} that is not already answered is resolved by one message from the data
 * owner to the model owner on this iterator's channel:
 * <ul>
 *   <li>{@code BATCH, rank(X), shape(X)..., rank(Y), shape(Y)...}: the data owner prefetched a batch;</li>
 *   <li>{@code END, batches}: the epoch is over (with the count, which the model owner checks);</li>
 *   <li>{@code RESET}: sent by {@code reset()}, the synchronised epoch boundary;</li>
 *   <li>{@code SKIP, batches, exhausted}: on resume from a checkpoint, the data owner skipped the epoch's first
 *   batches (see {@link #skipForResume});</li>
 *   <li>{@code ERROR} then the exception's class name (UTF-8): the data owner's iterator failed; both sides
 *   throw (the message, which may quote data, stays at the data owner).</li>
 * </ul>
 * The model owner learns the shapes and counts (documented leakage), nothing else. Features are shared as
 * (0, X): the data owner's share is the fixed-point encoding of X, the model owner's is zero; labels never
 * leave the data owner (the model owner gets zero labels of the same shape). Not asynchronous: DL4J's async
 * prefetch thread hangs on exceptions (DL4J issue #7828) and would break the lockstep.
 *
 * <p>Created only by {@link SecurePartyContext#sharedIterator}; the type is public so that the checkpoint
 * package can read and restore the batch position.
 */
public final class SharedDataSetIterator implements DataSetIterator {
    private static final long BATCH = 1;
    private static final long END = 2;
    private static final long RESET = 3;
    private static final long ERROR = 4;
    private static final long SKIP = 5;

    private final SecurePartyContext ctx;
    private final DataSetIterator inner; // data owner only
    private final Channel channel;       // null for the single-process reference
    private final boolean dataOwner;
    private DataSet pending;
    private boolean epochEnded;
    private int batchesThisEpoch;
    private long[] lastFeatureShape;
    private long[] lastLabelShape;

    SharedDataSetIterator(SecurePartyContext ctx, DataSetIterator inner, Channel channel) {
        this.ctx = ctx;
        this.inner = inner;
        this.channel = channel;
        this.dataOwner = ctx.isDataOwner();
    }

    @Override
    public boolean hasNext() {
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
        DataSet shared;
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
        long[] fs = shared.getFeatures().shape();
        long[] ls = shared.getLabels().shape();
        long[] msg = new long[3 + fs.length + ls.length];
        msg[0] = BATCH;
        msg[1] = fs.length;
        System.arraycopy(fs, 0, msg, 2, fs.length);
        msg[2 + fs.length] = ls.length;
        System.arraycopy(ls, 0, msg, 3 + fs.length, ls.length);
        send(msg);
        remember(fs, ls);
        pending = shared;
        return true;
    }

    /** The data owner's batch as its share: fixed-point LONG features, labels kept. */
    private DataSet share(DataSet ds) {
        if (ds == null || ds.getFeatures() == null || ds.getLabels() == null) {
            throw new IllegalArgumentException("shared iterator: the data owner's iterator returned a batch without "
                    + "features or labels");
        }
        if (ds.getFeaturesMaskArray() != null || ds.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("shared iterator: mask arrays are not supported");
        }
        INDArray x = ds.getFeatures();
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("shared iterator: features must be floating point, got " + x.dataType());
        }
        if (x.size(0) != ds.getLabels().size(0)) {
            throw new IllegalArgumentException("shared iterator: " + x.size(0) + " feature rows but "
                    + ds.getLabels().size(0) + " label rows");
        }
        double[] plain = Shares.toDoubles(x);
        String tooLarge = ctx.inputRange().checkFeatures(plain, x.shape(), ctx.fracBits());
        if (tooLarge == null) {
            tooLarge = InputRange.checkLabels(Shares.toDoubles(ds.getLabels()), ctx.fracBits());
        }
        if (tooLarge != null) {
            throw new IllegalArgumentException("shared iterator, batch " + batchesThisEpoch + " of this epoch: "
                    + tooLarge);
        }
        long[] enc;
        try {
            enc = ctx.fixedPoint().encode(plain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("shared iterator: a feature value of batch " + batchesThisEpoch
                    + " of this epoch (shape " + Arrays.toString(x.shape()) + ", C order) cannot be encoded at f = "
                    + ctx.fracBits() + " (" + e.getMessage() + ")", e);
        }
        return new DataSet(Shares.toIndArray(enc, x.shape()), ds.getLabels().detach());
    }

    private boolean receiveAtModelOwner() {
        long[] m = receive();
        if (m.length >= 1 && m[0] == BATCH) {
            int fr = m.length > 1 ? (int) m[1] : -1;
            if (fr < 1 || m.length < 3 + fr) {
                throw violation("malformed batch announcement " + Arrays.toString(m));
            }
            int lr = (int) m[2 + fr];
            if (lr < 1 || m.length != 3 + fr + lr) {
                throw violation("malformed batch announcement " + Arrays.toString(m));
            }
            long[] fs = Arrays.copyOfRange(m, 2, 2 + fr);
            long[] ls = Arrays.copyOfRange(m, 3 + fr, 3 + fr + lr);
            checkShape(fs);
            checkShape(ls);
            if (fs[0] != ls[0]) {
                throw violation("batch announcement with " + fs[0] + " feature rows and " + ls[0] + " label rows");
            }
            remember(fs, ls);
            pending = new DataSet(Nd4j.zeros(DataType.LONG, fs), Nd4j.zeros(DataType.FLOAT, ls));
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

    private void remember(long[] fs, long[] ls) {
        lastFeatureShape = fs;
        lastLabelShape = ls;
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("shared iterator: no more batches in this epoch");
        }
        DataSet ds = pending;
        pending = null;
        batchesThisEpoch++;
        return ds;
    }

    /** Batches handed out in the current epoch so far (including skipped ones): the checkpoint position. */
    public int batchesThisEpoch() {
        return batchesThisEpoch;
    }

    /**
     * Resume support, called at both parties on a fresh iterator before any batch: the data owner draws and
     * discards the first {@code batches} batches of the epoch from its (deterministic) iterator and tells the
     * model owner whether the epoch is thereby exhausted. Returns that flag at both parties; if true the
     * epoch counts as ended (the next {@code fit} resets the iterator, as after a full epoch).
     */
    public boolean skipForResume(int batches) {
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

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("shared iterator: next(num) is not supported; the data owner's "
                + "iterator decides the batch size");
    }

    /** The synchronised epoch boundary: the data owner resets its iterator and tells the model owner. */
    @Override
    public void reset() {
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

    @Override
    public int inputColumns() {
        if (dataOwner) {
            return inner.inputColumns();
        }
        return lastFeatureShape == null ? -1 : (int) (Arrays.stream(lastFeatureShape).skip(1).reduce(1, (a, b) -> a * b));
    }

    @Override
    public int totalOutcomes() {
        if (dataOwner) {
            return inner.totalOutcomes();
        }
        return lastLabelShape == null || lastLabelShape.length < 2 ? -1 : (int) lastLabelShape[1];
    }

    /** Always true at both parties (they must agree): a data iterator that cannot reset fails in reset(). */
    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        if (dataOwner) {
            return inner.batch();
        }
        return lastFeatureShape == null ? -1 : (int) lastFeatureShape[0];
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("shared iterator: set the pre-processor on the data owner's own "
                + "iterator; shares must not be pre-processed");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return dataOwner ? inner.getLabels() : null;
    }
}
