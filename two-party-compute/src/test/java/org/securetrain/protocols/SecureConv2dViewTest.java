package org.securetrain.protocols;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.backend.ShareKind;
import org.securetrain.crypto.he.ConvShape;
import org.securetrain.crypto.he.HeContext;
import org.securetrain.crypto.he.HeParameters;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;
import org.securetrain.runtime.Session;
import org.securetrain.runtime.view.ForbiddenWords;
import org.securetrain.runtime.view.TwoPartyViews;
import org.securetrain.runtime.view.View;
import org.securetrain.runtime.view.ViewAssert;

/**
 * What each party sees of the direct secure correlation ({@link SecureConv2d}): every message it receives (the
 * peer's encrypted input, the peer's masked reply) and its output share, for two very different private shares
 * of the peer (all zero vs random kernel and input) while its own shares stay the same. Both views must be
 * distributed alike and never echo the peer's shares. The negative control is the same protocol with the peer
 * also sending its kernel share in the clear, which the checks must catch.
 */
@Timeout(300)
class SecureConv2dViewTest {
    // 3 output channels, 4 images, 2 channels of 9x9, 3x3 kernel: one key-owner message, one reply each way
    static final ConvShape SHAPE = ConvShape.valid(3, 4, 2, 9, 9, 3, 3, 1, 1);
    static final ProtocolId ID = ProtocolId.parse("conv.view");

    record Shares(long[] kernel, long[] input) {
        static Shares random(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            long[] k = new long[SHAPE.kernelLength()];
            long[] in = new long[SHAPE.inputLength()];
            for (int i = 0; i < k.length; i++) {
                k[i] = r.nextLong();
            }
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextLong();
            }
            return new Shares(k, in);
        }

        static Shares zero() {
            return new Shares(new long[SHAPE.kernelLength()], new long[SHAPE.inputLength()]);
        }

        ForbiddenWords forbidden(String who) {
            return ForbiddenWords.of(who + " kernel share", kernel).and(who + " input share", input);
        }
    }

    static View observe(int observer, Shares own, Shares peer, boolean peerLeaks) {
        return TwoPartyViews.run((Session s, int p) -> HeContext.open(s, HeParameters.standard()),
                (HeContext ctx, Session s, int p) -> {
                    Shares mine = p == observer ? own : peer;
                    long[] out = new SecureConv2d(s, ctx).correlate(mine.kernel(), ShareKind.BOTH, mine.input(),
                            ShareKind.BOTH, SHAPE, ID);
                    if (peerLeaks) { // TEST ONLY, insecure: the peer also sends its kernel share
                        Channel leak = s.channel("leaky.conv");
                        if (p == observer) {
                            leak.receiveLongs();
                        } else {
                            leak.sendLongs(mine.kernel());
                        }
                    }
                    return TwoPartyViews.Outputs.of("out", out);
                }).party(observer);
    }

    static void check(int observer, boolean peerLeaks) {
        Shares own = Shares.random(11 + observer);
        Shares peerA = Shares.zero();
        Shares peerB = Shares.random(97 + observer);
        View a = observe(observer, own, peerA, peerLeaks);
        View b = observe(observer, own, peerB, peerLeaks);
        ViewAssert.assertIndistinguishable(a, peerA.forbidden("peer"), b, peerB.forbidden("peer"),
                "direct correlation, party " + observer + "'s view");
    }

    @Test
    void modelOwnerLearnsNothingOfTheDataOwnersShares() {
        check(0, false);
    }

    @Test
    void dataOwnerLearnsNothingOfTheModelOwnersShares() {
        check(1, false);
    }

    @Test
    void negativeControlPeerSendingItsKernelShareIsCaught() {
        for (int observer = 0; observer < 2; observer++) {
            int o = observer;
            String why = ViewAssert.assertLeakCaught(() -> check(o, true), "leaky correlation, party " + o);
            System.out.println("negative control 'leaky correlation, party " + o + "' caught: " + why);
        }
    }
}
