package org.securetrain.samples;

import java.util.Arrays;

/**
 * Entry point of {@code securetrain-samples.jar}: {@code mlp}, {@code cnn}, {@code resnet}, {@code inference} (samples with
 * both parties in this JVM over TLS), {@code train} (one party of a two-machine run; see
 * {@code org.securetrain.launcher.SecureTrainCli}).
 */
public final class Samples {
    private Samples() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "mlp" -> FashionMnistMlp.main(rest);
                case "cnn" -> FashionMnistCnn.main(rest);
                case "resnet" -> FashionMnistResNet.main(rest);
                case "inference" -> SecureInference.main(rest);
                case "train" -> org.securetrain.launcher.SecureTrainCli.main(rest);
                default -> {
                    System.err.println("unknown sample '" + args[0] + "'");
                    usage();
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            // exit rather than wait on the transport's non-daemon threads
            e.printStackTrace();
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: java -jar samples/target/securetrain-samples.jar mlp|cnn|resnet|inference [key=value...]");
        System.err.println("       java -jar samples/target/securetrain-samples.jar train --help");
    }
}
