package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.BLUE;
import static dev.picspace.imaging.render.Pictures.GREEN;
import static dev.picspace.imaging.render.Pictures.RED;
import static dev.picspace.imaging.render.Pictures.WHITE;
import static dev.picspace.imaging.render.Pictures.YELLOW;
import static dev.picspace.imaging.render.Pictures.alpha;
import static dev.picspace.imaging.render.Pictures.assertPixel;
import static dev.picspace.imaging.render.Pictures.decode;
import static dev.picspace.imaging.render.Pictures.png;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation.AutoOrient;
import dev.picspace.domain.ImageOperation.Crop;
import dev.picspace.domain.ImageOperation.Format;
import dev.picspace.domain.ImageOperation.Gravity;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.domain.ImageOperation.Rotate;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Crop, rotate and EXIF orientation, checked on the decoded output's pixels. */
class GeometryOpsTest {
    static final byte[] QUADRANTS = png(Pictures.quadrants(200, 100));

    @Test
    void cropPicksTheRegionItsGravityNames() {
        BufferedImage nw = decode(render(QUADRANTS, new Crop(0, 0, 50, 40, Gravity.NW)).bytes());
        assertThat(nw.getWidth()).isEqualTo(50);
        assertThat(nw.getHeight()).isEqualTo(40);
        assertPixel(nw, 25, 20, RED, 0);

        BufferedImage se = decode(render(QUADRANTS, new Crop(0, 0, 50, 40, Gravity.SE)).bytes());
        assertPixel(se, 0, 0, YELLOW, 0);
        assertPixel(se, 49, 39, YELLOW, 0);

        BufferedImage ne = decode(render(QUADRANTS, new Crop(10, 5, 50, 40, Gravity.NE)).bytes());
        // starts 10 px right of (150, 0): 40 px of green remain before the edge
        assertThat(ne.getWidth()).isEqualTo(40);
        assertPixel(ne, 20, 20, GREEN, 0);

        // centre: the 20x20 square around the middle holds all four colours
        BufferedImage c = decode(render(QUADRANTS, new Crop(0, 0, 20, 20, Gravity.CENTER)).bytes());
        assertPixel(c, 2, 2, RED, 0);
        assertPixel(c, 17, 2, GREEN, 0);
        assertPixel(c, 2, 17, BLUE, 0);
        assertPixel(c, 17, 17, YELLOW, 0);
    }

    @Test
    void cropIsClampedToThePictureAndDefaultsToTheEdge() {
        BufferedImage out = decode(render(QUADRANTS, new Crop(150, 50, 0, 0, Gravity.NW)).bytes());
        assertThat(out.getWidth()).isEqualTo(50);
        assertThat(out.getHeight()).isEqualTo(50);
        assertPixel(out, 25, 25, YELLOW, 0);
        BufferedImage big = decode(render(QUADRANTS, new Crop(100, 0, 5000, 5000, Gravity.NW)).bytes());
        assertThat(big.getWidth()).isEqualTo(100);
        assertThat(big.getHeight()).isEqualTo(100);
    }

