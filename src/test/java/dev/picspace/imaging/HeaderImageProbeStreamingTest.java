package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.imaging.Fixtures.Png;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe streams: a 20 MB file costs a fixed, small amount of heap however large it is. Measured
 * as the bytes the probing thread allocates, which catches a whole-file read long before an
 * OutOfMemoryError would.
 */
class HeaderImageProbeStreamingTest extends ProbeTestSupport {
    private static final long TWENTY_MB = 20L * 1024 * 1024;
    /** The 16 KiB window plus small change (exceptions, boxed values, a few records). */
    private static final long ALLOCATION_BUDGET = 512 * 1024;
    private static final ImageLimits ROOMY = new ImageLimits(64L * 1024 * 1024, 30_000, 30_000, 100_000_000L, 500);

    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    @Test
    void twentyMegabyteJpegIsScannedToItsEoiInSmallMemory() throws IOException {
        Path file = dir.resolve("big.jpg");
        writeBigJpeg(file, true);
        assertThat(Files.size(file)).isGreaterThan(TWENTY_MB);

        probe.probe(file, ROOMY); // warm up: class loading and JIT are not the probe's per-file cost
        long before = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        ImageInfo info = probe.probe(file, ROOMY);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%s: %d bytes probed in %d ms, %d bytes allocated%n", file.getFileName(), Files.size(file),
                elapsedMillis, allocated);

        assertThat(info).isEqualTo(new ImageInfo(ImageFormat.JPEG, 6000, 4000, 1));
        assertThat(allocated).as("bytes allocated probing a %d-byte file", Files.size(file)).isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void twentyMegabyteJpegWithoutEoiIsTruncated() throws IOException {
        Path file = dir.resolve("cut.jpg");
        writeBigJpeg(file, false);
        assertThatThrownBy(() -> probe.probe(file, ROOMY))
                .isInstanceOf(InvalidImageException.class).hasMessageStartingWith("truncated");
    }

    @Test
    void twentyMegabytePngHasEveryCrcCheckedInSmallMemory() throws IOException {
        Path file = dir.resolve("big.png");
        Random random = new Random(7);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(new Png().ihdr(5000, 4000, 8, 2).toArray());
            for (int i = 0; i < 20; i++) {
                random.nextBytes(chunk);
                writePngChunk(out, "IDAT", chunk);
            }
            writePngChunk(out, "IEND", new byte[0]);
        }

        probe.probe(file, ROOMY);
        long before = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        ImageInfo info = probe.probe(file, ROOMY);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%s: %d bytes probed in %d ms, %d bytes allocated%n", file.getFileName(), Files.size(file),
                elapsedMillis, allocated);

        assertThat(info).isEqualTo(new ImageInfo(ImageFormat.PNG, 5000, 4000, 1));
        assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
    }

    /**
     * A real ImageIO JPEG header, its SOF edited to 6000×4000, then 20 MB of entropy-coded data:
     * random bytes with every 0xFF stuffed as 0xFF00 (T.81 B.1.1.5) and an RSTn every 64 KiB.
     */
    private static void writeBigJpeg(Path file, boolean withEoi) throws IOException {
        byte[] small = Fixtures.jpeg(16, 16);
        int sof = Bytes.indexOf(small, new byte[] {(byte) 0xFF, (byte) 0xC0});
        small[sof + 5] = (byte) (4000 >>> 8);
        small[sof + 6] = (byte) 4000;
        small[sof + 7] = (byte) (6000 >>> 8);
        small[sof + 8] = (byte) 6000;
        int sos = Bytes.indexOf(small, new byte[] {(byte) 0xFF, (byte) 0xDA});
        int scanData = sos + 2 + ((small[sos + 2] & 0xFF) << 8 | small[sos + 3] & 0xFF);

        Random random = new Random(20);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(Arrays.copyOf(small, scanData));
            for (int written = 0, restart = 0; written <= TWENTY_MB; written += block.length, restart++) {
                random.nextBytes(block);
                for (byte b : block) {
                    out.write(b);
                    if (b == (byte) 0xFF) out.write(0x00);
                }
                out.write(0xFF);
                out.write(0xD0 + (restart & 7));
            }
            if (withEoi) {
                out.write(0xFF);
                out.write(0xD9);
            }
        }
    }

    private static void writePngChunk(OutputStream out, String type, byte[] data) throws IOException {
        out.write(new Bytes().u32be(data.length).ascii(type).toArray());
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(new Bytes().u32be(crc.getValue()).toArray());
    }
}
