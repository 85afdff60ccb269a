package org.securetrain.crypto.ot.silent;

import java.security.SecureRandom;
import java.util.Arrays;
import org.securetrain.crypto.ot.BlockCotReceiver;
import org.securetrain.crypto.ot.BlockCotSender;
import org.securetrain.crypto.ot.OtEngine;
import org.securetrain.crypto.prg.Prg;
import org.securetrain.runtime.Channel;
import org.securetrain.runtime.ProtocolId;

/**
 * Sets up one Ferret instance (one direction): checks that both ends agree (roles, parameters), takes
 * the first base COTs from IKNP with its global Δ (so the Ferret Δ is the IKNP Δ of this direction, as
 * the sender's lsb-1 offset), and, for ferret_b11..b13, runs one ferret_b10 iteration in between so that
 * IKNP only has to produce 74,036 COTs (emp-ot's tiered bootstrap). Both ends call the matching method
 * with the same protocol id.
 */
final class FerretBootstrap {
    private static final String LPN_DOMAIN = "securetrain/silentot/ferret-lpn-code/v1";

    private FerretBootstrap() {
    }

    static FerretSender sender(OtEngine ot, ProtocolId id, FerretParams p, SecureRandom rnd) {
        return open(ot, id, p, FerretWire.ROLE_SENDER, ot.party(), new End<FerretSender>() {
            private BlockCotSender iknp;
            private Prg seeds;

            @Override
            public long[] baseCots(int n) {
                iknp = ot.cotSender(SilentOtChannels.bootstrapOt(id));
                long[] base = iknp.sendBlockCot(n);
                for (int i = 0; i < base.length; i += 2) {
                    base[i] &= ~1L; // lsb convention: lsb(q) = 0, so lsb(t) = choice bit (local, see silent-ot.md)
                }
                seeds = Prg.fromSecureRandom(rnd);
                return base;
            }

            @Override
            public FerretSender make(FerretParams q, Channel ch, String step, byte[] lpnSeed, long[] base) {
                return new FerretSender(q, ch, step, lpnSeed, base, iknp.deltaLo(), iknp.deltaHi(), seeds);
            }

            @Override
            public void nextBase(FerretSender stage, int n, long[] base) {
                stage.next(n, base);
            }

            @Override
            public void ready(FerretSender s) {
                s.sendAhead();
            }
        });
    }

    static FerretReceiver receiver(OtEngine ot, ProtocolId id, FerretParams p, SecureRandom rnd) {
        return open(ot, id, p, FerretWire.ROLE_RECEIVER, 1 - ot.party(), new End<FerretReceiver>() {
            @Override
            public long[] baseCots(int n) {
                BlockCotReceiver iknp = ot.cotReceiver(SilentOtChannels.bootstrapOt(id));
                long[] choices = Prg.fromSecureRandom(rnd).nextBits(n);
                long[] base = iknp.receiveBlockCot(choices, n);
                for (int i = 0; i < n; i++) {
                    base[2 * i] = base[2 * i] & ~1L | choices[i >>> 6] >>> (i & 63) & 1L;
                }
                Arrays.fill(choices, 0L);
                return base;
            }

            @Override
            public FerretReceiver make(FerretParams q, Channel ch, String step, byte[] lpnSeed, long[] base) {
                return new FerretReceiver(q, ch, step, lpnSeed, base);
            }

            @Override
            public void nextBase(FerretReceiver stage, int n, long[] base) {
                stage.nextBlocks(n, base);
            }
        });
    }

    /** What the two ends of a bootstrap do differently; {@link #open} is the flow both follow. */
    private interface End<T> {
        /** The first n base COTs (2n longs), from this direction's IKNP instance, in the lsb convention. */
        long[] baseCots(int n);

        /** This end of a Ferret instance with parameters q on ch, traffic step {@code step}. */
        T make(FerretParams q, Channel ch, String step, byte[] lpnSeed, long[] base);

        /** Draws n COTs (2n longs) from the bootstrap stage's instance into base. */
        void nextBase(T stage, int n, long[] base);

        /** The instance is built (the sender sends its first iteration ahead). */
        default void ready(T end) {
        }
    }

    /**
     * One end's bootstrap: handshake, base COTs from IKNP, for tiered parameter sets the bootstrap stage's
     * instance (which makes the base COTs of the final one), then the final instance; aborts the session on
     * failure. {@code senderParty} is the party that sends in this direction (it keys the LPN code).
     */
    private static <T> T open(OtEngine ot, ProtocolId id, FerretParams p, int role, int senderParty, End<T> end) {
        Channel ch = ot.session().channel(SilentOtChannels.ferret(id));
        try {
            handshake(ch, role, p);
            FerretParams stage = p.bootstrapStage();
            long[] base = end.baseCots((stage != null ? stage : p).reserved());
            if (stage != null) {
                T s = end.make(stage, ch, SilentOtChannels.STEP_BOOTSTRAP, lpnSeed(ot, id, senderParty, stage), base);
                base = new long[2 * p.reserved()];
                end.nextBase(s, p.reserved(), base);
            }
            T s = end.make(p, ch, SilentOtChannels.STEP_EXTEND, lpnSeed(ot, id, senderParty, p), base);
            end.ready(s);
            return s;
        } catch (RuntimeException e) {
            throw FerretWire.abortOn(ch, e);
        }
    }

    private static void handshake(Channel ch, int role, FerretParams p) {
        try (var s = ch.step(SilentOtChannels.STEP_SETUP)) {
            FerretWire.sendSetup(ch, role, p);
            FerretWire.checkSetup(ch, role, p);
        }
    }

    /**
     * The public seed of the instance's code: the first 16 bytes of id.label(domain, session id, sender
     * party, parameter set) (SHA-256 over length-prefixed parts). Public on purpose (both parties derive
     * it); distinct per session, instance, direction and stage, so no two instances share a code.
     */
    static byte[] lpnSeed(OtEngine ot, ProtocolId id, int senderParty, FerretParams p) {
        String sid = ot.session().options().sessionId();
        String domain = LPN_DOMAIN + "/session:" + sid.length() + ":" + sid + "/p" + senderParty + "/" + p.trees() + "/"
                + p.logk() + "/" + p.depth();
        return Arrays.copyOf(id.label(domain), 16);
    }
}
