package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.BLUE;
import static dev.picspace.imaging.render.Pictures.RED;
import static dev.picspace.imaging.render.Pictures.WHITE;
import static dev.picspace.imaging.render.Pictures.alpha;
import static dev.picspace.imaging.render.Pictures.assertPixel;
import static dev.picspace.imaging.render.Pictures.decode;
import static dev.picspace.imaging.render.Pictures.png;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.GpsDirectory;
import dev.picspace.domain.ImageEngine.Rendition;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Format;
import dev.picspace.domain.ImageOperation.Interlace;
import dev.picspace.domain.ImageOperation.Quality;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.imaging.HeaderImageProbe;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Output formats, quality, interlacing, alpha, metadata and colour profiles. */
class OutputTest {
    static final Resize W60 = new Resize(ResizeMode.LFIT, 60, 0, 0, 0, 0, false, 0);

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void everyOutputFormatIsWhatItSaysAndDecodesToThePicture(ImageFormat format) {
        Rendition r = render(png(Pictures.split(120, 60)), W60, new Format(format));
        assertThat(r.format()).isEqualTo(format);
        assertThat(r.mediaType()).isEqualTo(format.mediaType());
        // the bytes are that format by their own headers, not by the engine's say-so
        assertThat(new HeaderImageProbe().probe(r.bytes(), ImageLimits.DEFAULTS).format()).isEqualTo(format);
        BufferedImage out = decode(r.bytes());
        assertThat(out.getWidth()).isEqualTo(60);
        assertThat(out.getHeight()).isEqualTo(30);
        int tolerance = format == ImageFormat.JPEG || format == ImageFormat.WEBP ? 30 : 8;
        assertPixel(out, 10, 15, RED, tolerance);
        assertPixel(out, 50, 15, BLUE, tolerance);
    }

    @Test
    void withoutAFormatTheOutputKeepsTheSourceFormat() {
        assertThat(render(Pictures.bmp(Pictures.split(40, 20)), W60).format()).isEqualTo(ImageFormat.BMP);
        assertThat(render(Pictures.gif(Pictures.split(40, 20)), W60).format()).isEqualTo(ImageFormat.GIF);
        assertThat(render(Pictures.jpeg(Pictures.split(40, 20), 90), W60).format()).isEqualTo(ImageFormat.JPEG);
    }

    @Test
    void jpegQualityIsAbsoluteRelativeOrTheDefaultAndNeverAboveTheSources() {
        byte[] fromPng = png(Pictures.split(64, 64));
        assertThat(jpegQuality(render(fromPng, new Format(ImageFormat.JPEG)))).isEqualTo(Java2dImageEngine.DEFAULT_QUALITY);
        assertThat(jpegQuality(render(fromPng, new Format(ImageFormat.JPEG), new Quality(40, true)))).isEqualTo(40);
        assertThat(jpegQuality(render(fromPng, new Format(ImageFormat.JPEG), new Quality(70, false)))).isEqualTo(70);

        byte[] q80 = Pictures.jpeg(Pictures.split(64, 64), 80);
        assertThat(JpegSegments.read(q80).quality).isEqualTo(80);
        assertThat(jpegQuality(render(q80, new Quality(50, false)))).isEqualTo(40);  // 80 × 50%
        assertThat(jpegQuality(render(q80, new Quality(95, true)))).isEqualTo(80);   // Q never above the source
        assertThat(jpegQuality(render(q80, new Quality(60, true)))).isEqualTo(60);
        assertThat(jpegQuality(render(q80, W60))).isEqualTo(80);                    // default capped by the source
        byte[] q97 = Pictures.jpeg(Pictures.split(64, 64), 97);
        assertThat(jpegQuality(render(q97, W60))).isEqualTo(Java2dImageEngine.DEFAULT_QUALITY);
    }

    @Test
    void webpQualityChangesTheOutput() {
        byte[] photo = Pictures.jpeg(noise(160, 120), 95);
        int low = render(photo, new Format(ImageFormat.WEBP), new Quality(10, true)).bytes().length;
        int high = render(photo, new Format(ImageFormat.WEBP), new Quality(95, true)).bytes().length;
        assertThat(high).isGreaterThan(low * 2);
    }

    @Test
    void interlaceMakesProgressiveJpegAndAdam7Png() {
        byte[] source = png(Pictures.split(64, 32));
        assertThat(jpegFrameMarker(render(source, new Format(ImageFormat.JPEG)).bytes())).isEqualTo(0xC0);
        assertThat(jpegFrameMarker(render(source, new Format(ImageFormat.JPEG), new Interlace(true)).bytes())).isEqualTo(0xC2);
        byte[] plain = render(source, new Format(ImageFormat.PNG)).bytes();
        byte[] adam7 = render(source, new Format(ImageFormat.PNG), new Interlace(true)).bytes();
        assertThat(plain[28]).isEqualTo((byte) 0); // IHDR interlace method
        assertThat(adam7[28]).isEqualTo((byte) 1);
        BufferedImage out = decode(adam7);
        assertPixel(out, 5, 5, RED, 0);
    }

