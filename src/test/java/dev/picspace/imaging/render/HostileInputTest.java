package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.png;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageEngine.OutputLimits;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Format;
import dev.picspace.domain.ImageOperation.Info;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.domain.ImageOperation.Rotate;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inputs and requests meant to hurt: each is refused with a domain exception (never another one,
 * never a decode of what the headers declare) or rendered within the limits.
 */
class HostileInputTest {
    static final Resize THUMB = new Resize(ResizeMode.LFIT, 100, 0, 0, 0, 0, false, 0);

    @Test
    @Timeout(10)
    void aPixelFloodIsRefusedFromItsHeaderBeforeAnyDecode() {
        // 50000x50000 RGB would be 7.5 GB decoded; the file is under a hundred bytes
        byte[] flood = Hostile.pngHeader(50_000, 50_000);
        assertThat(flood.length).isLessThan(200);
        assertThatThrownBy(() -> render(flood, THUMB)).isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("50000x50000");
        assertThatThrownBy(() -> render(Hostile.jpegDeclaring(40_000, 40_000), THUMB))
                .isInstanceOf(ImageLimitExceededException.class);
        // within the side limits but over the pixel limit
        assertThatThrownBy(() -> render(Hostile.pngHeader(20_000, 20_000), THUMB))
                .isInstanceOf(ImageLimitExceededException.class).hasMessageContaining("pixels");
    }

    @Test
    @Timeout(10)
    void aHugeFrameCountIsRefused() {
        byte[] gif = Hostile.manyFrameGif(2000);
        assertThat(gif.length).isLessThan(50_000);
        assertThatThrownBy(() -> render(gif, THUMB)).isInstanceOf(ImageLimitExceededException.class)
                .hasMessageContaining("frames");
        // the configured limit is the one that counts
        ImageLimits two = new ImageLimits(1 << 20, 1000, 1000, 1_000_000, 2);
        assertThatThrownBy(() -> Pictures.ENGINE.render(new ByteArrayInputStream(Pictures.animatedGif(8, 8, 0xFF0000, 0xFF00, 0xFF)),
                null, List.of(THUMB), null, two, OutputLimits.DEFAULTS)).isInstanceOf(ImageLimitExceededException.class);
    }

