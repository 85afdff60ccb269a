package org.securetrain.crypto.he;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;
import org.securetrain.runtime.TwoPartyRunner;
import org.securetrain.runtime.inmemory.InMemoryTransport;

/**
 * The joint product (both cross terms in one reply) against the plain ring product: odd shapes, full-range and
 * extreme (-2^63, the worst case of the noise bound) shares; its noise accounting (T = k (r_w + c_w)); and negative
 * controls: a flood beyond the budget makes decryption wrong, and a budget between k and 2k plain terms refuses the
 * joint plan but not the separate one.
 */
@Timeout(300)
class HeJointProductTest {
    static final HeParameters PARAMS = HeParameters.standard();
    static InMemoryTransport.Pair pair;
    static HeContext mul;
    static HeContext owner;

    @BeforeAll
    static void open() {
        pair = InMemoryTransport.pair(
                SessionOptions.builder(Role.MODEL_OWNER).receiveTimeout(Duration.ofSeconds(120)).build(),
                SessionOptions.builder(Role.DATA_OWNER).receiveTimeout(Duration.ofSeconds(120)).build());
        var ctxs = TwoPartyRunner.run(pair.party(0), s -> HeContext.open(s, PARAMS), pair.party(1),
                s -> HeContext.open(s, PARAMS));
        mul = ctxs.party0();
        owner = ctxs.party1();
    }

    @AfterAll
    static void close() {
        mul.close();
        owner.close();
        pair.close();
    }

    static long[] values(SplittableRandom r, int len, boolean extreme) {
        long[] x = new long[len];
        for (int i = 0; i < len; i++) {
            x[i] = extreme ? Long.MIN_VALUE : r.nextLong();
        }
        return x;
    }

    /** Runs the joint product of plan over the in-process roles; returns key owner's share + multiplier's share. */
    static long[] run(HeMatMulPlan plan, long[] aK, long[] bK, long[] aM, long[] bM) {
        int r = plan.rows;
        int k = plan.inner;
        int c = plan.cols;
        long[][] wire = new long[1][];
        long id = 42;
        HeJointProduct.encryptOperands(owner, plan, MatrixView.of(aK, r, k), MatrixView.of(bK, k, c), id, wire, null);
        long[] z = new long[r * c];
        HeCrossProduct.Job job = HeJointProduct.job(mul, MatrixView.of(aM, r, k), MatrixView.of(bM, k, c),
                HeJointProduct.receiveOperands(mul, wire[0], plan), plan, MatrixView.of(z, r, c));
        job.work();
        long[] reply;
        try {
            reply = job.awaitReply();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        HeCrossProduct.decryptResult(owner, reply, plan, id, MatrixView.of(z, r, c));
        return z;
    }

    static long[] crossTerms(int r, int k, int c, long[] aK, long[] bK, long[] aM, long[] bM) {
        long[] want = new long[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                long s = 0;
                for (int l = 0; l < k; l++) {
                    s += aK[i * k + l] * bM[l * c + j] + aM[i * k + l] * bK[l * c + j];
                }
                want[i * c + j] = s;
            }
        }
        return want;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,false", "5,7,3,false", "17,33,9,false", "1,40,1,false", "33,1,65,false", "3,200,5,false",
        "3,9000,2,false", "17,33,9,true", "2,300,7,true"})
    void jointReplyIsTheSumOfBothCrossTerms(int r, int k, int c, boolean extreme) {
        SplittableRandom rnd = new SplittableRandom(r * 1000L + k * 10L + c);
        HeMatMulPlan plan = HeMatMulPlan.chooseJoint(PARAMS, r, k, c);
        assertTrue(plan.joint);
        long[] aK = values(rnd, r * k, extreme);
        long[] bK = values(rnd, k * c, extreme);
        long[] aM = values(rnd, r * k, extreme);
        long[] bM = values(rnd, k * c, extreme);
        assertArrayEquals(crossTerms(r, k, c, aK, bK, aM, bM), run(plan, aK, bK, aM, bM), plan.toString());
    }

    @Test
    void theLongInnerShapeAccumulatesSeveralInnerBlocks() {
        // the row 3,9000,2 above: k_w < k, so the reply sums products over several inner blocks
        assertTrue(HeMatMulPlan.chooseJoint(PARAMS, 3, 9000, 2).innerBlocks() > 1);
    }

    @Test
    void floodAndPlainTermsCountBothProducts() {
        HeMatMulPlan plan = HeMatMulPlan.chooseJoint(PARAMS, 128, 128, 128);
        assertEquals(128L * (plan.rowBlock + plan.colBlock), plan.plainTerms());
        assertEquals(NoiseBudget.floodBits(PARAMS, plan.plainTerms(), 128L * 128), plan.floodBits);
        assertTrue(NoiseBudget.fits(PARAMS, plan.plainTerms(), 128L * 128));
        assertEquals(2 * plan.rowBlocks() * plan.innerBlocks() * plan.colBlocks(), plan.products());
        assertEquals(plan.innerBlocks() * (plan.colBlocks() + plan.rowBlocks()), plan.inputCiphertexts());
    }

    @Test
    void aFloodBeyondTheBudgetBreaksDecryption() {
        // negative control for the bound: a flood of 2^f with f > log2 q - 65 exceeds the decryption bound after the
        // switch (half a plaintext unit, 2^(switch bits - 65)), so the enforced budget is what keeps the result exact
        int r = 8;
        int k = 16;
        int c = 8;
        HeMatMulPlan plan = HeMatMulPlan.chooseJoint(PARAMS, r, k, c);
        SplittableRandom rnd = new SplittableRandom(11);
        long[] aK = values(rnd, r * k, false);
        long[] bK = values(rnd, k * c, false);
        long[] aM = values(rnd, r * k, false);
        long[] bM = values(rnd, k * c, false);
        long[] want = crossTerms(r, k, c, aK, bK, aM, bM);
        assertArrayEquals(want, run(plan, aK, bK, aM, bM));
        int tooWide = (int) Math.ceil(PARAMS.base().logQ()) - 65 + 3;
        long[] broken = run(plan.withFloodBits(tooWide), aK, bK, aM, bM);
        int wrong = 0;
        for (int i = 0; i < want.length; i++) {
            wrong += want[i] != broken[i] ? 1 : 0;
        }
        assertTrue(wrong > want.length / 4, wrong + " of " + want.length + " wrong at flood 2^" + tooWide);
    }

    @Test
    void aBudgetBetweenOneAndTwoInnerDimensionsRefusesOnlyTheJointPlan() {
        // the largest k the bound admits for one cross term: the separate plan (r_w = 1) fits, the joint one needs
        // k (r_w + c_w) >= 2k plain terms and is refused on the public shapes
        int r = 64;
        int c = 64;
        int k = (int) NoiseBudget.maxPlainTerms(PARAMS, (long) r * c);
        assertFalse(HeMatMulPlan.choose(PARAMS, r, k, c).joint);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeMatMulPlan.chooseJoint(PARAMS, r, k, c));
        assertTrue(e.getMessage().contains("exceeds the noise budget"), e.getMessage());
        assertTrue(e.getMessage().contains("plus the column block"), e.getMessage());
    }
}
