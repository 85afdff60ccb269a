package org.securetrain.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class FashionMnistTest {

    @Test
    void bundledSubsetLoadsWithAllClasses() {
        DataSet train = FashionMnist.bundled(FashionMnist.Split.TRAIN, Integer.MAX_VALUE);
        assertEquals(4000, train.numExamples());
        assertArrayEquals(new long[] {4000, 784}, train.getFeatures().shape());
        assertEquals(1.0, train.getLabels().sum(1).minNumber().doubleValue());
        for (int c = 0; c < 10; c++) {
            assertTrue(train.getLabels().getColumn(c).sumNumber().doubleValue() > 300, "class " + c);
        }
        assertTrue(train.getFeatures().maxNumber().doubleValue() <= 1.0);
        DataSet test = FashionMnist.bundled(FashionMnist.Split.TEST, 100);
        assertEquals(100, test.numExamples());
    }

    @Test
    void missingOrMalformedFilesAreNamed(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir.resolve("nope"), FashionMnist.Split.TRAIN, 10));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, 10));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        Path bad = dir.resolve("train-images-idx3-ubyte");
        Files.write(bad, "hello, this is not idx".getBytes());
        Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 3});
        e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, 10));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void truncatedAndOversizedHeadersAreRefusedWithoutAllocation() {
        byte[] truncated = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3};
        IOException e = assertThrows(IOException.class,
                () -> IdxFile.read(new ByteArrayInputStream(truncated), "t", Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] huge = {0, 0, 8, 3, 0x7f, -1, -1, -1, 0x7f, -1, -1, -1, 0, 0, 0, 28};
        e = assertThrows(IOException.class, () -> IdxFile.read(new ByteArrayInputStream(huge), "h", Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("more than 2^31"), e.getMessage());
    }

    /** Issue 19, case 8: a truncated header or a damaged gzip stream is reported naming the file and the bytes. */
    @Test
    void truncatedHeaderAndDamagedGzipNameTheFileAndTheMissingBytes(@TempDir Path dir) throws IOException {
        // 3 dimensions announced, the file ends inside the second one
        byte[] header = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0};
        IOException e = assertThrows(IOException.class,
                () -> IdxFile.read(new ByteArrayInputStream(header), "cut.idx", Long.MAX_VALUE));
        assertEquals("truncated IDX header in cut.idx: 3 dimensions need 16 header bytes, the file ends after 10"
                + " (6 missing)", e.getMessage());
        byte[] data = {0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3};
        e = assertThrows(IOException.class, () -> IdxFile.read(new ByteArrayInputStream(data), "short.idx",
                Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("short.idx") && e.getMessage().contains("the file ends after 3 (7 missing)"),
                e.getMessage());

        // a gzip file damaged in the middle of its compressed data
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 100});
            byte[] noise = new byte[100];
            new java.util.Random(3).nextBytes(noise);
            out.write(noise);
        }
        byte[] bad = gz.toByteArray();
        for (int i = 12; i < bad.length - 8; i++) {
            bad[i] ^= 0x5a;
        }
        Path f = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.write(f, bad);
        e = assertThrows(IOException.class, () -> IdxFile.read(f));
        assertTrue(e.getMessage().contains("damaged gzip file " + f), e.getMessage());
        // cut short inside the compressed stream
        Files.write(f, java.util.Arrays.copyOf(gz.toByteArray(), 20));
        e = assertThrows(IOException.class, () -> IdxFile.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void aFileWithoutImagesIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
        Files.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, 10));
        assertEquals("IDX file " + dir.resolve("train-images-idx3-ubyte") + " holds 0 images: nothing to train on",
                e.getMessage());
    }

    @Test
    void debianPackageMatchesBundledPrefixWhenInstalled() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist not installed");
        DataSet full = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST, 50);
        DataSet sub = FashionMnist.bundled(FashionMnist.Split.TEST, 50);
        assertEquals(sub.getFeatures(), full.getFeatures());
        assertEquals(sub.getLabels(), full.getLabels());
    }
}