    @Test
    void truncatedFilesAreInvalidImages() throws Exception {
        Path corpus = Path.of("src/test/resources/corpus");
        for (String cut : List.of("cut-baseline.jpg", "cut-16bit.png", "cut-anim3.gif", "cut-lossy.webp")) {
            byte[] bytes = Files.readAllBytes(corpus.resolve(cut));
            assertThatThrownBy(() -> render(bytes, THUMB)).as(cut).isInstanceOf(InvalidImageException.class);
        }
        byte[] jpeg = Pictures.jpeg(OutputTest.noise(300, 200), 90);
        for (int keep : new int[] {jpeg.length / 2, jpeg.length - 2, 300, 3})
            assertThatThrownBy(() -> render(java.util.Arrays.copyOf(jpeg, keep), THUMB)).as("first %d bytes", keep)
                    .isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> render(new byte[0], THUMB)).isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> render("<html>not a picture</html>".getBytes(), THUMB)).isInstanceOf(InvalidImageException.class);
        // TIFF is readable by the corpus tools but not a supported format
        assertThatThrownBy(() -> render(Files.readAllBytes(corpus.resolve("im-tiff.tif")), THUMB))
                .isInstanceOf(InvalidImageException.class);
    }

    @Test
    void outputsOverTheOutputLimitsAreRefusedBeforeTheyAreAllocated() {
        byte[] small = png(Pictures.split(100, 100));
        // 16000x16000 = 256 MP would be a gigabyte; refused from the plan
        assertThatThrownBy(() -> render(small, new Resize(ResizeMode.FIXED, 16_000, 16_000, 0, 0, 0, true, 0)))
                .isInstanceOf(ImageLimitExceededException.class).hasMessageContaining("resize");
        // 16000x1000 is within the limits; turned 45° its canvas is 12021x12021, which is not
        assertThatThrownBy(() -> render(small, new Resize(ResizeMode.FIXED, 16_000, 1000, 0, 0, 0, true, 0), new Rotate(45)))
                .isInstanceOf(ImageLimitExceededException.class).hasMessageContaining("rotate");
        // a source larger than the output limits with no shrinking step
        byte[] wide = png(Pictures.split(5000, 4000));
        OutputLimits tight = new OutputLimits(16_384, 10_000_000, 32 << 20);
        assertThatThrownBy(() -> Pictures.ENGINE.render(new ByteArrayInputStream(wide), null, List.of(new Format(ImageFormat.JPEG)),
                null, ImageLimits.DEFAULTS, tight)).isInstanceOf(ImageLimitExceededException.class);
        // ...which a thumbnail of it is not
        assertThat(Pictures.ENGINE.render(new ByteArrayInputStream(wide), null, List.of(THUMB), null, ImageLimits.DEFAULTS, tight).width())
                .isEqualTo(100);
    }

    @Test
    void outputBytesAreBoundedWhileWriting() {
        byte[] noisy = png(OutputTest.noise(300, 300));
        OutputLimits small = new OutputLimits(16_384, 16_777_216, 10_000);
        for (ImageFormat f : ImageFormat.values())
            assertThatThrownBy(() -> Pictures.ENGINE.render(new ByteArrayInputStream(noisy), null, List.of(new Format(f)),
                    null, ImageLimits.DEFAULTS, small)).as("%s", f).isInstanceOf(ImageLimitExceededException.class)
                    .hasMessageContaining("10000 bytes");
    }

    @Test
    void aSourceOverTheByteLimitIsRefusedWithoutReadingItAll() {
        ImageLimits limits = new ImageLimits(1000, 30_000, 30_000, 100_000_000, 500);
        byte[] big = png(OutputTest.noise(100, 100));
        assertThat(big.length).isGreaterThan(1000);
        assertThatThrownBy(() -> Pictures.ENGINE.render(new ByteArrayInputStream(big), null, List.of(THUMB), null, limits,
                OutputLimits.DEFAULTS)).isInstanceOf(ImageLimitExceededException.class);
    }

    @Test
    void badChainsAreRefusedBeforeReadingTheSource() {
        java.io.InputStream untouchable = new java.io.InputStream() {
            @Override public int read() { throw new AssertionError("the source was read"); }
        };
        for (List<ImageOperation> ops : List.<List<ImageOperation>>of(
                List.of(new Info(), THUMB),
                List.of(new Resize(ResizeMode.LFIT, 0, 0, 0, 0, 0, false, 0)),
                List.of(new Resize(ResizeMode.LFIT, 20_000, 0, 0, 0, 0, false, 0)),
                List.of(new ImageOperation.Crop(-1, 0, 10, 10, ImageOperation.Gravity.NW)),
                List.of(new Rotate(361)),
                List.of(new ImageOperation.Quality(0, true)),
                List.of(new ImageOperation.Watermark(50, ImageOperation.Gravity.SE, 10, 10, 0, null, null, 0, 0, false, false, false, 0, 0, false, null, 0)),
                List.of(new ImageOperation.Watermark(101, ImageOperation.Gravity.SE, 10, 10, 0, "x", null, 0, 0, false, false, false, 0, 0, false, null, 0)),
                List.of(new ImageOperation.Watermark(50, ImageOperation.Gravity.SE, 10, 10, 0, "x".repeat(65), null, 0, 0, false, false, false, 0, 0, false, null, 0)),
                java.util.Collections.nCopies(25, THUMB)))
            assertThatThrownBy(() -> Pictures.ENGINE.render(untouchable, null, ops, null, ImageLimits.DEFAULTS, OutputLimits.DEFAULTS))
                    .as("%s", ops).isInstanceOf(InvalidArgumentException.class);
    }

    /**
     * Random byte damage to real files: every outcome is a picture or a domain exception, never a
     * decoder's own exception (which a gateway would answer with a 500 and a stack trace).
     */
    @Test
    @Timeout(120)
    void damagedFilesFailAsInvalidImagesOrRender() throws Exception {
        Path corpus = Path.of("src/test/resources/corpus");
        List<String> files = List.of("im-baseline.jpg", "im-progressive.jpg", "im-palette.png", "im-alpha.png",
                "im-anim3.gif", "im-v3.bmp", "cw-lossy.webp", "cw-lossless.webp", "im-cmyk.jpg");
        Random random = new Random(20240501);
        int rendered = 0, refused = 0;
        for (String f : files) {
            byte[] original = Files.readAllBytes(corpus.resolve(f));
            for (int round = 0; round < 40; round++) {
                byte[] damaged = original.clone();
                int hits = 1 + random.nextInt(4);
                for (int i = 0; i < hits; i++) damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                try {
                    render(damaged, THUMB);
                    rendered++;
                } catch (InvalidImageException | ImageLimitExceededException expected) {
                    refused++;
                } catch (RuntimeException e) {
                    fail(f + " round " + round + " escaped as " + e, e);
                }
            }
        }
        assertThat(rendered + refused).isEqualTo(files.size() * 40);
        assertThat(refused).isPositive();
    }
}
