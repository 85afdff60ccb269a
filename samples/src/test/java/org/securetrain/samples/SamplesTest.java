package org.securetrain.samples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.securetrain.runtime.testing.Await;
import org.securetrain.runtime.testing.Ports;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.tls.TlsIdentity;

/**
 * Every sample runs at a tiny size, both parties in this JVM over TLS as the samples do, and its printed summary
 * is checked: the secure model's accuracy against plaintext DL4J's on the same configuration, seed and
 * minibatches, secure inference's predictions against the plaintext model's; bad arguments fail naming the
 * argument. Bounds are stated at each check with the measured values.
 */
@Timeout(600) // a guard against hangs only; no test here waits for a time
class SamplesTest {
    @TempDir
    Path tmp;

    /** Runs {@code body} with System.out copied into the returned string (and still shown). */
    static String captured(ThrowingRunnable body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                buf.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                buf.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            body.run();
        } finally {
            tee.flush();
            System.setOut(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static double percent(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*(\\d+\\.\\d+) %").matcher(out);
        assertTrue(m.find(), "no line '" + label + "' in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    static double number(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([0-9.eE+-]+)").matcher(out);
        assertTrue(m.find(), "no line '" + label + "' in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    /**
     * The training samples' summary: secure and plaintext accuracy on the same test images, and the largest
     * weight difference. Bound: the secure weights follow plaintext DL4J up to fixed-point rounding (measured
     * 2e-6 after 8 MLP steps, 3e-7 after one CNN step at f = 24), so at most 2 of the 100 test images may be
     * classified differently and no weight may differ by more than 1e-4.
     */
    static void secureMatchesPlaintext(String out, int steps) {
        double secure = percent(out, "test accuracy, secure two-party (revealed to model owner):");
        double plain = percent(out, "test accuracy, plaintext DL4J (same conf, seed, batches):");
        double maxW = number(out, "max |secure weight - plaintext weight|:");
        assertTrue(Math.abs(secure - plain) <= 2.0, "secure " + secure + " % vs plaintext " + plain + " %");
        assertTrue(maxW < 1e-4, "weights differ by " + maxW);
        assertTrue(out.contains("MODEL_OWNER: " + steps + " steps") && out.contains("DATA_OWNER: " + steps + " steps"), out);
    }

    @Test
    void mlpSampleTrainsLikePlaintextDl4j() throws Exception {
        String out = captured(() -> FashionMnistMlp.main(new String[] {"train=256", "test=100", "batch=32", "epochs=1",
            "hidden=16"}));
        assertTrue(out.contains("MLP 784-16-10, 256 training images, batch 32, 1 epoch(s), test on 100 images"), out);
        secureMatchesPlaintext(out, 8);
    }

    @Test
    void cnnSampleTrainsLikePlaintextDl4j() throws Exception {
        // one secure step of the LeNet-style CNN with 2 + 2 feature maps (garbled ReLU and max-pool per value)
        String out = captured(() -> FashionMnistCnn.main(new String[] {"train=16", "test=100", "batch=16", "c1=2",
            "c2=2", "dense=8"}));
        assertTrue(out.contains("LeNet-style CNN conv5x5(2)-pool-conv5x5(2)-pool-dense(8)-10, 16 training images"), out);
        secureMatchesPlaintext(out, 1);
    }

    /** One secure step of the residual ComputationGraph sample with 2 channels (slow: ~1 min on a loaded machine). */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void resNetSampleTrainsLikePlaintextDl4j() throws Exception {
        String out = captured(() -> FashionMnistResNet.main(new String[] {"train=16", "test=100", "batch=16",
            "channels=2", "dense=8"}));
        assertTrue(out.contains("residual network (ComputationGraph, 2 blocks, 2 channels), 16 training images"), out);
        double secure = percent(out, "test accuracy, secure two-party (revealed to model owner):");
        double plain = percent(out, "test accuracy, plaintext DL4J ComputationGraph:");
        double maxW = number(out, "max |secure weight - plaintext weight|:");
        assertTrue(Math.abs(secure - plain) <= 2.0, "secure " + secure + " % vs plaintext " + plain + " %");
        assertTrue(maxW < 1e-4, "weights differ by " + maxW); // the other samples' bound
    }

    @Test
    void secureInferencePredictsWhatThePlaintextModelPredicts() throws Exception {
        // the default model (an MLP trained in plaintext by the model owner), 40 private test images
        String out = captured(() -> SecureInference.main(new String[] {"test=40", "batch=20"}));
        assertTrue(out.contains("same class as the plaintext model: 40 / 40"), out);
        // measured 2e-7: fixed-point rounding of the products; the output is a probability
        double diff = number(out, "max probability difference");
        assertTrue(diff < 1e-4, "probabilities differ by " + diff);
        double acc = percent(out, "accuracy of the secure predictions:");
        assertTrue(acc > 40, "an MLP trained on 4000 images classifies well above chance, got " + acc + " %");
    }

    @Test
    void secureInferenceOnAModelFileAndBadFiles() throws Exception {
        // a model the model owner saved (as the launcher's --out does): a small MLP trained in plaintext
        var conf = org.securetrain.launcher.Models.mlp(16, 0.01, 3);
        var model = org.securetrain.launcher.PartyTraining.trainPlain(conf,
                org.securetrain.data.FashionMnist.bundled(org.securetrain.data.FashionMnist.Split.TRAIN, 256), 64, 1);
        Path file = tmp.resolve("model.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(model, file.toFile(), false);
        String out = captured(() -> SecureInference.main(new String[] {"test=20", "batch=20", "model=" + file}));
        assertTrue(out.contains("same class as the plaintext model: 20 / 20"), out);

        Path missing = tmp.resolve("no-such-model.zip");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> SecureInference.main(new String[] {"model=" + missing}));
        assertTrue(e.getMessage().contains("cannot read model " + missing), e.getMessage());
    }

    @Test
    void copyMeExampleTrainsAsTwoPartiesAndSavesTheModel() throws Exception {
        TlsIdentity mo = TlsIdentity.generate("model-owner");
        TlsIdentity dO = TlsIdentity.generate("data-owner");
        mo.save(tmp.resolve("mo.key"), tmp.resolve("mo.crt"));
        dO.save(tmp.resolve("do.key"), tmp.resolve("do.crt"));
        // a port held for the model owner's listener (which binds it with SO_REUSEADDR): nobody else can take it
        // meanwhile, and the data owner's connect is refused (and retried) until the listener is up
        Ports.Held held = Ports.forLaterListener();
        String hostPort = "127.0.0.1:" + held.port();
        Path model = tmp.resolve("trained-model.zip");
        String out = captured(() -> {
            CompletableFuture<Void> owner = CompletableFuture.runAsync(() -> {
                try {
                    CopyMeExample.main(new String[] {"model-owner", hostPort, tmp.resolve("mo.key").toString(),
                        tmp.resolve("mo.crt").toString(), dO.fingerprint(), "128", "100", model.toString()});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CopyMeExample.main(new String[] {"data-owner", hostPort, tmp.resolve("do.key").toString(),
                tmp.resolve("do.crt").toString(), mo.fingerprint(), "128", "100"});
            Await.get(owner);
        });
        held.close();
        double acc = percent(out, "data owner: test accuracy of the secure model");
        assertTrue(acc >= 0 && acc <= 100, out);
        assertTrue(out.contains("model owner: trained model saved to " + model), out);
        assertTrue(Files.size(model) > 1000);
        var restored = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        assertEquals(784 * 128 + 128 + 128 * 10 + 10, restored.numParams());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> CopyMeExample.main(
                new String[] {"auditor", hostPort, "k", "c", mo.fingerprint()}));
        assertTrue(bad.getMessage().contains("first argument must be model-owner or data-owner, got 'auditor'"));
        bad = assertThrows(IllegalArgumentException.class, () -> CopyMeExample.main(
                new String[] {"data-owner", "127.0.0.1", "k", "c", mo.fingerprint()}));
        assertTrue(bad.getMessage().contains("HOST:PORT"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> CopyMeExample.main(
                new String[] {"data-owner", hostPort, "k", "c", mo.fingerprint(), "many"}));
        assertTrue(bad.getMessage().contains("TRAIN_IMAGES must be a positive integer, got 'many'"), bad.getMessage());
    }

    @Test
    void badSampleArgumentsNameTheArgument() {
        assertBad("expected key=value, got 'train'", () -> FashionMnistMlp.main(new String[] {"train"}));
        assertBad("train must be an integer, got 'many'", () -> FashionMnistMlp.main(new String[] {"train=many"}));
        assertBad("epochs must be positive, got 0", () -> FashionMnistMlp.main(new String[] {"epochs=0"}));
        assertBad("lr must be a number, got 'fast'", () -> FashionMnistMlp.main(new String[] {"lr=fast"}));
        assertBad("lr must be a positive number, got '-0.1'", () -> FashionMnistMlp.main(new String[] {"lr=-0.1"}));
        assertBad("unknown option(s): [hiden]", () -> FashionMnistMlp.main(new String[] {"hiden=32"}));
        assertBad("option 'test' is given twice", () -> FashionMnistCnn.main(new String[] {"test=10", "test=20"}));
        assertBad("unknown option(s): [epochs]", () -> SecureInference.main(new String[] {"epochs=2"}));
        assertBad("fractional bits must be in", () -> FashionMnistMlp.main(new String[] {"fracBits=70"}));
        assertBad("fractional bits must be in", () -> SecureInference.main(new String[] {"fracBits=70"}));
    }

    private static void assertBad(String message, org.junit.jupiter.api.function.Executable sample) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, sample);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "', got '" + e.getMessage() + "'");
    }

    /** The jar's entry point (and CopyMeExample's usage) exit with code 2 and a usage line; run as processes. */
    @Test
    void entryPointExitsWithUsageOnMisuse() throws Exception {
        Proc p = java(Samples.class.getName());
        assertEquals(2, p.code, p.out);
        assertTrue(p.out.contains("usage: java -jar samples/target/securetrain-samples.jar mlp|cnn|resnet|inference"),
                p.out);
        p = java(Samples.class.getName(), "lstm");
        assertEquals(2, p.code, p.out);
        assertTrue(p.out.contains("unknown sample 'lstm'"), p.out);
        p = java(Samples.class.getName(), "mlp", "train=many");
        assertEquals(2, p.code, p.out);
        assertTrue(p.out.contains("error: train must be an integer, got 'many'"), p.out);
        p = java(CopyMeExample.class.getName(), "model-owner");
        assertEquals(2, p.code, p.out);
        assertTrue(p.out.contains("usage: CopyMeExample model-owner|data-owner HOST:PORT"), p.out);
    }

    record Proc(int code, String out) {
    }

    static Proc java(String... mainAndArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(mainAndArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        Await.exit(p);
        return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

}
