package org.securetrain.dl4j.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.securetrain.runtime.Hex;
import org.securetrain.runtime.Role;

/**
 * One party's checkpoint: a zip in the spirit of DL4J's ModelSerializer with three entries,
 * <ul>
 *   <li>{@value #CONF_ENTRY}: the secure configuration's JSON (informational; the hash is what is checked);</li>
 *   <li>{@value #META_ENTRY}: magic, version, role, step (completed iterations), epoch, batch position within
 *   the epoch, fixed-point bits, configuration hash;</li>
 *   <li>{@value #SHARES_ENTRY}: this party's {@link SecureNetworkState} (weight and momentum shares, long[]).</li>
 * </ul>
 * The CRC-32 of each entry (checked on read) catches a truncated or damaged file; a torn write cannot happen because
 * {@link CheckpointDirectory#write} writes to a temporary file and renames it atomically.
 */
public final class SecureCheckpoint {
    static final String CONF_ENTRY = "configuration.json";
    static final String META_ENTRY = "securetrain-meta.bin";
    static final String SHARES_ENTRY = "shares.bin";
    private static final int MAGIC = 0x5354434b; // "STCK"
    private static final int VERSION = 1;

    private final Path file;
    private final Role role;
    private final long step;
    private final int epoch;
    private final int batchInEpoch;
    private final int fracBits;
    private final byte[] configHash;
    private final String configurationJson;
    private final SecureNetworkState state;

    SecureCheckpoint(Path file, Role role, long step, int epoch, int batchInEpoch, String configurationJson,
            SecureNetworkState state) {
        this.file = file;
        this.role = role;
        this.step = step;
        this.epoch = epoch;
        this.batchInEpoch = batchInEpoch;
        this.fracBits = state.fracBits();
        this.configHash = state.configHash();
        this.configurationJson = configurationJson;
        this.state = state;
    }

    /** The file it was read from (null for one not yet written). */
    public Path file() {
        return file;
    }

    /** The party whose shares these are. */
    public Role role() {
        return role;
    }

    /** Completed training iterations (DL4J's iteration count after the step). */
    public long step() {
        return step;
    }

    /** DL4J's epoch count at the time (epochs completed before the current one). */
    public int epoch() {
        return epoch;
    }

    /** Batches of the current epoch already trained on. */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    public int fracBits() {
        return fracBits;
    }

    public byte[] configHash() {
        return configHash.clone();
    }

    public String configurationJson() {
        return configurationJson;
    }

    public SecureNetworkState state() {
        return state;
    }

    void writeTo(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(new ZipEntry(CONF_ENTRY));
        zip.write(configurationJson.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(META_ENTRY));
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(meta);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(role.id());
        d.writeLong(step);
        d.writeInt(epoch);
        d.writeInt(batchInEpoch);
        d.writeInt(fracBits);
        d.write(configHash);
        d.flush();
        zip.write(meta.toByteArray());
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(SHARES_ENTRY));
        state.writeTo(zip);
        zip.closeEntry();
        zip.finish();
    }

    /**
     * Reads and fully verifies (CRC, structure, consistency of the metadata with the shares) a checkpoint.
     *
     * @throws CheckpointException naming the file if it is missing, truncated, damaged or not a checkpoint
     */
    public static SecureCheckpoint read(Path file) {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (String name : new String[] {CONF_ENTRY, META_ENTRY, SHARES_ENTRY}) {
                ZipEntry e = zip.getEntry(name);
                if (e == null) {
                    throw damaged(file, "checkpoint " + file + " is damaged or not a SecureTrain checkpoint: "
                            + "entry '" + name + "' is missing");
                }
                byte[] data;
                try (InputStream in = zip.getInputStream(e)) {
                    data = in.readAllBytes();
                }
                // ZipFile (unlike ZipInputStream) does not check the CRC itself
                CRC32 crc = new CRC32();
                crc.update(data);
                if (e.getCrc() == -1 || crc.getValue() != e.getCrc() || (e.getSize() != -1 && e.getSize() != data.length)) {
                    throw damaged(file, "checkpoint " + file + " is damaged: entry '" + name
                            + "' fails its CRC-32 check");
                }
                entries.put(name, data);
            }
        } catch (IOException e) {
            throw damaged(file, "checkpoint " + file + " is unreadable, truncated or damaged (" + e + ")", e);
        }
        try {
            DataInputStream d = new DataInputStream(new ByteArrayInputStream(entries.get(META_ENTRY)));
            if (d.readInt() != MAGIC) {
                throw new IOException("bad magic in " + META_ENTRY);
            }
            int version = d.readInt();
            if (version != VERSION) {
                throw new IOException("unsupported checkpoint version " + version + " (this build reads " + VERSION + ")");
            }
            int roleId = d.readInt();
            if (roleId != 0 && roleId != 1) {
                throw new IOException("bad role " + roleId);
            }
            long step = d.readLong();
            int epoch = d.readInt();
            int batch = d.readInt();
            int f = d.readInt();
            byte[] hash = new byte[32];
            d.readFully(hash);
            if (step < 0 || epoch < 0 || batch < 0) {
                throw new IOException("negative counters (step " + step + ", epoch " + epoch + ", batch " + batch + ")");
            }
            SecureNetworkState state = SecureNetworkState.readFrom(new ByteArrayInputStream(entries.get(SHARES_ENTRY)));
            if (state.fracBits() != f || !java.util.Arrays.equals(state.configHash(), hash)) {
                throw new IOException("the shares entry belongs to another configuration than the metadata");
            }
            return new SecureCheckpoint(file, roleId == 0 ? Role.MODEL_OWNER : Role.DATA_OWNER, step, epoch, batch,
                    new String(entries.get(CONF_ENTRY), StandardCharsets.UTF_8), state);
        } catch (IOException e) {
            throw damaged(file, "checkpoint " + file + " is damaged or not a SecureTrain checkpoint: "
                    + e.getMessage(), e);
        }
    }

    private static CheckpointException damaged(Path file, String message) {
        return new CheckpointException(CheckpointException.Reason.DAMAGED, file, message);
    }

    private static CheckpointException damaged(Path file, String message, Throwable cause) {
        return new CheckpointException(CheckpointException.Reason.DAMAGED, file, message, cause);
    }

    @Override
    public String toString() {
        return "SecureCheckpoint{" + role + ", step " + step + ", epoch " + epoch + ", batch " + batchInEpoch + ", f="
                + fracBits + ", config " + Hex.of(java.util.Arrays.copyOf(configHash, 6)) + "..." 
                + (file == null ? "" : ", " + file) + "}";
    }
}
