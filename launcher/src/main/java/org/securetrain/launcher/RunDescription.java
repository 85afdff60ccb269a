package org.securetrain.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Properties;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.securetrain.dl4j.checkpoint.CheckpointException;
import org.securetrain.runtime.Hex;
import org.securetrain.runtime.Role;

/**
 * What the run that wrote a checkpoint directory was, as far as a resumed run must match it, stored beside the
 * checkpoints as {@value #FILE} at a fresh start. {@code trainDigest} (SHA-256 of the data owner's training
 * features and labels, hex; empty at the model owner) catches other data of the same size, which would silently
 * change the minibatches a resume skips and continues with.
 */
record RunDescription(Role role, byte[] configHash, int batch, int trainExamples, String trainDigest) {
    /** The file name in the checkpoint directory. */
    static final String FILE = "securetrain-run.properties";

    /** SHA-256 over the training set's features and labels (hex), or "" without one (the model owner). */
    static String digest(DataSet trainOrNull) {
        if (trainOrNull == null) {
            return "";
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (INDArray a : new INDArray[] {trainOrNull.getFeatures(), trainOrNull.getLabels()}) {
                // the buffer as it is in memory (no copy) unless the array is a view of a larger one
                INDArray c = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
                md.update(c.data().asNio());
                md.update(Arrays.toString(c.shape()).getBytes(StandardCharsets.UTF_8));
            }
            return Hex.of(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records the run in {@code dir} (a fresh start); replaced atomically. */
    void writeTo(Path dir) {
        Properties p = new Properties();
        p.setProperty("role", role.name());
        p.setProperty("configHash", Hex.of(configHash));
        p.setProperty("batch", Integer.toString(batch));
        p.setProperty("trainExamples", Integer.toString(trainExamples));
        p.setProperty("trainDigest", trainDigest);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "SecureTrain launcher: the run these checkpoints belong to (checked by --resume)");
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Reason.IO, null, "cannot write " + dir.resolve(FILE)
                    + ": " + e, e);
        }
    }

    /** The run description in {@code dir}, or null if there is none (checkpoints written by the API directly). */
    static RunDescription readFrom(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return new RunDescription(Role.valueOf(p.getProperty("role")), Hex.parse(p.getProperty("configHash")),
                    Integer.parseInt(p.getProperty("batch")), Integer.parseInt(p.getProperty("trainExamples")),
                    p.getProperty("trainDigest", ""));
        } catch (RuntimeException e) {
            throw new IOException("malformed " + FILE + " (" + e + ")", e);
        }
    }
}
