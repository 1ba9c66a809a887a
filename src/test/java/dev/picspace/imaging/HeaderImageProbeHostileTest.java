package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.imaging.Fixtures.Gif;
import dev.picspace.imaging.Fixtures.Png;
import dev.picspace.imaging.Fixtures.Webp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bombs, lies, cut-off uploads and things that are not images at all. */
class HeaderImageProbeHostileTest extends ProbeTestSupport {

    // ---------------------------------------------------------------- limits, checked from headers

    @Test
    void pngDeclaring50000Squared_isRefusedFromItsHeader() {
        byte[] bomb = new Png().ihdr(50_000, 50_000, 8, 6).rgbIdat(1, 1).iend().toArray();
        assertThat(bomb.length).isLessThan(100);

        assertLimit(bomb).hasMessageContaining("50000x50000");
    }

    @Test
    void limitsAreCheckedBeforeTheRestOfTheFileIsWalked() {
        // Nothing valid after the header: a limit failure proves the check came first.
        byte[] pngHeaderOnly = new Png().ihdr(50_000, 50_000, 8, 6).toArray();
        byte[] jpeg = jpegWithSof(60_000, 60_000);
        int sofEnd = sofOffset(jpeg) + 2 + 17; // marker, then a 17-byte segment for three components
        byte[] jpegHeaderOnly = Bytes.cut(jpeg, sofEnd);

        assertLimit(pngHeaderOnly);
        assertLimit(jpegHeaderOnly);
    }

    @Test
    void jpegFrameHeaderDeclaring60000Squared_isRefused() {
        assertLimit(jpegWithSof(60_000, 60_000)).hasMessageContaining("60000x60000");
    }

    @Test
    void pixelLimitAppliesEvenWhenEachSideIsAllowed() {
        byte[] png = new Png().ihdr(20_000, 20_000, 8, 2).rgbIdat(1, 1).iend().toArray();
        assertLimit(png).hasMessageContaining("pixels");
    }

    @Test
    void fileSizeLimit() {
        ImageLimits tiny = new ImageLimits(100, 30_000, 30_000, 100_000_000L, 500);
        assertThatThrownBy(() -> probe(Fixtures.jpeg(64, 64), tiny))
                .isInstanceOf(ImageLimitExceededException.class).hasMessageContaining("bytes");
    }

