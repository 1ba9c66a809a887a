package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.imaging.Fixtures.Gif;
import dev.picspace.imaging.Fixtures.Webp;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Well-formed files of every format: the probe reports their format, size and frame count. */
class HeaderImageProbeTest extends ProbeTestSupport {

    @Test
    void jpegBaselineFromImageIo() {
        assertThat(probe(Fixtures.jpeg(320, 240))).isEqualTo(new ImageInfo(ImageFormat.JPEG, 320, 240, 1));
    }

    @Test
    void jpegProgressiveWithSeveralScans() {
        byte[] jpeg = Fixtures.jpeg(Fixtures.picture(97, 61, BufferedImage.TYPE_INT_RGB), true);
        assertThat(countMarkers(jpeg, 0xDA)).as("scans").isGreaterThan(1);
        assertThat(countMarkers(jpeg, 0xC2)).as("SOF2 frame headers").isEqualTo(1);

        assertThat(probe(jpeg)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 97, 61, 1));
    }

    @Test
    void jpegGrayscale() {
        byte[] jpeg = Fixtures.jpeg(Fixtures.picture(50, 70, BufferedImage.TYPE_BYTE_GRAY), false);
        assertThat(probe(jpeg)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 50, 70, 1));
    }

    @Test
    void jpegFourChannelCmyk() {
        byte[] jpeg = Fixtures.cmykJpeg(40, 30);
        int sof = Bytes.indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
        assertThat(jpeg[sof + 9]).as("components").isEqualTo((byte) 4);

        assertThat(probe(jpeg)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 40, 30, 1));
    }

    @Test
    void jpegRestartMarkersFillBytesAndTrailingDataAreAccepted() {
        // SOI, fill bytes before a marker, a DRI-free RST in the scan, stuffing, EOI, then junk.
        byte[] jpeg = Fixtures.jpeg(16, 16);
        int sos = Bytes.indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xDA});
        int scanData = sos + 2 + ((jpeg[sos + 2] & 0xFF) << 8 | jpeg[sos + 3] & 0xFF);
        byte[] withExtras = Bytes.concat(
                new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xFF},
                java.util.Arrays.copyOfRange(jpeg, 3, scanData),
                new byte[] {0x12, (byte) 0xFF, 0x00, 0x34, (byte) 0xFF, (byte) 0xD3, 0x56},
                java.util.Arrays.copyOfRange(jpeg, scanData, jpeg.length),
                "trailing bytes after EOI".getBytes());

        assertThat(probe(withExtras)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 16, 16, 1));
    }

    private static int countMarkers(byte[] jpeg, int code) {
        int count = 0;
        for (int i = 0; i + 1 < jpeg.length; i++) if (jpeg[i] == (byte) 0xFF && (jpeg[i + 1] & 0xFF) == code) count++;
        return count;
    }

    @Test
    void pngFromImageIo() {
        assertThat(probe(Fixtures.png(300, 200))).isEqualTo(new ImageInfo(ImageFormat.PNG, 300, 200, 1));
    }

    @Test
    void pngHandBuiltWithAncillaryChunks() {
        byte[] png = new Fixtures.Png().ihdr(7, 5, 8, 2).chunk("tEXt", "Comment\0hi".getBytes())
                .rgbIdat(7, 5).chunk("tIME", new byte[7]).iend().toArray();
        assertThat(probe(png)).isEqualTo(new ImageInfo(ImageFormat.PNG, 7, 5, 1));
    }

    @Test
    void pngPalettedImageWithPlte() {
        byte[] png = Fixtures.imageIo(new BufferedImage(9, 4, BufferedImage.TYPE_BYTE_INDEXED), "png");
        assertThat(Bytes.indexOf(png, "PLTE")).isPositive();
        assertThat(probe(png)).isEqualTo(new ImageInfo(ImageFormat.PNG, 9, 4, 1));
    }

    @Test
    void apngFrameCountComesFromAcTL() {
        assertThat(probe(Fixtures.apng(3))).isEqualTo(new ImageInfo(ImageFormat.PNG, 4, 3, 3));
    }

    @Test
    void gifAnimatedFromImageIoWithThreeFrames() {
        assertThat(probe(Fixtures.animatedGif(21, 13, 3))).isEqualTo(new ImageInfo(ImageFormat.GIF, 21, 13, 3));
    }

    @Test
    void gifStillFromImageIo() {
        byte[] gif = Fixtures.imageIo(new BufferedImage(10, 20, BufferedImage.TYPE_BYTE_INDEXED), "gif");
        assertThat(probe(gif)).isEqualTo(new ImageInfo(ImageFormat.GIF, 10, 20, 1));
    }

    @Test
    void gifExtensionsBetweenFramesAreSkipped() {
        byte[] gif = new Gif(2, 2).netscapeLoop().comment("made by hand").graphicControl(10).frame()
                .graphicControl(10).frame().trailer().toArray();
        assertThat(probe(gif)).isEqualTo(new ImageInfo(ImageFormat.GIF, 2, 2, 2));
    }

    @Test
    void gif87aHeader() {
        byte[] gif = new Gif(1, 1).frame().trailer().toArray();
        gif[4] = '7';
        assertThat(probe(gif)).isEqualTo(new ImageInfo(ImageFormat.GIF, 1, 1, 1));
    }

    @Test
    void webpLibwebpSamples() {
        assertThat(probe(Webp.faq(Webp.FAQ_LOSSY))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 1, 1, 1));
        assertThat(probe(Webp.faq(Webp.FAQ_LOSSLESS))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 1, 1, 1));
        assertThat(probe(Webp.faq(Webp.FAQ_ALPHA))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 1, 1, 1));
        assertThat(probe(Webp.faq(Webp.FAQ_ANIMATED))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 1, 1, 1));
    }

    @Test
    void webpLossyVp8() {
        assertThat(probe(Webp.riff(Webp.vp8(640, 480)))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 640, 480, 1));
    }

    @Test
    void webpLosslessVp8l() {
        assertThat(probe(Webp.riff(Webp.vp8l(1000, 16384)))).isEqualTo(new ImageInfo(ImageFormat.WEBP, 1000, 16384, 1));
    }

    @Test
    void webpExtendedStillWithMetadata() {
        byte[] webp = Webp.riff(Webp.vp8x(false, 300, 100), Webp.chunk("ICCP", new byte[5]),
                Webp.vp8(300, 100), Webp.chunk("EXIF", new byte[3]));
        assertThat(probe(webp)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 300, 100, 1));
    }

    @Test
    void webpAnimatedWithTwoFrames() {
        byte[] webp = Webp.riff(Webp.vp8x(true, 40, 30), Webp.anim(),
                Webp.anmf(0, 0, 40, 30, Webp.vp8l(40, 30)),
                Webp.anmf(10, 4, 20, 20, Bytes.concat(Webp.chunk("ALPH", new byte[3]), Webp.vp8(20, 20))));
        assertThat(probe(webp)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 40, 30, 2));
    }

    @Test
    void webpTrailingBytesAfterTheRiffDataAreIgnored() {
        byte[] webp = Bytes.concat(Webp.riff(Webp.vp8l(5, 6)), new byte[] {0, 0, 0});
        assertThat(probe(webp)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 5, 6, 1));
    }

    @Test
    void bmpBottomUpFromImageIo() {
        assertThat(probe(Fixtures.bmp(33, 17, false))).isEqualTo(new ImageInfo(ImageFormat.BMP, 33, 17, 1));
    }

    @Test
    void bmpTopDownFromImageIoReportsThePositiveHeight() {
        byte[] bmp = Fixtures.bmp(33, 17, true);
        assertThat(readI32le(bmp, 22)).as("stored height").isEqualTo(-17);

        assertThat(probe(bmp)).isEqualTo(new ImageInfo(ImageFormat.BMP, 33, 17, 1));
    }

    @Test
    void bmpOldCoreHeader() {
        assertThat(probe(Fixtures.bmp(12, 5, 3, 24))).isEqualTo(new ImageInfo(ImageFormat.BMP, 5, 3, 1));
        assertThat(probe(Fixtures.bmp(12, 9, 2, 8))).isEqualTo(new ImageInfo(ImageFormat.BMP, 9, 2, 1));
    }

    @Test
    void bmpLaterHeaderSizesAndBitDepths() {
        assertThat(probe(Fixtures.bmp(124, 6, -4, 32))).isEqualTo(new ImageInfo(ImageFormat.BMP, 6, 4, 1));
        assertThat(probe(Fixtures.bmp(108, 13, 2, 1))).isEqualTo(new ImageInfo(ImageFormat.BMP, 13, 2, 1));
        assertThat(probe(Fixtures.bmp(40, 3, 3, 4))).isEqualTo(new ImageInfo(ImageFormat.BMP, 3, 3, 1));
        assertThat(probe(Fixtures.bmp(40, 3, 3, 16))).isEqualTo(new ImageInfo(ImageFormat.BMP, 3, 3, 1));
    }

    private static int readI32le(byte[] b, int at) {
        return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
    }
}