    @Test
    void alphaIsKeptByPngWebpAndGifAndFlattenedOntoWhiteForJpegAndBmp() {
        byte[] source = png(Pictures.transparentWithRedSquare(80, 80));
        for (ImageFormat f : List.of(ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.GIF)) {
            BufferedImage out = decode(render(source, new Format(f)).bytes());
            assertThat(alpha(out, 2, 2)).as("%s corner alpha", f).isZero();
            assertThat(alpha(out, 40, 40)).as("%s centre alpha", f).isEqualTo(255);
            assertPixel(out, 40, 40, RED, 30);
        }
        for (ImageFormat f : List.of(ImageFormat.JPEG, ImageFormat.BMP)) {
            BufferedImage out = decode(render(source, new Format(f)).bytes());
            assertThat(out.getColorModel().hasAlpha()).isFalse();
            assertPixel(out, 2, 2, WHITE, 8);
            assertPixel(out, 40, 40, RED, 30);
        }
    }

    @Test
    void noExifOrGpsIsCopiedIntoADerivative() throws Exception {
        byte[] source = Pictures.insertAfterSoi(Pictures.jpeg(Pictures.split(200, 100), 95), Pictures.exifSegment(1, true));
        Metadata before = ImageMetadataReader.readMetadata(new ByteArrayInputStream(source));
        assertThat(before.getFirstDirectoryOfType(GpsDirectory.class)).as("the fixture has GPS").isNotNull();
        assertThat(before.getFirstDirectoryOfType(ExifIFD0Directory.class).getString(0x010F)).isEqualTo("PicspaceCam");
        for (ImageFormat f : ImageFormat.values()) {
            byte[] out = render(source, W60, new Format(f)).bytes();
            Metadata after = ImageMetadataReader.readMetadata(new ByteArrayInputStream(out));
            List<String> exif = new ArrayList<>();
            for (Directory d : after.getDirectories())
                if (d.getName().startsWith("Exif") || d.getName().startsWith("GPS") || d.getName().startsWith("XMP"))
                    exif.add(d.getName());
            assertThat(exif).as("%s output metadata", f).isEmpty();
        }
    }

    @Test
    void aNonSrgbProfileIsConvertedNotDropped() {
        // mid grey in linear light is 188 in sRGB; a dropped profile would leave 128
        BufferedImage grey = Pictures.solid(32, 32, 0x808080);
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(grey, 98), Pictures.iccSegment(Pictures.linearRgb()));
        assertPixel(decode(render(jpeg, new Format(ImageFormat.PNG)).bytes()), 16, 16, 0xBCBCBC, 6);
        byte[] pngIcc = Pictures.pngWithIcc(png(grey), Pictures.linearRgb());
        assertPixel(decode(render(pngIcc, new Format(ImageFormat.PNG)).bytes()), 16, 16, 0xBCBCBC, 6);
        // reduced-resolution decoding converts too
        BufferedImage big = Pictures.solid(800, 800, 0x808080);
        byte[] bigJpeg = Pictures.insertAfterSoi(Pictures.jpeg(big, 98), Pictures.iccSegment(Pictures.linearRgb()));
        assertPixel(decode(render(bigJpeg, new Resize(ResizeMode.LFIT, 50, 0, 0, 0, 0, false, 0), new Format(ImageFormat.PNG)).bytes()),
                25, 25, 0xBCBCBC, 6);
    }

    @Test
    void anSrgbProfileLeavesThePixelsAsTheyAre() {
        BufferedImage grey = Pictures.solid(32, 32, 0x808080);
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(grey, 98), Pictures.iccSegment(Pictures.srgb()));
        assertPixel(decode(render(jpeg, new Format(ImageFormat.PNG)).bytes()), 16, 16, 0x808080, 3);
        byte[] pngIcc = Pictures.pngWithIcc(png(grey), Pictures.srgb());
        assertPixel(decode(render(pngIcc, new Format(ImageFormat.PNG)).bytes()), 16, 16, 0x808080, 1);
    }

    @Test
    void aCmykJpegComesOutInTheColoursOfItsRgbTwin() throws Exception {
        Path corpus = Path.of("src/test/resources/corpus");
        BufferedImage cmyk = decode(render(Files.readAllBytes(corpus.resolve("im-cmyk.jpg")), new Format(ImageFormat.PNG)).bytes());
        BufferedImage rgb = decode(render(Files.readAllBytes(corpus.resolve("im-baseline.jpg")), new Format(ImageFormat.PNG)).bytes());
        assertThat(cmyk.getWidth()).isEqualTo(rgb.getWidth());
        // ImageMagick converted the same plasma to CMYK without a profile: the colours agree
        // roughly (a naive profile-less conversion), not exactly; an unconverted CMYK read as RGB
        // would be far off (inverted and dark)
        long diff = 0;
        int n = 0;
        for (int y = 0; y < rgb.getHeight(); y += 4)
            for (int x = 0; x < rgb.getWidth(); x += 4, n++) {
                int a = cmyk.getRGB(x, y), b = rgb.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) diff += Math.abs((a >> s & 0xFF) - (b >> s & 0xFF));
            }
        assertThat(diff / (3.0 * n)).isLessThan(40);
    }

    static int jpegQuality(Rendition r) {
        assertThat(r.format()).isEqualTo(ImageFormat.JPEG);
        return JpegSegments.read(r.bytes()).quality;
    }

    /** The first SOFn marker of a JPEG. */
    static int jpegFrameMarker(byte[] b) {
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) return marker;
            pos += 2 + ((b[pos + 2] & 0xFF) << 8 | b[pos + 3] & 0xFF);
        }
        return -1;
    }

    static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(5);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, random.nextInt(0x1000000));
        return image;
    }

    static ImageOperation[] ops(ImageOperation... ops) { return ops; }
}
