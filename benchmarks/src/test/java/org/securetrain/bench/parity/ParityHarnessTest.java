package org.securetrain.bench.parity;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parity harness end to end at a tiny size (MLP 784-16-10, 3 steps of 32 images): plaintext DL4J, the
 * fixed-point reference and the secure run in two child JVMs over TLS, once on loopback and once over the
 * simulated {@code lan} link; then the outputs are checked for existence and consistency. Plus the failure
 * paths: a child that dies, a missing data set, a malformed link list.
 */
class ParityHarnessTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void tinyRunWritesConsistentResults() throws Exception {
        StringWriter err = new StringWriter();
        int code = ParityHarness.run(new PrintWriter(err, true), "--model", "mlp", "--mlp-hidden", "16", "--train",
                "96", "--batch", "32", "--test", "100", "--child-heap", "1g", "--audit-secure-truncations", "--out",
                dir.toString(), "--link", "loopback,lan");
        assertEquals(0, code, "harness failed: " + err);

        List<String> csv = Files.readAllLines(dir.resolve("mlp-steps.csv"));
        assertEquals(1 + 3, csv.size(), "header and one line per step: " + csv);
        List<String> header = Arrays.asList(csv.get(0).split(","));
        int lf = header.indexOf("loss_dl4j_float");
        int lr = header.indexOf("loss_reference");
        int ls = header.indexOf("loss_secure");
        int s1 = header.indexOf("s_secure_p1");
        int b0 = header.indexOf("bytes_sent_p0");
        int r1 = header.indexOf("rounds_p1");
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            double dl4j = Double.parseDouble(f[lf]);
            double ref = Double.parseDouble(f[lr]);
            double sec = Double.parseDouble(f[ls]);
            assertTrue(dl4j > 0.5 && dl4j < 5, "a 10-class cross-entropy near ln 10 at the start: " + dl4j);
            System.out.printf("step %s: secure vs DL4J float %.2e, vs reference %.2e (relative)%n", f[0],
                    Math.abs(sec - dl4j) / dl4j, Math.abs(sec - ref) / ref);
            // measured at most 1.5e-6 vs DL4J float; a secure-only 1.01x learning rate gives 1.9e-4
            assertEquals(dl4j, sec, 2e-5 * dl4j, "secure vs DL4J float loss, step " + f[0]);
            assertEquals(ref, sec, 2e-5 * ref, "secure vs reference loss, step " + f[0]);
            assertTrue(Double.parseDouble(f[s1]) > 0, "secure step time");
            assertTrue(Long.parseLong(f[b0]) > 100_000, "the model owner sends garbled tables and HE products");
            assertTrue(Long.parseLong(f[r1]) > 5, "a secure step takes several rounds");
        }
        // the per-run step files of the three runs have the same number of steps
        assertEquals(3, StepRecord.read(dir.resolve("mlp-dl4j-float-steps.csv")).size());
        assertEquals(3, StepRecord.read(dir.resolve("mlp-dl4j-double-steps.csv")).size());
        assertEquals(3, StepRecord.read(dir.resolve("mlp-reference-steps.csv")).size());
        assertEquals(3, StepRecord.read(dir.resolve("secure-mlp-loopback/party0-steps.csv")).size());
        List<StepRecord> p1 = StepRecord.read(dir.resolve("secure-mlp-loopback/party1-steps.csv"));
        assertEquals(3, p1.size());
        assertTrue(p1.get(1).protocolSeconds() > 0, "per-protocol timings recorded");
        assertTrue(Double.isNaN(StepRecord.read(dir.resolve("secure-mlp-loopback/party0-steps.csv")).get(0).loss()),
                "the model owner does not see the loss by default");

        for (String png : List.of("mlp-loss.png", "mlp-loss-diff.png", "mlp-time-split.png",
                "mlp-step-time.png")) {
            byte[] b = Files.readAllBytes(dir.resolve(png));
            assertTrue(b.length > 5000, png + " is " + b.length + " bytes");
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4), png + " is not a PNG");
        }
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("## MLP 784-16-10, batch 32, 3 steps"), md);
        assertTrue(md.contains("**Wrap-arounds: 0**"), md);
        assertTrue(md.contains("own shares (--audit-secure-truncations): 0** of "), md);
        assertFalse(Files.exists(dir.resolve("secure-mlp-loopback/party0-truncations.bin")), "the dumps are deleted");
        assertTrue(md.contains("Time ratio secure / plaintext DL4J float"), md);
        assertTrue(md.contains("| HE_PRODUCT |"), md);
        assertTrue(md.contains("![loss curves](mlp-loss.png)"), md);
        assertTrue(md.contains("| process CPU time (all threads) |"), md);

        // the same training over the simulated LAN link: same losses and bytes, CPU recorded per party
        List<StepRecord> dl4j = StepRecord.read(dir.resolve("mlp-dl4j-float-steps.csv"));
        List<StepRecord> loop0 = StepRecord.read(dir.resolve("secure-mlp-loopback/party0-steps.csv"));
        List<StepRecord> lan0 = StepRecord.read(dir.resolve("secure-mlp-lan/party0-steps.csv"));
        List<StepRecord> lan1 = StepRecord.read(dir.resolve("secure-mlp-lan/party1-steps.csv"));
        assertEquals(3, lan0.size());
        assertEquals(3, lan1.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(dl4j.get(i).loss(), lan1.get(i).loss(), 1e-3 * dl4j.get(i).loss(), "lan loss, step " + (i + 1));
            assertEquals(loop0.get(i).bytesSent(), lan0.get(i).bytesSent(), 1e-3 * loop0.get(i).bytesSent(),
                    "the link changes timing, not traffic");
            for (StepRecord r : List.of(loop0.get(i), lan0.get(i), lan1.get(i))) {
                assertTrue(r.cpuSeconds() > 0 && r.cpuSeconds() < 1000, "process CPU per step: " + r.cpuSeconds());
            }
        }
        assertTrue(Files.readString(dir.resolve("secure-mlp-lan/party1.log")).contains("SIMULATED LINK"));
        assertTrue(md.contains("### Link profiles and CPU per party"), md);
        assertTrue(md.contains("| loopback (no simulated link) | 3 |"), md);
        assertTrue(md.contains("| lan (1gbit,500us) | 3 |"), md);
        List<String> links = Files.readAllLines(dir.resolve("mlp-links.csv"));
        assertEquals(3, links.size(), "header, loopback, lan: " + links);
        assertTrue(links.get(2).startsWith("lan,1000000000,0.500,3,"), links.get(2));
    }

    @Test
    void malformedLinkListIsMisuse() {
        StringWriter err = new StringWriter();
        int code = ParityHarness.run(new PrintWriter(err, true), "--model", "mlp", "--link", "loopback,wifi",
                "--out", dir.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--link: unknown link profile 'wifi'"), err.toString());
        err = new StringWriter();
        code = ParityHarness.run(new PrintWriter(err, true), "--model", "mlp", "--link", "wan:3,loopback", "--out",
                dir.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("takes no step cap"), err.toString());
    }

    @Test
    @Timeout(90)
    void aChildThatDiesFailsTheHarnessWithItsLog() {
        StringWriter err = new StringWriter();
        // a 1 MiB heap: the party JVMs cannot even start
        int code = ParityHarness.run(new PrintWriter(err, true), "--model", "mlp", "--mlp-hidden", "8", "--train", "32",
                "--batch", "32", "--test", "0", "--child-heap", "1m", "--out", dir.toString());
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("model owner process exited"), err.toString());
        assertTrue(err.toString().contains("last lines of"), "the child's log tail is shown: " + err);
        assertTrue(err.toString().toLowerCase().contains("heap"), "the JVM's own complaint is in the tail: " + err);
    }

    @Test
    void missingFullDataSetNamesTheDebianPackage() {
        StringWriter err = new StringWriter();
        int code = ParityHarness.run(new PrintWriter(err, true), "--model", "mlp", "--full", "--data",
                dir.resolve("no-such-dir").toString(), "--out", dir.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("apt-get install dataset-fashion-mnist"), err.toString());
    }
}
