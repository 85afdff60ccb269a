package org.securetrain.crypto.ot.silent;

import org.securetrain.runtime.ProtocolId;

/**
 * Every stream name, protocol id and traffic-step name of silent OT, in one place. An instance is named
 * by its {@link ProtocolId}; both ends of an instance use the same stream whatever their roles, so two
 * parties that both open the sender side meet there and fail on the set-up header instead of waiting on
 * two streams.
 */
public final class SilentOtChannels {
    /** Protocol family: leads every silent-OT stream name and traffic step. */
    public static final String FAMILY = "silentot";
    /** Step of the set-up headers. */
    public static final String STEP_SETUP = FAMILY + ".setup";
    /** Step of the corrections of the bootstrap stage (one ferret_b10 iteration in front of b11..b13). */
    public static final String STEP_BOOTSTRAP = FAMILY + ".bootstrap";
    /** Step of the corrections of every regular iteration. */
    public static final String STEP_EXTEND = FAMILY + ".extend";
    /** First segment reserved for the session's own instances. */
    static final String SESSION = "session";

    private SilentOtChannels() {
    }

    /** Id of the session's own instance in which {@code senderParty} is the COT sender: session.pXsend. */
    public static ProtocolId sessionInstance(int senderParty) {
        return ProtocolId.of(SESSION, "p" + senderParty + "send");
    }

    /** The Ferret stream of instance {@code id}: silentot.&lt;id&gt;. */
    public static String ferret(ProtocolId id) {
        return id.under(FAMILY).name();
    }

    /**
     * The OtEngine id of the IKNP block COTs that bootstrap instance {@code id}: silentot.&lt;id&gt;.boot,
     * on stream {@code OtEngine.channelName(...)} of it (ot.silentot.&lt;id&gt;.boot), traffic step "ot.iknp".
     */
    public static ProtocolId bootstrapOt(ProtocolId id) {
        return id.under(FAMILY).child("boot");
    }
}
