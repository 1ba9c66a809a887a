package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.BLUE;
import static dev.picspace.imaging.render.Pictures.GREEN;
import static dev.picspace.imaging.render.Pictures.RED;
import static dev.picspace.imaging.render.Pictures.YELLOW;
import static dev.picspace.imaging.render.Pictures.assertPixel;
import static dev.picspace.imaging.render.Pictures.decode;
import static dev.picspace.imaging.render.Pictures.png;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picspace.domain.ImageEngine.Rendition;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.imaging.render.Geometry.Size;
import dev.picspace.domain.ImageEngine.OutputLimits;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResizeTest {
    static Resize box(ResizeMode mode, int w, int h) {
        return new Resize(mode, w, h, 0, 0, 0, false, 0xFFFFFF);
    }

    static Size out(Resize r, int w, int h) {
        return Geometry.resize(r, new Size(w, h), r.upscale()).canvas();
    }

    @Test
    void modesGiveOssSizes() {
        // OSS's own example: a 200x100 picture into w=150,h=80
        assertThat(out(box(ResizeMode.LFIT, 150, 80), 200, 100)).isEqualTo(new Size(150, 75));
        assertThat(out(box(ResizeMode.MFIT, 150, 80), 200, 100)).isEqualTo(new Size(160, 80));
        assertThat(out(box(ResizeMode.FILL, 150, 80), 200, 100)).isEqualTo(new Size(150, 80));
        assertThat(out(box(ResizeMode.PAD, 150, 80), 200, 100)).isEqualTo(new Size(150, 80));
        assertThat(out(box(ResizeMode.FIXED, 150, 80), 200, 100)).isEqualTo(new Size(150, 80));
        Geometry.ResizePlan pad = Geometry.resize(box(ResizeMode.PAD, 150, 80), new Size(200, 100), false);
        assertThat(pad.content()).isEqualTo(new Size(150, 75));
        assertThat(pad.offsetY()).isEqualTo(2);
    }

    @Test
    void oneSideScalesProportionallyAndLongOrShortSideFollowTheOrientation() {
        assertThat(out(box(ResizeMode.LFIT, 100, 0), 400, 200)).isEqualTo(new Size(100, 50));
        assertThat(out(box(ResizeMode.FIXED, 0, 50), 400, 200)).isEqualTo(new Size(100, 50));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 100, 0, 0, false, 0), 400, 200)).isEqualTo(new Size(100, 50));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 100, 0, 0, false, 0), 200, 400)).isEqualTo(new Size(50, 100));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 0, 100, 0, false, 0), 400, 200)).isEqualTo(new Size(200, 100));
        // l and s together: the long side within l, the short within s
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 100, 100, 0, false, 0), 400, 200)).isEqualTo(new Size(100, 50));
        // w/h win over l/s
        assertThat(out(new Resize(ResizeMode.LFIT, 40, 0, 100, 0, 0, false, 0), 400, 200)).isEqualTo(new Size(40, 20));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 0, 0, 50, false, 0), 400, 200)).isEqualTo(new Size(200, 100));
    }

    @Test
    void limitOneNeverEnlargesAndLimitZeroDoes() {
        assertThat(out(box(ResizeMode.LFIT, 800, 0), 400, 200)).isEqualTo(new Size(400, 200));
        assertThat(out(new Resize(ResizeMode.LFIT, 800, 0, 0, 0, 0, true, 0), 400, 200)).isEqualTo(new Size(800, 400));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 0, 0, 200, false, 0), 400, 200)).isEqualTo(new Size(400, 200));
        assertThat(out(new Resize(ResizeMode.LFIT, 0, 0, 0, 0, 200, true, 0), 400, 200)).isEqualTo(new Size(800, 400));
        assertThat(out(box(ResizeMode.FIXED, 500, 100), 400, 200)).isEqualTo(new Size(400, 200));
    }

    @Test
    void aGifIsNeverEnlargedEvenWithLimitZero() {
        byte[] gif = Pictures.gif(Pictures.split(40, 20));
        Rendition r = render(gif, new Resize(ResizeMode.LFIT, 80, 0, 0, 0, 0, true, 0));
        assertThat(r.width()).isEqualTo(40);
    }

    @Test
    void reducedDecodingLeavesAboutTwiceTheTarget() {
        // 4000 px to 200 px: a factor of 20 in all; decode one pixel in 10, downscale the last 2x
        Geometry.ResizePlan p = Geometry.resize(box(ResizeMode.LFIT, 200, 0), new Size(4000, 3000), false);
        assertThat(Geometry.subsampling(p, new Size(4000, 3000))).isEqualTo(10);
        // fill uses only a region; what counts is the scale of that region
        Geometry.ResizePlan fill = Geometry.resize(box(ResizeMode.FILL, 100, 100), new Size(4000, 1000), false);
        assertThat(Geometry.subsampling(fill, new Size(4000, 1000))).isEqualTo(5);
        // fixed stretching: the less-shrunk axis decides
        Geometry.ResizePlan fixed = Geometry.resize(box(ResizeMode.FIXED, 400, 40), new Size(4000, 1000), false);
        assertThat(Geometry.subsampling(fixed, new Size(4000, 1000))).isEqualTo(5);
        assertThat(Geometry.subsampling(Geometry.resize(box(ResizeMode.LFIT, 300, 0), new Size(400, 300), false),
                new Size(400, 300))).isEqualTo(1);
    }

    @Test
    void aShrunkSplitPictureKeepsItsSplit() {
        BufferedImage out = decode(render(png(Pictures.split(400, 200)), box(ResizeMode.LFIT, 100, 0)).bytes());
        assertThat(out.getWidth()).isEqualTo(100);
        assertThat(out.getHeight()).isEqualTo(50);
        assertPixel(out, 10, 25, RED, 8);
        assertPixel(out, 45, 25, RED, 8);
        assertPixel(out, 55, 25, BLUE, 8);
        assertPixel(out, 90, 25, BLUE, 8);
    }

    @Test
    void aLargeJpegDecodedAtReducedResolutionStillComesOutRight() {
        // 2400x1600 -> 120 wide: decoded at one pixel in 10, then halved
        byte[] jpeg = Pictures.jpeg(Pictures.quadrants(2400, 1600), 92);
        Rendition r = render(jpeg, box(ResizeMode.LFIT, 120, 0));
        assertThat(r.format()).isEqualTo(ImageFormat.JPEG);
        BufferedImage out = decode(r.bytes());
        assertThat(out.getWidth()).isEqualTo(120);
        assertThat(out.getHeight()).isEqualTo(80);
        assertPixel(out, 20, 20, RED, 24);
        assertPixel(out, 100, 20, GREEN, 24);
        assertPixel(out, 20, 60, BLUE, 24);
        assertPixel(out, 100, 60, YELLOW, 24);
    }

    @Test
    void fillCropsTheMiddleAndPadFillsWithTheColour() {
        BufferedImage fill = decode(render(png(Pictures.stripes(400, 200)), box(ResizeMode.FILL, 100, 100)).bytes());
        assertThat(fill.getWidth()).isEqualTo(100);
        assertThat(fill.getHeight()).isEqualTo(100);
        // the outer green and yellow quarters are cut away
        assertPixel(fill, 1, 50, RED, 8);
        assertPixel(fill, 98, 50, BLUE, 8);

        BufferedImage pad = decode(render(png(Pictures.split(400, 200)),
                new Resize(ResizeMode.PAD, 100, 100, 0, 0, 0, false, GREEN)).bytes());
        assertThat(pad.getWidth()).isEqualTo(100);
        assertThat(pad.getHeight()).isEqualTo(100);
        assertPixel(pad, 50, 5, GREEN, 0);
        assertPixel(pad, 50, 95, GREEN, 0);
        assertPixel(pad, 10, 50, RED, 8);
        assertPixel(pad, 90, 50, BLUE, 8);
    }

    @Test
    void fixedStretches() {
        BufferedImage out = decode(render(png(Pictures.split(400, 200)), box(ResizeMode.FIXED, 50, 100)).bytes());
        assertThat(out.getWidth()).isEqualTo(50);
        assertThat(out.getHeight()).isEqualTo(100);
        assertPixel(out, 10, 50, RED, 8);
        assertPixel(out, 40, 50, BLUE, 8);
    }

    @Test
    void aReducedResolutionThumbnailLooksLikeAFullDecodeOne() {
        // a noisy photo-like 1600x1200 JPEG: one pixel in four is decoded, so the sensor noise
        // averages less, but the picture is the same (measured: a mean difference of about 4 of 255)
        byte[] photo = ThumbnailThroughput.photo(1600, 1200);
        List<ImageOperation> thumb = List.of(box(ResizeMode.LFIT, 200, 0), new ImageOperation.Format(ImageFormat.PNG));
        BufferedImage reduced = decode(new Java2dImageEngine(85, true).render(new ByteArrayInputStream(photo), null, thumb, null,
                ImageLimits.DEFAULTS, OutputLimits.DEFAULTS).bytes());
        BufferedImage full = decode(new Java2dImageEngine(85, false).render(new ByteArrayInputStream(photo), null, thumb, null,
                ImageLimits.DEFAULTS, OutputLimits.DEFAULTS).bytes());
        assertThat(reduced.getWidth()).isEqualTo(full.getWidth());
        assertThat(CorpusAndConcurrencyTest.meanDifference(reduced, full)).isLessThan(6);
    }

    @Test
    void reducedDecodingWorksForEveryReader() {
        BufferedImage q = Pictures.quadrants(800, 400);
        byte[] png = png(q);
        byte[] bmp = Pictures.bmp(q);
        byte[] webp = render(png, new ImageOperation.Format(ImageFormat.WEBP), new ImageOperation.Quality(95, true)).bytes();
        byte[] lossless = render(png, new ImageOperation.Format(ImageFormat.PNG)).bytes();
        for (byte[] source : List.of(png, bmp, webp, lossless, Pictures.jpeg(q, 95))) {
            // 800 -> 100: decoded at one pixel in four
            BufferedImage out = decode(render(source, box(ResizeMode.LFIT, 100, 0), new ImageOperation.Format(ImageFormat.PNG)).bytes());
            assertThat(out.getWidth()).isEqualTo(100);
            assertThat(out.getHeight()).isEqualTo(50);
            assertPixel(out, 20, 10, RED, 24);
            assertPixel(out, 80, 10, GREEN, 24);
            assertPixel(out, 20, 40, BLUE, 24);
            assertPixel(out, 80, 40, YELLOW, 24);
        }
    }
}
