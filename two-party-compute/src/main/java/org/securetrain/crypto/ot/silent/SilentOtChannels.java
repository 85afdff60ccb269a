package org.securetrain.crypto.ot.silent;

/**
 * Every stream name and traffic-step name of silent OT, in one place. A purpose string names an
 * instance today; the architecture work will replace it with a protocol identifier, and only this class
 * will change. Direction "pXsend": party X is the COT sender.
 */
public final class SilentOtChannels {
    /** Prefix of every silent-OT stream and traffic step. */
    public static final String PREFIX = "silentot.";
    /** Step of the set-up headers. */
    public static final String STEP_SETUP = PREFIX + "setup";
    /** Step of the corrections of the bootstrap stage (one ferret_b10 iteration in front of b11..b13). */
    public static final String STEP_BOOTSTRAP = PREFIX + "bootstrap";
    /** Step of the corrections of every regular iteration. */
    public static final String STEP_EXTEND = PREFIX + "extend";

    private SilentOtChannels() {
    }

    /** The Ferret stream of the instance {@code purpose} in which {@code senderParty} is the COT sender. */
    public static String ferret(String purpose, int senderParty) {
        return PREFIX + purpose + ".p" + senderParty + "send";
    }

    /**
     * The OtEngine purpose of the IKNP block COTs that bootstrap that instance; its stream is
     * {@code OtEngine.channelName(...)} of this ("ot.silentot.....boot"), its traffic step "ot.iknp".
     */
    public static String bootstrapOtPurpose(String purpose, int senderParty) {
        return ferret(purpose, senderParty) + ".boot";
    }
}