    @Test
    void gifWithTenThousandFrames_isRefusedAtFrame501() {
        Gif gif = new Gif(1, 1);
        for (int i = 0; i < 10_000; i++) gif.frame();
        byte[] flood = gif.trailer().toArray();

        long start = System.nanoTime();
        assertLimit(flood).hasMessageContaining("501 frames").hasMessageContaining("500");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void gifFrameCountIsCheckedWhileWalking_evenWithoutATrailer() {
        Gif gif = new Gif(1, 1);
        for (int i = 0; i < 600; i++) gif.frame();
        assertLimit(gif.toArray()); // truncated too, but the limit is reached first
    }

    @Test
    void gifWithExactlyTheFrameLimitIsAccepted() {
        Gif gif = new Gif(1, 1);
        for (int i = 0; i < 500; i++) gif.frame();
        assertThat(probe(gif.trailer().toArray()).frames()).isEqualTo(500);
    }

    @Test
    void gifFrameLargerThanTheLimits_isRefusedEvenOnASmallScreen() {
        byte[] gif = new Gif(10, 10).frame().frame(40_000, 10).trailer().toArray();
        assertLimit(gif).hasMessageContaining("frame 2").hasMessageContaining("40000x10");
    }

    @Test
    void apngDeclaringTooManyFrames_isRefused() {
        byte[] png = new Png().ihdr(4, 3, 8, 2).actl(100_000).fctl(0, 4, 3).rgbIdat(4, 3).iend().toArray();
        assertLimit(png).hasMessageContaining("frames");
        assertLimit(Fixtures.apng(3), withMaxFrames(2));
    }

    @Test
    void animatedWebpFramesAreCountedAgainstTheLimit() {
        assertThat(probe(Webp.animated(4, 4, 2), withMaxFrames(2)).frames()).isEqualTo(2);
        assertLimit(Webp.animated(4, 4, 3), withMaxFrames(2)).hasMessageContaining("3 frames");
    }

    @Test
    void webpCanvasLargerThanTheLimits_isRefused() {
        assertLimit(Webp.riff(Webp.vp8x(false, 50_000, 50_000), Webp.vp8l(1, 1)));
        assertLimit(Webp.riff(Webp.vp8x(true, 16_000_000, 2), Webp.anim()));
    }

    @Test
    void bmpDeclaringHugeDimensions_isRefusedBeforeThePixelDataIsChecked() {
        byte[] bmp = Fixtures.bmp(40, 4, 4, 24);
        writeI32le(bmp, 18, 50_000);
        writeI32le(bmp, 22, -50_000);
        assertLimit(bmp);
    }

    // ---------------------------------------------------------------- truncation

    static Stream<Arguments> validFiles() {
        return Stream.of(
                Arguments.of("jpeg", Fixtures.jpeg(40, 30)),
                Arguments.of("progressive jpeg", Fixtures.jpeg(Fixtures.picture(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB), true)),
                Arguments.of("png", Fixtures.png(40, 30)),
                Arguments.of("apng", Fixtures.apng(2)),
                Arguments.of("gif", Fixtures.animatedGif(40, 30, 3)),
                Arguments.of("webp lossless", Webp.riff(Webp.vp8l(40, 30))),
                Arguments.of("webp lossy", Webp.faq(Webp.FAQ_LOSSY)),
                Arguments.of("webp animated", Webp.animated(40, 30, 2)),
                Arguments.of("bmp", Fixtures.bmp(40, 30, false)),
                Arguments.of("bmp core", Fixtures.bmp(12, 40, 30, 8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFiles")
    void everyCutOffFileIsTruncated(String name, byte[] valid) {
        assertThat(probe(valid)).as("%s uncut", name).isNotNull();
        int[] cuts = {2, 3, 5, 10, 13, 20, 30, valid.length / 3, valid.length / 2, valid.length - 9, valid.length - 2, valid.length - 1};
        for (int cut : cuts) {
            assertThatThrownBy(() -> probe(Bytes.cut(valid, cut)))
                    .as("%s cut to %d of %d bytes", name, cut, valid.length)
                    .isInstanceOf(InvalidImageException.class)
                    .hasMessageStartingWith("truncated");
        }
    }

    @Test
    void jpegCutJustBeforeEoi_isTruncated() {
        byte[] jpeg = Fixtures.jpeg(30, 30);
        assertThat(jpeg[jpeg.length - 2]).isEqualTo((byte) 0xFF);
        assertInvalid(Bytes.cut(jpeg, jpeg.length - 2)).hasMessageContaining("EOI");
    }

    @Test
    void pngWithoutIend_isTruncated() {
        assertInvalid(new Png().ihdr(1, 1, 8, 2).rgbIdat(1, 1).toArray()).hasMessageStartingWith("truncated")
                .hasMessageContaining("IEND");
    }

    @Test
    void gifWithoutTrailer_isTruncated() {
        assertInvalid(new Gif(1, 1).frame().toArray()).hasMessageStartingWith("truncated").hasMessageContaining("trailer");
    }

    @Test
    void webpRiffSizeLargerThanTheFile_isTruncated() {
        byte[] webp = Webp.riff(Webp.vp8l(8, 8));
        writeI32le(webp, 4, webp.length + 100);
        assertInvalid(webp).hasMessageStartingWith("truncated").hasMessageContaining("RIFF");
    }

    @Test
    void pngChunkDeclaringTwoGigabytes_failsAtOnce() {
        byte[] png = new Png().ihdr(1, 1, 8, 2).bareChunkHeader("IDAT", 0x7FFF_FFFFL).toArray();
        byte[] overLimit = new Png().ihdr(1, 1, 8, 2).bareChunkHeader("IDAT", 0x8000_0000L).toArray();

        long start = System.nanoTime();
        assertInvalid(png).hasMessageStartingWith("truncated");
        assertInvalid(overLimit).hasMessageStartingWith("corrupt");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void jpegSegmentLongerThanTheFile_isTruncated() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};
        assertInvalid(jpeg).hasMessageStartingWith("truncated");
    }

    @Test
    void bmpWithMissingRows_isTruncated() {
        byte[] bmp = Fixtures.bmp(40, 10, 10, 24);
        writeI32le(bmp, 2, 0); // writers that leave bfSize 0 must still be caught by the pixel check
        assertInvalid(Bytes.cut(bmp, bmp.length - 20)).hasMessageStartingWith("truncated").hasMessageContaining("pixel data");
    }

    // ---------------------------------------------------------------- corruption

    @Test
    void oneFlippedByteInAPngChunk_failsItsCrc() {
        byte[] png = Fixtures.png(20, 20);
        int idat = Bytes.indexOf(png, "IDAT");
        png[idat + 10] ^= 0x01;
        assertInvalid(png).hasMessageStartingWith("corrupt").hasMessageContaining("IDAT").hasMessageContaining("CRC");

        byte[] header = Fixtures.png(20, 20);
        header[19] ^= 0x40; // inside IHDR's width
        assertInvalid(header).hasMessageStartingWith("corrupt").hasMessageContaining("IHDR");
    }

    @Test
    void pngStructureRules() {
        assertInvalid(new Png().ihdr(1, 1, 8, 2).iend().toArray()).hasMessageContaining("no IDAT");
        assertInvalid(new Png().ihdr(0, 1, 8, 2).rgbIdat(1, 1).iend().toArray()).hasMessageContaining("0x1");
        assertInvalid(new Png().ihdr(0x8000_0000L, 1, 8, 2).rgbIdat(1, 1).iend().toArray()).hasMessageStartingWith("corrupt");
        assertInvalid(new Png().ihdr(1, 1, 3, 2).rgbIdat(1, 1).iend().toArray()).hasMessageContaining("bit depth");
        assertInvalid(new Png().ihdr(1, 1, 8, 3).rgbIdat(1, 1).iend().toArray()).hasMessageContaining("PLTE");
        assertInvalid(new Png().ihdr(1, 1, 8, 2).rgbIdat(1, 1).chunk("tEXt", new byte[2]).rgbIdat(1, 1).iend().toArray())
                .hasMessageContaining("consecutive");
        assertInvalid(new Png().ihdr(1, 1, 8, 2).chunk("ZZZZ", new byte[1]).rgbIdat(1, 1).iend().toArray())
                .hasMessageContaining("critical");
        assertInvalid(new Png().chunk("tEXt", new byte[1]).ihdr(1, 1, 8, 2).rgbIdat(1, 1).iend().toArray())
                .hasMessageContaining("IHDR");
        byte[] lyingAnimation = new Png().ihdr(4, 3, 8, 2).actl(3).fctl(0, 4, 3).rgbIdat(4, 3).iend().toArray();
        assertInvalid(lyingAnimation).hasMessageContaining("fcTL");
    }

    @Test
    void jpegThatIsOnlySoiAndEoi_isRejected() {
        assertInvalid(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}).hasMessageStartingWith("corrupt");
    }

    @Test
    void jpegStructureRules() {
        byte[] jpeg = Fixtures.jpeg(16, 16);
        int sos = Bytes.indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xDA});
        byte[] noScan = Bytes.concat(Arrays.copyOf(jpeg, sos), new byte[] {(byte) 0xFF, (byte) 0xD9});
        assertInvalid(noScan).hasMessageContaining("SOS");

        assertInvalid(jpegWithSof(0, 16)).hasMessageContaining("0x16");

        byte[] garbageBetweenSegments = jpeg.clone();
        garbageBetweenSegments[sofOffset(jpeg)] = 0x00;
        assertInvalid(garbageBetweenSegments).hasMessageContaining("marker");
    }

    @Test
    void gifStructureRules() {
        assertInvalid(new Gif(1, 1).trailer().toArray()).hasMessageContaining("no image");
        assertInvalid(new Gif(0, 1).frame().trailer().toArray()).hasMessageContaining("logical screen");
        byte[] unknownBlock = Bytes.concat(new Gif(1, 1).frame().toArray(), new byte[] {0x42, 0x3B});
        assertInvalid(unknownBlock).hasMessageContaining("unknown block");
    }

    @Test
    void webpStructureRules() {
        assertInvalid(Webp.riff(Webp.chunk("JUNK", new byte[4]))).hasMessageContaining("first chunk");
        assertInvalid(Webp.riff(Webp.vp8x(false, 10, 10), Webp.vp8l(9, 10))).hasMessageContaining("canvas");
        assertInvalid(Webp.riff(Webp.vp8x(true, 10, 10), Webp.anmf(0, 0, 10, 10, Webp.vp8l(10, 10))))
                .hasMessageContaining("ANIM");
        assertInvalid(Webp.riff(Webp.vp8x(true, 10, 10), Webp.anim(), Webp.anmf(4, 0, 8, 10, Webp.vp8l(8, 10))))
                .hasMessageContaining("outside the canvas");
        assertInvalid(Webp.riff(Webp.vp8x(true, 10, 10), Webp.anim())).hasMessageContaining("no ANMF");
        assertInvalid(Webp.riff(Webp.vp8x(false, 10, 10))).hasMessageContaining("no VP8");

        byte[] interFrame = Webp.riff(Webp.vp8(8, 8));
        interFrame[20] |= 0x01; // frame tag bit 0 set: an inter frame
        assertInvalid(interFrame).hasMessageContaining("key frame");
    }

    @Test
    void bmpStructureRules() {
        byte[] sevenBits = Fixtures.bmp(40, 2, 2, 24);
        sevenBits[28] = 7;
        assertInvalid(sevenBits).hasMessageContaining("7 bits");

        byte[] twoPlanes = Fixtures.bmp(40, 2, 2, 24);
        twoPlanes[26] = 2;
        assertInvalid(twoPlanes).hasMessageContaining("planes");

        byte[] oddHeader = Fixtures.bmp(40, 2, 2, 24);
        oddHeader[14] = 41;
        assertInvalid(oddHeader).hasMessageContaining("header size");

        byte[] zeroWidth = Fixtures.bmp(40, 2, 2, 24);
        writeI32le(zeroWidth, 18, 0);
        assertInvalid(zeroWidth).hasMessageStartingWith("corrupt");
    }

    // ---------------------------------------------------------------- not images

    @ParameterizedTest
    @ValueSource(strings = {
            "<html><body>hello</body></html>",
            "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "just some text, long enough to be sniffed",
            "II*\0\b\0\0\0 a little-endian TIFF",
            "MM\0*\0\0\0\b a big-endian TIFF",
            "RIFF\u0024\0\0\0WAVEfmt a wave file",
            "%PDF-1.7"})
    void nonImages_areUnsupported(String content) {
        assertInvalid(content.getBytes(StandardCharsets.ISO_8859_1))
                .hasMessage("not a supported image: expected JPEG, PNG, GIF, WebP or BMP");
    }

    @Test
    void emptyFile_isUnsupported() {
        assertInvalid(new byte[0]).hasMessageStartingWith("not a supported image").hasMessageContaining("empty");
    }

    @Test
    void randomBytes_areUnsupported() {
        Random random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        noise[0] = 0x00;
        assertInvalid(noise).hasMessageStartingWith("not a supported image");
    }

    @Test
    void missingFile_isInvalidRatherThanAnIoError() {
        assertThatThrownBy(() -> probe.probe(dir.resolve("does-not-exist"), ImageLimits.DEFAULTS))
                .isInstanceOf(InvalidImageException.class).hasMessageStartingWith("unreadable");
    }

    @Test
    void formatComesFromTheBytesNotTheName() {
        java.nio.file.Path misnamed = dir.resolve("photo.jpg");
        try {
            java.nio.file.Files.write(misnamed, Fixtures.png(3, 3));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(probe.probe(misnamed, ImageLimits.DEFAULTS)).isEqualTo(new ImageInfo(ImageFormat.PNG, 3, 3, 1));
    }

    // ---------------------------------------------------------------- helpers

    private AbstractThrowableAssert<?, ? extends Throwable> assertLimit(byte[] data) {
        return assertLimit(data, ImageLimits.DEFAULTS);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertLimit(byte[] data, ImageLimits limits) {
        return assertThatThrownBy(() -> probe(data, limits)).isInstanceOf(ImageLimitExceededException.class);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(byte[] data) {
        return assertThatThrownBy(() -> probe(data)).isInstanceOf(InvalidImageException.class);
    }

    /** A real ImageIO JPEG whose SOF0 has been edited to declare another size. */
    private static byte[] jpegWithSof(int width, int height) {
        byte[] jpeg = Fixtures.jpeg(8, 8);
        int sof = sofOffset(jpeg);
        jpeg[sof + 5] = (byte) (height >>> 8);
        jpeg[sof + 6] = (byte) height;
        jpeg[sof + 7] = (byte) (width >>> 8);
        jpeg[sof + 8] = (byte) width;
        return jpeg;
    }

    private static int sofOffset(byte[] jpeg) {
        int sof = Bytes.indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
        assertThat(sof).isPositive();
        return sof;
    }

    private static void writeI32le(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }
}
