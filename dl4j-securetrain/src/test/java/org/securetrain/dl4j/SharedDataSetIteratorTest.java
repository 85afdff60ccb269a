package org.securetrain.dl4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/** The data-sharing iterator between two parties: what each side gets, epochs, and what crosses the wire. */
class SharedDataSetIteratorTest {
    static final int F = 16;

    private static SecurePartyContext ctx(Session s) {
        return TwoPartyHarness.terms(F).session(s).backend(TwoPartyHarness.backendFactory(F)).build();
    }

    /** Two epochs through DL4J's own pattern (hasNext/next, reset) with a smaller last batch. */
    @Test
    void bothPartiesSeeTheSameBatchShapesAndOnlyTheDataOwnerSeesData() {
        ToyBlobs data = new ToyBlobs(50, 6, 3, 1, 1.0); // batches 16, 16, 16, 2
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(SessionOptions.builder(Role.MODEL_OWNER).build(),
                SessionOptions.builder(Role.DATA_OWNER).build())) {
            var r = TwoPartyRunner.run(pair.party(0), s -> drain(ctx(s).sharedIterator(null)),
                    pair.party(1), s -> drain(ctx(s).sharedIterator(data.iterator(16))));
            List<DataSet> mo = r.party0();
            List<DataSet> dO = r.party1();
            assertEquals(8, mo.size());
            assertEquals(8, dO.size());
            for (int i = 0; i < 8; i++) {
                DataSet a = mo.get(i);
                DataSet b = dO.get(i);
                assertArrayEquals(b.getFeatures().shape(), a.getFeatures().shape());
                assertArrayEquals(b.getLabels().shape(), a.getLabels().shape());
                assertEquals(DataType.LONG, a.getFeatures().dataType());
                assertEquals(DataType.LONG, b.getFeatures().dataType());
                assertEquals(0L, a.getFeatures().amaxNumber().longValue(), "model owner's feature share is zero");
                assertEquals(0.0, a.getLabels().amaxNumber().doubleValue(), "model owner gets dummy labels");
                // data owner: round(x * 2^f), labels unchanged
                int from = (i % 4) * 16;
                INDArray x = data.features(from, Math.min(50, from + 16)).castTo(DataType.DOUBLE);
                long[] enc = b.getFeatures().dup('c').data().asLong();
                double[] xs = x.dup('c').data().asDouble();
                for (int k = 0; k < xs.length; k++) {
                    assertEquals(Math.round(xs[k] * (1 << F)), enc[k]);
                }
                assertEquals(data.labels(from, Math.min(50, from + 16)), b.getLabels());
            }
            assertArrayEquals(new long[] {2, 6}, mo.get(3).getFeatures().shape());
            long bytes = pair.party(0).traffic().snapshot().steps().get("dl4j.data").bytesReceived();
            System.out.println("shape/epoch messages for 2 epochs of 4 batches: " + bytes + " bytes at the model owner");
        }
    }

    private static List<DataSet> drain(DataSetIterator it) {
        List<DataSet> out = new ArrayList<>();
        assertFalse(it.asyncSupported());
        assertTrue(it.resetSupported());
        for (int epoch = 0; epoch < 2; epoch++) {
            if (epoch > 0) {
                it.reset();
            }
            while (it.hasNext()) {
                assertTrue(it.hasNext(), "hasNext is idempotent");
                out.add(it.next());
            }
            assertFalse(it.hasNext(), "stays at the end of the epoch");
        }
        return out;
    }

    @Test
    void unencodableFeaturesFailAtBothParties() {
        ToyBlobs data = new ToyBlobs(8, 4, 2, 1, 1.0);
        data.x[5][2] = Double.NaN;
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(SessionOptions.builder(Role.MODEL_OWNER).build(),
                SessionOptions.builder(Role.DATA_OWNER).build())) {
            String[] msgs = new String[2];
            assertThrows(RuntimeException.class, () -> TwoPartyRunner.run(
                    pair.party(0), s -> record(msgs, 0, ctx(s).sharedIterator(null)),
                    pair.party(1), s -> record(msgs, 1, ctx(s).sharedIterator(data.iterator(4)))));
            assertTrue(msgs[1].contains("cannot be encoded") && msgs[1].contains("batch 1 ") && msgs[1].contains("element 6 "), msgs[1]);
            assertTrue(msgs[0].contains("the data owner's iterator failed (java.lang.IllegalArgumentException"), msgs[0]);
            assertFalse(msgs[0].contains("NaN"), "the offending value stays at the data owner: " + msgs[0]);
        }
    }

    private static Void record(String[] msgs, int me, DataSetIterator it) {
        try {
            while (it.hasNext()) {
                it.next();
            }
            return null;
        } catch (RuntimeException e) {
            msgs[me] = e.getMessage();
            throw e;
        }
    }

    @Test
    void misuseIsRefused() {
        SecurePartyContext ref = SecurePartyContext.builder().fracBits(F).insecurePlaintextReferenceForTests().build();
        assertThrows(IllegalArgumentException.class, () -> ref.sharedIterator(null));
        DataSetIterator it = ref.sharedIterator(new ToyBlobs(8, 4, 2, 1, 1.0).iterator(4));
        assertThrows(UnsupportedOperationException.class, () -> it.setPreProcessor(null));
        try (InMemoryTransport.Pair pair = InMemoryTransport.pair(SessionOptions.builder(Role.MODEL_OWNER).build(),
                SessionOptions.builder(Role.DATA_OWNER).build())) {
            var both = TwoPartyRunner.run(pair.party(0), SharedDataSetIteratorTest::ctx, pair.party(1),
                    SharedDataSetIteratorTest::ctx);
            SecurePartyContext mo = both.party0();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mo.sharedIterator(new ToyBlobs(8, 4, 2, 1, 1.0).iterator(4)));
            assertThrows(IllegalArgumentException.class, () -> both.party1().sharedIterator(null));
            assertTrue(e.getMessage().contains("model owner"), e.getMessage());
        }
    }
}
