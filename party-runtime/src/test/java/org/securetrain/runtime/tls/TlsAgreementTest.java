package org.securetrain.runtime.tls;

import static org.securetrain.runtime.tls.TlsTestSupport.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.securetrain.runtime.AgreementScenarios;
import org.securetrain.runtime.Role;
import org.securetrain.runtime.SessionOptions;

/** The agreement mechanism over TLS on 127.0.0.1: the same guarantees as in memory. */
@Timeout(120)
class TlsAgreementTest {

    private static Outcome pair() throws Exception {
        SessionOptions a = opts(Role.MODEL_OWNER).agreementProbeDelay(Duration.ofMillis(300)).build();
        SessionOptions b = opts(Role.DATA_OWNER).agreementProbeDelay(Duration.ofMillis(300)).build();
        return open(alice(a), bob(b));
    }

    @Test
    void differentShapesFailBothNamingBothViews() throws Exception {
        try (Outcome o = pair()) {
            AgreementScenarios.differentShapesFailBothNamingBothViews(o.listener(), o.connector());
        }
    }

    @Test
    void bothWaitingFailThroughTheProbe() throws Exception {
        try (Outcome o = pair()) {
            AgreementScenarios.bothWaitingFailThroughTheProbe(o.listener(), o.connector());
        }
    }

    @Test
    void aPartyACallAheadFailsBoth() throws Exception {
        try (Outcome o = pair()) {
            AgreementScenarios.aPartyACallAheadFailsBoth(o.listener(), o.connector());
        }
    }

    @Test
    void agreedCallsAddNoMessage() throws Exception {
        try (Outcome o = pair()) {
            AgreementScenarios.agreedCallsAddNoMessage(o.listener(), o.connector(), false);
            AgreementScenarios.agreedCallsAddNoMessage(o.listener(), o.connector(), true);
        }
    }
}
