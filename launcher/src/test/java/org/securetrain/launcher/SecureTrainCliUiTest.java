package org.securetrain.launcher;

import org.securetrain.launcher.ui.TrainingUi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.securetrain.launcher.SecureTrainCliTest.inProcess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Ports;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.launcher.SecureTrainCliTest.Run;

/**
 * The launcher's {@code --ui}: it prints the UI's loopback addresses and the per-protocol table, closes the UI
 * when the run ends, and reports a bad or busy UI port before it talks to the peer.
 */
class SecureTrainCliUiTest {
    @TempDir
    static Path dir;
    static LauncherParties parties;

    @BeforeAll
    static void identities() throws IOException {
        parties = LauncherParties.save(dir);
    }

    static List<String> args(String role, String endpointOption, String hostPort, String... extra) {
        List<String> a = new ArrayList<>(List.of("--timeout", "60"));
        a.addAll(List.of(extra));
        return parties.args(role, (endpointOption.equals("--listen") ? "l " : "c ") + hostPort, a.toArray(String[]::new));
    }

    @Test
    @Timeout(600) // a guard against hangs only; the waits inside are for events
    void theDataOwnerWithUiPrintsTheAddressesAndTheProtocolTableAndClosesTheUi() throws Exception {
        SecureTrainCliTest.Started mo = SecureTrainCliTest.start(args("model-owner", "--listen", "127.0.0.1:0"));
        String hostPort = "127.0.0.1:" + mo.port(); // bound by the model owner, read back from what it prints
        Run d = inProcess(args("data-owner", "--connect", hostPort, "--limit", "64", "--batch", "32",
                "--test-limit", "0", "--ui", "--ui-port", "0"));
        Run m = mo.result();
        assertEquals(0, d.code(), d.out() + d.err());
        assertEquals(0, m.code(), m.out() + m.err());
        Matcher url = Pattern.compile("training UI \\(127\\.0\\.0\\.1 only\\): http://127\\.0\\.0\\.1:(\\d+)/train/overview "
                + "\\(loss chart\\) and http://127\\.0\\.0\\.1:\\d+/securetrain").matcher(d.out());
        assertTrue(url.find(), d.out());
        for (Run r : new Run[] {d, m}) { // the per-protocol table is in every launcher's summary
            assertTrue(r.out().contains("time per kernel") && r.out().contains("HE_PRODUCT")
                    && r.out().contains("traffic per protocol step") && r.out().contains("he.matmul.cross")
                    && r.out().contains(org.securetrain.backend.NonlinearEngine.DEFAULT
                    == org.securetrain.backend.NonlinearEngine.OT ? "nl.relu" : "gc.tables"), r.out());
        }
        int port = Integer.parseInt(url.group(1));
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }, "the UI must be closed when the launcher returns");
        TrainingUi.start(0).close(); // and DL4J's singleton is free again
    }

    @Test
    void aBadOrBusyUiPortFailsBeforeThePeerIsContacted() throws IOException {
        Run r = inProcess(args("model-owner", "--listen", "127.0.0.1:0", "--ui", "--ui-port", "70000"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--ui-port must be 0..65535"), r.err());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Ports.Held refusing = Ports.refusing()) {
            int unreachable = refusing.port();
            r = inProcess(args("data-owner", "--connect", "127.0.0.1:" + unreachable, "--limit", "64", "--ui",
                    "--ui-port", Integer.toString(taken.getLocalPort())));
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("cannot start DL4J's training UI on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertTrue(!r.out().contains("connecting to"), "the UI port is checked before the peer: " + r.out());
        }
    }
}
