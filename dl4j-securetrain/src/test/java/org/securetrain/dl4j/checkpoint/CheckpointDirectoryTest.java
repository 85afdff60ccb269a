package org.securetrain.dl4j.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securetrain.runtime.Role;

/**
 * The directory model on its own (no network, no session): names and step parsing, listing by step, keeping
 * the newest two, setting later steps aside, and the verified read with a reason per failure.
 */
class CheckpointDirectoryTest {
    static final byte[] HASH = new byte[32];
    static final byte[] OTHER_HASH = new byte[32];

    static {
        OTHER_HASH[0] = 1;
    }

    @TempDir
    Path tmp;

    static SecureCheckpoint checkpoint(Role role, long step, byte[] hash) {
        SecureNetworkState state = SecureNetworkState.of(hash, 24, List.of(Map.of("W", new long[] {step, -step})));
        return new SecureCheckpoint(null, role, step, 0, (int) step, "{}", state);
    }

    @Test
    void namesSortByStepAndOnlyCheckpointsAreListed() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(tmp.resolve("ck"));
        assertEquals(List.of(), d.list(), "a missing directory holds no checkpoint");
        assertEquals("checkpoint-000000000012.zip", d.fileFor(12).getFileName().toString());
        assertEquals(12, CheckpointDirectory.stepOf(d.fileFor(12)));
        assertThrows(IllegalArgumentException.class, () -> CheckpointDirectory.stepOf(Path.of("checkpoint-x.zip")));

        d.write(checkpoint(Role.MODEL_OWNER, 9, HASH));
        d.write(checkpoint(Role.MODEL_OWNER, 10, HASH));
        Files.writeString(d.path().resolve("checkpoint-000000000011.zip.tmp"), "torn");
        Files.writeString(d.path().resolve("securetrain-run.properties"), "role=MODEL_OWNER");
        assertEquals(List.of(d.fileFor(9), d.fileFor(10)), d.list());

        d.write(checkpoint(Role.MODEL_OWNER, 100, HASH));
        assertEquals(List.of(d.fileFor(10), d.fileFor(100)), d.list(), "the newest " + CheckpointDirectory.KEEP
                + " are kept, by step (100 after 10)");
        assertTrue(Files.exists(d.path().resolve("securetrain-run.properties")), "other files are left alone");
    }

    @Test
    void laterStepsAreSetAsideNotDeleted() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(tmp);
        d.write(checkpoint(Role.DATA_OWNER, 4, HASH));
        d.write(checkpoint(Role.DATA_OWNER, 8, HASH));
        byte[] eight = Files.readAllBytes(d.fileFor(8));
        assertEquals(List.of(), d.setAsideNewerThan(8));
        List<Path> moved = d.setAsideNewerThan(4);
        assertEquals(1, moved.size());
        assertEquals(tmp.resolve(CheckpointDirectory.SUPERSEDED), moved.get(0).getParent());
        assertArrayEquals(eight, Files.readAllBytes(moved.get(0)));
        assertEquals(List.of(d.fileFor(4)), d.list());
    }

    @Test
    void readAllVerifiesEveryFileAndSaysWhy() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(tmp);
        d.write(checkpoint(Role.DATA_OWNER, 4, HASH));
        d.write(checkpoint(Role.DATA_OWNER, 8, HASH));
        List<SecureCheckpoint> all = d.readAll(Role.DATA_OWNER, HASH);
        assertEquals(List.of(4L, 8L), all.stream().map(SecureCheckpoint::step).toList());
        assertArrayEquals(new long[] {8, -8}, all.get(1).state().layer(0).get("W"));

        CheckpointException party = assertThrows(CheckpointException.class, () -> d.readAll(Role.MODEL_OWNER, HASH));
        assertEquals(CheckpointException.Reason.OTHER_PARTY, party.reason());
        assertEquals(d.fileFor(4), party.file());
        assertTrue(party.getMessage().contains("holds the DATA_OWNER's shares, but this party is the MODEL_OWNER"),
                party.getMessage());

        CheckpointException conf = assertThrows(CheckpointException.class, () -> d.readAll(Role.DATA_OWNER, OTHER_HASH));
        assertEquals(CheckpointException.Reason.OTHER_CONFIGURATION, conf.reason());
        assertTrue(conf.getMessage().contains("configuration hash mismatch"), conf.getMessage());

        // a checkpoint renamed to another step
        Files.move(d.fileFor(8), d.fileFor(12));
        CheckpointException renamed = assertThrows(CheckpointException.class, () -> d.readAll(Role.DATA_OWNER, HASH));
        assertEquals(CheckpointException.Reason.DAMAGED, renamed.reason());
        assertTrue(renamed.getMessage().contains("holds step 8, not the step in its name"), renamed.getMessage());

        Files.write(d.fileFor(12), new byte[] {1, 2, 3});
        CheckpointException damaged = assertThrows(CheckpointException.class, () -> d.readAll(Role.DATA_OWNER, HASH));
        assertEquals(CheckpointException.Reason.DAMAGED, damaged.reason());
        assertEquals(d.fileFor(12), damaged.file());
    }
}