    @Test
    void aCropStartingOutsideThePictureIsTheCallersError() {
        assertThatThrownBy(() -> render(QUADRANTS, new Crop(200, 0, 10, 10, Gravity.NW)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> render(QUADRANTS, new Crop(0, 100, 10, 10, Gravity.NW)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> render(QUADRANTS, new Crop(10, 0, 10, 10, Gravity.SE)))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void rotate90MovesTheTopLeftCornerToTheTopRight() {
        BufferedImage out = decode(render(QUADRANTS, new Rotate(90)).bytes());
        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(out.getHeight()).isEqualTo(200);
        assertPixel(out, 75, 50, RED, 0);      // was top left
        assertPixel(out, 75, 150, GREEN, 0);   // was top right
        assertPixel(out, 25, 50, BLUE, 0);     // was bottom left
        assertPixel(out, 25, 150, YELLOW, 0);
        BufferedImage half = decode(render(QUADRANTS, new Rotate(180)).bytes());
        assertPixel(half, 150, 75, RED, 0);
        BufferedImage back = decode(render(QUADRANTS, new Rotate(270)).bytes());
        assertPixel(back, 25, 150, RED, 0);
    }

    @Test
    void anOddAngleEnlargesTheCanvasWhiteWithoutAlphaTransparentWithIt() {
        var opaque = render(Pictures.jpeg(Pictures.solid(100, 100, BLUE), 95), new Rotate(45));
        BufferedImage out = decode(opaque.bytes());
        assertThat(out.getWidth()).isBetween(141, 142);
        assertThat(out.getHeight()).isBetween(141, 142);
        assertPixel(out, 2, 2, WHITE, 6);
        assertPixel(out, 70, 70, BLUE, 30);

        var clear = render(png(Pictures.transparentWithRedSquare(100, 100)), new Rotate(30));
        assertThat(clear.format()).isEqualTo(ImageFormat.PNG);
        BufferedImage t = decode(clear.bytes());
        assertThat(alpha(t, 1, 1)).isZero();
        assertThat(alpha(t, t.getWidth() / 2, t.getHeight() / 2)).isEqualTo(255);
        assertPixel(t, t.getWidth() / 2, t.getHeight() / 2, RED, 8);
    }

    /** Where stored pixel (x, y) of a w×h picture shows on screen under each EXIF orientation. */
    static int[] shown(int orientation, int x, int y, int w, int h) {
        return switch (orientation) {
            case 1 -> new int[] {x, y};
            case 2 -> new int[] {w - 1 - x, y};
            case 3 -> new int[] {w - 1 - x, h - 1 - y};
            case 4 -> new int[] {x, h - 1 - y};
            case 5 -> new int[] {y, x};
            case 6 -> new int[] {h - 1 - y, x};
            case 7 -> new int[] {h - 1 - y, w - 1 - x};
            case 8 -> new int[] {y, w - 1 - x};
            default -> throw new IllegalArgumentException();
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyExifOrientationIsAppliedByDefault(int orientation) {
        int w = 160, h = 80;
        BufferedImage stored = Pictures.quadrants(w, h);
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(stored, 95), Pictures.exifSegment(orientation, false));
        BufferedImage out = decode(render(jpeg, new Format(ImageFormat.PNG)).bytes());
        boolean swapped = orientation >= 5;
        assertThat(out.getWidth()).isEqualTo(swapped ? h : w);
        assertThat(out.getHeight()).isEqualTo(swapped ? w : h);
        // the middle of each stored quadrant shows where the orientation puts it
        int[][] samples = {{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}};
        for (int[] s : samples) {
            int[] at = shown(orientation, s[0], s[1], w, h);
            assertPixel(out, at[0], at[1], stored.getRGB(s[0], s[1]) & 0xFFFFFF, 30);
        }
    }

    @Test
    void orientationSixTurnsTheThumbnailAndAutoOrientZeroKeepsTheStoredPixels() {
        // stored 200x100, red left and blue right; orientation 6 shows it 100x200, red on top
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(Pictures.split(200, 100), 95), Pictures.exifSegment(6, true));
        Resize w50 = new Resize(ResizeMode.LFIT, 50, 0, 0, 0, 0, false, 0);
        var r = render(jpeg, w50);
        assertThat(r.width()).isEqualTo(50);
        assertThat(r.height()).isEqualTo(100);
        BufferedImage out = decode(r.bytes());
        assertPixel(out, 25, 10, RED, 30);
        assertPixel(out, 25, 90, BLUE, 30);

        // OSS's example puts auto-orient,0 after the resize: it still governs the decode
        var kept = render(jpeg, w50, new AutoOrient(false));
        assertThat(kept.width()).isEqualTo(50);
        assertThat(kept.height()).isEqualTo(25);
        BufferedImage k = decode(kept.bytes());
        assertPixel(k, 5, 12, RED, 30);
        assertPixel(k, 45, 12, BLUE, 30);
    }

    /**
     * A leading crop is decoded as a region of the stored picture (turned back through the EXIF
     * orientation): it must give exactly what decoding everything and then cropping gives.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void aLeadingCropDecodedAsARegionEqualsCroppingTheWholePicture(int orientation) {
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(Pictures.quadrants(160, 80), 95), Pictures.exifSegment(orientation, false));
        var region = new Java2dImageEngine();
        var whole = new Java2dImageEngine(85, false);
        for (Crop crop : List.of(new Crop(0, 0, 30, 20, Gravity.NW), new Crop(5, 7, 33, 21, Gravity.SE),
                new Crop(3, 0, 25, 60, Gravity.CENTER), new Crop(10, 10, 0, 0, Gravity.NW))) {
            var ops = List.<dev.picspace.domain.ImageOperation>of(crop, new Format(ImageFormat.PNG));
            var a = region.render(new java.io.ByteArrayInputStream(jpeg), null, ops, null, dev.picspace.domain.ImageLimits.DEFAULTS,
                    dev.picspace.domain.ImageEngine.OutputLimits.DEFAULTS);
            var b = whole.render(new java.io.ByteArrayInputStream(jpeg), null, ops, null, dev.picspace.domain.ImageLimits.DEFAULTS,
                    dev.picspace.domain.ImageEngine.OutputLimits.DEFAULTS);
            BufferedImage ia = decode(a.bytes()), ib = decode(b.bytes());
            assertThat(ia.getWidth()).as("%s width", crop).isEqualTo(ib.getWidth());
            assertThat(ia.getHeight()).as("%s height", crop).isEqualTo(ib.getHeight());
            for (int y = 0; y < ia.getHeight(); y++)
                for (int x = 0; x < ia.getWidth(); x++)
                    assertThat(Pictures.near(ia.getRGB(x, y), ib.getRGB(x, y), 3)).as("%s at %d,%d", crop, x, y).isTrue();
        }
        // crop then shrink: a region at reduced resolution
        var ops = List.<dev.picspace.domain.ImageOperation>of(new Crop(0, 0, 80, 80, Gravity.NW),
                new Resize(ResizeMode.LFIT, 20, 0, 0, 0, 0, false, 0), new Format(ImageFormat.PNG));
        BufferedImage small = decode(region.render(new java.io.ByteArrayInputStream(jpeg), null, ops, null,
                dev.picspace.domain.ImageLimits.DEFAULTS, dev.picspace.domain.ImageEngine.OutputLimits.DEFAULTS).bytes());
        BufferedImage reference = decode(whole.render(new java.io.ByteArrayInputStream(jpeg), null, ops, null,
                dev.picspace.domain.ImageLimits.DEFAULTS, dev.picspace.domain.ImageEngine.OutputLimits.DEFAULTS).bytes());
        assertThat(small.getWidth()).isEqualTo(20);
        assertThat(CorpusAndConcurrencyTest.meanDifference(small, reference)).isLessThan(8);
    }

    @Test
    void aLeadingCropWorksThroughEveryReader() {
        BufferedImage q = Pictures.quadrants(400, 200);
        byte[] png = png(q);
        List<byte[]> sources = List.of(png, Pictures.bmp(q), Pictures.jpeg(q, 95), Pictures.gif(q),
                render(png, new Format(ImageFormat.WEBP), new dev.picspace.domain.ImageOperation.Quality(95, true)).bytes());
        for (byte[] source : sources) {
            BufferedImage se = decode(render(source, new Crop(0, 0, 100, 50, Gravity.SE), new Format(ImageFormat.PNG)).bytes());
            assertThat(se.getWidth()).isEqualTo(100);
            assertThat(se.getHeight()).isEqualTo(50);
            assertPixel(se, 50, 25, YELLOW, 24);
            BufferedImage shrunk = decode(render(source, new Crop(0, 0, 200, 100, Gravity.NE),
                    new Resize(ResizeMode.LFIT, 20, 0, 0, 0, 0, false, 0), new Format(ImageFormat.PNG)).bytes());
            assertThat(shrunk.getWidth()).isEqualTo(20);
            assertThat(shrunk.getHeight()).isEqualTo(10);
            assertPixel(shrunk, 10, 5, GREEN, 24);
        }
    }
}
