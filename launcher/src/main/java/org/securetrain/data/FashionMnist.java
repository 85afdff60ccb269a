package org.securetrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fashion-MNIST (28x28 grey images, 10 classes) from IDX files: the full set as installed by Debian's
 * {@code dataset-fashion-mnist} package, or the small subset bundled with this project (4000 train,
 * 1000 test) so the default run and the tests need no download. Features are scaled to [0, 1] in a
 * [n, 784] matrix; labels are one-hot [n, 10].
 */
public final class FashionMnist {
    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;
    public static final int PIXELS = 28 * 28;

    public enum Split {
        TRAIN("train"), TEST("t10k");

        final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {
    }

    /** The bundled subset, at most {@code limit} examples. */
    public static DataSet bundled(Split split, int limit) {
        try (InputStream img = resource(split.prefix + "-images-idx3-ubyte.gz");
             InputStream lab = resource(split.prefix + "-labels-idx1-ubyte.gz")) {
            String where = "bundled " + split.prefix;
            return toDataSet(IdxFile.read(img, where + " images", limit), IdxFile.read(lab, where + " labels", limit));
        } catch (IOException e) {
            throw new UncheckedIOException("bundled Fashion-MNIST subset unreadable", e);
        }
    }

    /**
     * The files in {@code dir} ({@code train-images-idx3-ubyte[.gz]} etc.), at most {@code limit} examples.
     * Fails with a message naming the missing or malformed file.
     */
    public static DataSet load(Path dir, Split split, int limit) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Fashion-MNIST directory " + dir + " does not exist"
                    + (dir.equals(DEBIAN_DIR) ? " (install it with: apt-get install dataset-fashion-mnist)" : ""));
        }
        Path images = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
        try (InputStream img = Files.newInputStream(images); InputStream lab = Files.newInputStream(labels)) {
            IdxFile imageFile = IdxFile.read(img, images.toString(), limit);
            if (imageFile.count() == 0) {
                throw new IOException("IDX file " + images + " holds 0 images: nothing to " + (split == Split.TRAIN
                        ? "train" : "test") + " on");
            }
            return toDataSet(imageFile, IdxFile.read(lab, labels.toString(), limit));
        }
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "[.gz] in " + dir);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = FashionMnist.class.getResourceAsStream("/org/securetrain/data/" + name);
        if (in == null) {
            throw new IOException("resource /org/securetrain/data/" + name + " missing from the classpath");
        }
        return in;
    }

    static DataSet toDataSet(IdxFile images, IdxFile labels) throws IOException {
        if (images.dims().length != 3 || images.itemSize() != PIXELS) {
            throw new IOException("expected 28x28 images, got dimensions " + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new IOException("expected a 1-D label file, got dimensions " + java.util.Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new IOException(images.count() + " images but " + labels.count() + " labels");
        }
        int n = images.count();
        byte[] px = images.data();
        float[] f = new float[n * PIXELS];
        for (int i = 0; i < f.length; i++) {
            f[i] = (px[i] & 0xff) / 255f;
        }
        float[] y = new float[n * CLASSES];
        byte[] lab = labels.data();
        for (int i = 0; i < n; i++) {
            int c = lab[i] & 0xff;
            if (c >= CLASSES) {
                throw new IOException("label " + c + " at index " + i + " is not a Fashion-MNIST class (0-9)");
            }
            y[i * CLASSES + c] = 1f;
        }
        INDArray features = Nd4j.create(f, new long[] {n, PIXELS}, DataType.FLOAT);
        INDArray oneHot = Nd4j.create(y, new long[] {n, CLASSES}, DataType.FLOAT);
        return new DataSet(features, oneHot);
    }
}
