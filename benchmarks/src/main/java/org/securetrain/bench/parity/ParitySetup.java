package org.securetrain.bench.parity;

import org.securetrain.backend.NonlinearSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.securetrain.data.FashionMnist;

/**
 * Everything the three runs of one parity experiment share: the model, its seed and learning rate, the
 * fixed-point precision, the batch size and the data (which examples, in which order). The harness passes
 * it to the two secure-party processes as {@code key=value} arguments ({@link #toArgs()}), so both processes
 * and the harness build the same configuration and read the same minibatches.
 */
public record ParitySetup(String model, int[] mlpHidden, int[] cnnSizes, double lr, long seed, int fracBits,
        int batch, int epochs, String data, int train, int test, String nonlinear, String updater, String loss) {

    /** The setup with label-owner loss mode (the harness's default). */
    public ParitySetup(String model, int[] mlpHidden, int[] cnnSizes, double lr, long seed, int fracBits, int batch,
            int epochs, String data, int train, int test, String nonlinear, String updater) {
        this(model, mlpHidden, cnnSizes, lr, seed, fracBits, batch, epochs, data, train, test, nonlinear, updater,
                "label-owner");
    }

    /** Default MLP 784-128-128-10 and LeNet-style CNN (conv5x5x6 - pool - conv5x5x16 - pool - dense 84). */
    public static final int[] DEFAULT_MLP_HIDDEN = {128, 128};
    public static final int[] DEFAULT_CNN = {6, 16, 84};
    public static final String BUNDLED = "bundled";

    public ParitySetup {
        if (!model.equals("mlp") && !model.equals("cnn")) {
            throw new IllegalArgumentException("model must be mlp or cnn, got " + model);
        }
        if (mlpHidden.length == 0 || Arrays.stream(mlpHidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("MLP hidden sizes must be positive, got " + Arrays.toString(mlpHidden));
        }
        if (cnnSizes.length != 3 || Arrays.stream(cnnSizes).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("CNN sizes are conv1,conv2,dense (positive), got "
                    + Arrays.toString(cnnSizes));
        }
        if (batch < 1 || epochs < 1 || train < 1 || test < 0) {
            throw new IllegalArgumentException("batch, epochs and train must be positive and test non-negative: batch "
                    + batch + ", epochs " + epochs + ", train " + train + ", test " + test);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        nonlinear = NonlinearSettings.parse(nonlinear).spec(); // validated, every setting written out
        if (!updater.equals("nesterov") && !updater.equals("adam")) {
            throw new IllegalArgumentException("updater must be nesterov or adam, got " + updater);
        }
        if (!loss.equals("label-owner") && !loss.equals("private")) {
            throw new IllegalArgumentException("loss mode must be label-owner or private, got " + loss);
        }
    }

    /**
     * The secure runs' loss mode: label-owner, or private with the loss opened to the data owner only (as the
     * label-owner runs show it).
     */
    public org.securetrain.dl4j.LossMode lossMode() {
        return loss.equals("private")
                ? org.securetrain.dl4j.LossMode.privateLoss(org.securetrain.dl4j.LossVisibility.DATA_OWNER_ONLY)
                : org.securetrain.dl4j.LossMode.labelOwner(org.securetrain.dl4j.LabelOwnerLeakage.DATA_OWNER_SEES_EXACT_LOGITS);
    }

    /** The secure runs' non-linear protocols. */
    public NonlinearSettings nonlinearSettings() {
        return NonlinearSettings.parse(nonlinear);
    }

    /** Steps (minibatches) of one epoch; the last one may be partial. */
    public int stepsPerEpoch() {
        return (train + batch - 1) / batch;
    }

    public int totalSteps() {
        return stepsPerEpoch() * epochs;
    }

    /** A short human name of the model, e.g. "MLP 784-128-128-10". */
    public String modelName() {
        if (model.equals("mlp")) {
            StringBuilder sb = new StringBuilder("MLP 784");
            for (int h : mlpHidden) {
                sb.append('-').append(h);
            }
            return sb.append("-10").toString();
        }
        return String.format(Locale.ROOT, "CNN conv5x5x%d-pool2-conv5x5x%d-pool2-dense%d-10", cnnSizes[0], cnnSizes[1],
                cnnSizes[2]);
    }

    /**
     * The ordinary DL4J configuration, Nesterov momentum 0.9 (or Adam with DL4J's default betas and epsilon), Xavier initialisation from {@link #seed}. The
     * secure and the reference runs use {@link DataType#DOUBLE}; the plaintext baseline {@link DataType#FLOAT}.
     */
    public MultiLayerConfiguration conf(DataType dt) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dt)
                .updater(updater.equals("adam") ? new Adam(lr) : new Nesterovs(lr, 0.9))
                .weightInit(WeightInit.XAVIER)
                .list();
        if (model.equals("mlp")) {
            int in = FashionMnist.PIXELS;
            for (int h : mlpHidden) {
                list.layer(new DenseLayer.Builder().nIn(in).nOut(h).activation(Activation.RELU).build());
                in = h;
            }
            return list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(10)
                    .activation(Activation.SOFTMAX).build()).build();
        }
        return list
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(cnnSizes[0]).activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(cnnSizes[1]).activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(cnnSizes[2]).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }

    /** The first {@link #train} training images in file order (no shuffling: the order of all three runs). */
    public DataSet trainingData() throws IOException {
        return load(FashionMnist.Split.TRAIN, train);
    }

    /** The first {@link #test} test images (null when test = 0). */
    public DataSet testData() throws IOException {
        return test == 0 ? null : load(FashionMnist.Split.TEST, test);
    }

    private DataSet load(FashionMnist.Split split, int limit) throws IOException {
        DataSet ds;
        if (data.equals(BUNDLED)) {
            ds = FashionMnist.bundled(split, limit);
        } else {
            Path dir = Path.of(data);
            if (!Files.isDirectory(dir)) {
                throw new IOException("the full Fashion-MNIST set is not at " + dir + ": install Debian's package "
                        + "(apt-get install dataset-fashion-mnist, files in " + FashionMnist.DEBIAN_DIR + ") or pass "
                        + "--data DIR with train-images-idx3-ubyte.gz etc., or use --quick (bundled subset)");
            }
            ds = FashionMnist.load(dir, split, limit);
        }
        if (ds.numExamples() < limit) {
            throw new IOException(split + " data at " + data + " has " + ds.numExamples() + " examples, " + limit
                    + " requested (the bundled subset has 4000 training and 1000 test images)");
        }
        return ds;
    }

    /** The arguments that rebuild this setup in a party process ({@link #fromArgs}). */
    public List<String> toArgs() {
        List<String> a = new ArrayList<>();
        a.add("model=" + model);
        a.add("mlpHidden=" + join(mlpHidden));
        a.add("cnn=" + join(cnnSizes));
        a.add("lr=" + lr);
        a.add("seed=" + seed);
        a.add("fracBits=" + fracBits);
        a.add("batch=" + batch);
        a.add("epochs=" + epochs);
        a.add("data=" + data);
        a.add("train=" + train);
        a.add("test=" + test);
        a.add("nonlinear=" + nonlinear);
        a.add("updater=" + updater);
        a.add("loss=" + loss);
        return a;
    }

    public static ParitySetup fromArgs(List<String> args) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("setup argument is not key=value: " + s);
            }
            m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        for (String k : List.of("model", "mlpHidden", "cnn", "lr", "seed", "fracBits", "batch", "epochs", "data",
                "train", "test", "nonlinear", "updater")) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("setup argument " + k + "=... missing");
            }
        }
        return new ParitySetup(m.get("model"), ints(m.get("mlpHidden")), ints(m.get("cnn")),
                Double.parseDouble(m.get("lr")), Long.parseLong(m.get("seed")), Integer.parseInt(m.get("fracBits")),
                Integer.parseInt(m.get("batch")), Integer.parseInt(m.get("epochs")), m.get("data"),
                Integer.parseInt(m.get("train")), Integer.parseInt(m.get("test")), m.get("nonlinear"), m.get("updater"),
                m.getOrDefault("loss", "label-owner"));
    }

    static int[] ints(String csv) {
        try {
            return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a comma-separated list of integers: " + csv, e);
        }
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }
}
