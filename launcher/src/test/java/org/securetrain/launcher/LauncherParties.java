package org.securetrain.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.securetrain.runtime.tls.TlsIdentity;

/**
 * Test fixture for the launcher tests: both parties' TLS identities saved in one directory (mo.key/mo.crt for
 * the model owner, do.key/do.crt for the data owner) and the options every party gives.
 */
record LauncherParties(Path dir, String moFp, String doFp) {

    static LauncherParties save(Path dir) throws IOException {
        TlsIdentity mo = TlsIdentity.generate("model-owner");
        TlsIdentity dO = TlsIdentity.generate("data-owner");
        mo.save(dir.resolve("mo.key"), dir.resolve("mo.crt"));
        dO.save(dir.resolve("do.key"), dir.resolve("do.crt"));
        return new LauncherParties(dir, mo.fingerprint(), dO.fingerprint());
    }

    /** {@code role}'s options pinning the other party's real fingerprint. */
    List<String> args(String role, String endpoint, String... extra) {
        return argsPinning(role, endpoint, role.equals("model-owner") ? doFp : moFp, extra);
    }

    /**
     * {@code role}'s options: {@code endpoint} is "l HOST:PORT" to listen or "c HOST:PORT" to connect; its own key
     * and certificate, the pinned {@code peerFp}, log-line progress, then {@code extra}.
     */
    List<String> argsPinning(String role, String endpoint, String peerFp, String... extra) {
        String me = role.equals("model-owner") ? "mo" : "do";
        List<String> a = new ArrayList<>(List.of("--role", role, endpoint.startsWith("l") ? "--listen" : "--connect",
                endpoint.substring(2), "--key", dir.resolve(me + ".key").toString(), "--cert",
                dir.resolve(me + ".crt").toString(), "--peer-fingerprint", peerFp, "--plain-progress", "--loss-mode", "label-owner"));
        a.addAll(List.of(extra));
        return a;
    }
}
