package org.securetrain.crypto.ot.silent;

/**
 * Every stream name and traffic-step name of silent OT, in one place. A purpose string names an
 * instance today; the architecture work will replace it with a protocol identifier, and only this class
 * will change. Both ends of an instance use the same stream whatever their roles, so two parties that
 * both open the sender side meet there and fail on the set-up header instead of waiting on two streams.
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

    /** Purpose of the session's own instance in which {@code senderParty} is the COT sender ("session.pXsend"). */
    public static String sessionPurpose(int senderParty) {
        return "session.p" + senderParty + "send";
    }

    /** The Ferret stream of the instance {@code purpose}. */
    public static String ferret(String purpose) {
        return PREFIX + purpose;
    }

    /**
     * The OtEngine purpose of the IKNP block COTs that bootstrap that instance; its stream is
     * {@code OtEngine.channelName(...)} of this ("ot.silentot.<purpose>.boot"), its traffic step "ot.iknp".
     */
    public static String bootstrapOtPurpose(String purpose) {
        return PREFIX + purpose + ".boot";
    }
}
