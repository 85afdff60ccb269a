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
        int me = ot.party();
        Channel ch = ot.session().channel(SilentOtChannels.ferret(id));
        try {
            handshake(ch, FerretWire.ROLE_SENDER, p);
            FerretParams stage = p.bootstrapStage();
            FerretParams first = stage != null ? stage : p;
            BlockCotSender iknp = ot.cotSender(SilentOtChannels.bootstrapOt(id));
            long[] base = iknp.sendBlockCot(first.reserved());
            for (int i = 0; i < base.length; i += 2) {
                base[i] &= ~1L; // lsb convention: lsb(q) = 0, so lsb(t) = choice bit (local, see silent-ot.md)
            }
            Prg seeds = Prg.fromSecureRandom(rnd);
            if (stage != null) {
                FerretSender s = new FerretSender(stage, ch, SilentOtChannels.STEP_BOOTSTRAP,
                        lpnSeed(ot, id, me, stage), base, iknp.deltaLo(), iknp.deltaHi(), seeds);
                base = new long[2 * p.reserved()];
                s.next(p.reserved(), base);
            }
            FerretSender s = new FerretSender(p, ch, SilentOtChannels.STEP_EXTEND, lpnSeed(ot, id, me, p), base,
                    iknp.deltaLo(), iknp.deltaHi(), seeds);
            s.sendAhead();
            return s;
        } catch (RuntimeException e) {
            throw FerretWire.abortOn(ch, e);
        }
    }

    static FerretReceiver receiver(OtEngine ot, ProtocolId id, FerretParams p, SecureRandom rnd) {
        int peer = 1 - ot.party();
        Channel ch = ot.session().channel(SilentOtChannels.ferret(id));
        try {
            handshake(ch, FerretWire.ROLE_RECEIVER, p);
            FerretParams stage = p.bootstrapStage();
            FerretParams first = stage != null ? stage : p;
            BlockCotReceiver iknp = ot.cotReceiver(SilentOtChannels.bootstrapOt(id));
            long[] choices = Prg.fromSecureRandom(rnd).nextBits(first.reserved());
            long[] base = iknp.receiveBlockCot(choices, first.reserved());
            for (int i = 0; i < first.reserved(); i++) {
                base[2 * i] = base[2 * i] & ~1L | choices[i >>> 6] >>> (i & 63) & 1L;
            }
            Arrays.fill(choices, 0L);
            if (stage != null) {
                FerretReceiver s = new FerretReceiver(stage, ch, SilentOtChannels.STEP_BOOTSTRAP,
                        lpnSeed(ot, id, peer, stage), base);
                base = new long[2 * p.reserved()];
                s.nextBlocks(p.reserved(), base);
            }
            return new FerretReceiver(p, ch, SilentOtChannels.STEP_EXTEND, lpnSeed(ot, id, peer, p), base);
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
