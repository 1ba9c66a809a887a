package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The windowed reader: reads, skips and scans that cross window boundaries, and the end of file. */
class ImageInputTest {
    private static final int WINDOW = ImageInput.WINDOW_SIZE;

    @TempDir
    Path dir;

    private byte[] data;
    private Path file;

    @BeforeEach
    void threeWindowsOfNoise() throws IOException {
        data = new byte[3 * WINDOW + 123];
        new Random(3).nextBytes(data);
        for (int i = 0; i < data.length; i++) if (data[i] == (byte) 0xAB) data[i] = 0;
        file = dir.resolve("data");
        Files.write(file, data);
    }

    @Test
    void multiByteReadsAcrossAWindowBoundary() throws IOException {
        try (ImageInput in = ImageInput.open(file)) {
            in.skip(WINDOW - 2);
            long expected = (data[WINDOW - 2] & 0xFFL) << 24 | (data[WINDOW - 1] & 0xFF) << 16
                    | (data[WINDOW] & 0xFF) << 8 | (data[WINDOW + 1] & 0xFF);
            assertThat(in.readU32BE()).isEqualTo(expected);
            assertThat(in.position()).isEqualTo(WINDOW + 2);
        }
    }

    @Test
    void seekingBackReadsTheSameBytes() throws IOException {
        try (ImageInput in = ImageInput.open(file)) {
            in.skip(2L * WINDOW + 5);
            int far = in.readU8();
            in.seek(7);
            assertThat(in.readU8()).isEqualTo(data[7] & 0xFF);
            in.seek(2L * WINDOW + 5);
            assertThat(in.readU8()).isEqualTo(far).isEqualTo(data[2 * WINDOW + 5] & 0xFF);
        }
    }

    @Test
    void skipPastFindsAByteSeveralWindowsAheadOrStopsAtTheEnd() throws IOException {
        data[2 * WINDOW + 77] = (byte) 0xAB;
        Files.write(file, data);
        try (ImageInput in = ImageInput.open(file)) {
            in.readU8();
            assertThat(in.skipPast(0xAB)).isTrue();
            assertThat(in.position()).isEqualTo(2L * WINDOW + 78);
            assertThat(in.skipPast(0xAB)).isFalse();
            assertThat(in.remaining()).isZero();
        }
    }

    @Test
    void crcOverManyWindowsMatchesTheWholeArray() throws IOException {
        CRC32 expected = new CRC32();
        expected.update(data, 10, data.length - 10);
        try (ImageInput in = ImageInput.open(file)) {
            in.skip(10);
            CRC32 actual = new CRC32();
            in.updateCrc(actual, data.length - 10);
            assertThat(actual.getValue()).isEqualTo(expected.getValue());
        }
    }

    @Test
    void nothingReadsOrSkipsPastTheEnd() throws IOException {
        try (ImageInput in = ImageInput.open(file)) {
            assertThatThrownBy(() -> in.skip(data.length + 1L)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> in.skip(-1)).isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> in.updateCrc(new CRC32(), Long.MAX_VALUE)).isInstanceOf(EOFException.class);
            assertThat(in.position()).isZero();
            in.skip(data.length - 3);
            assertThatThrownBy(in::readU32LE).isInstanceOf(EOFException.class);
            assertThat(in.readU16LE()).isEqualTo(data[data.length - 3] & 0xFF | (data[data.length - 2] & 0xFF) << 8);
            in.readU8();
            assertThatThrownBy(in::readU8).isInstanceOf(EOFException.class);
        }
    }
}
