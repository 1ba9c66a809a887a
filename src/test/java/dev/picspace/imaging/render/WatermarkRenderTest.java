package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.BLACK;
import static dev.picspace.imaging.render.Pictures.RED;
import static dev.picspace.imaging.render.Pictures.WHITE;
import static dev.picspace.imaging.render.Pictures.assertPixel;
import static dev.picspace.imaging.render.Pictures.decode;
import static dev.picspace.imaging.render.Pictures.png;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.ImageOperation.Gravity;
import dev.picspace.domain.ImageOperation.Watermark;
import dev.picspace.domain.TenantWatermarks;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Watermarks, checked by where they change pixels and where they do not. */
class WatermarkRenderTest {
    static final byte[] WHITE_400x300 = png(Pictures.solid(400, 300, WHITE));

    static Watermark text(String text, Gravity g, int opacity, int size) {
        return new Watermark(opacity, g, 10, 10, 0, text, null, size, BLACK, false, false, false, 0, 0, false, null, 0);
    }

    static Watermark image(String key, Gravity g, int opacity, int percent) {
        return new Watermark(opacity, g, 10, 10, 0, null, null, 0, 0, false, false, false, 0, 0, false, key, percent);
    }

    /** The bounding box of the pixels that are not (near) white, or null. */
    static Rectangle ink(BufferedImage image) {
        Rectangle box = null;
        for (int y = 0; y < image.getHeight(); y++)
            for (int x = 0; x < image.getWidth(); x++)
                if (!Pictures.near(image.getRGB(x, y) & 0xFFFFFF, WHITE, 40)) {
                    Rectangle p = new Rectangle(x, y, 1, 1);
                    box = box == null ? p : box.union(p);
                }
        return box;
    }

    @Test
    void aSouthEastTextMarkInksTheBottomRightCornerOnly() {
        BufferedImage out = decode(render(WHITE_400x300, text("picspace", Gravity.SE, 100, 40)).bytes());
        Rectangle ink = ink(out);
        assertThat(ink).isNotNull();
        // within the 10 px margins of the bottom right, and nowhere near the top left
        assertThat(ink.x + ink.width).isBetween(380, 391);
        assertThat(ink.y + ink.height).isBetween(280, 291);
        assertThat(ink.x).isGreaterThan(150);
        assertThat(ink.y).isGreaterThan(200);
        assertThat(ink.height).isBetween(20, 60);
    }

    @Test
    void eachGravityPutsTheMarkInItsCell() {
        for (Gravity g : Gravity.values()) {
            Rectangle ink = ink(decode(render(WHITE_400x300, text("WM", g, 100, 30)).bytes()));
            double cx = ink.getCenterX(), cy = ink.getCenterY();
            assertThat((int) (cx / (400 / 3.0))).as("%s column", g).isEqualTo(Geometry.column(g));
            assertThat((int) (cy / (300 / 3.0))).as("%s row", g).isEqualTo(Geometry.row(g));
        }
    }

    @Test
    void voffsetMovesAMiddleRowMarkUp() {
        Rectangle still = ink(decode(render(WHITE_400x300, text("WM", Gravity.CENTER, 100, 30)).bytes()));
        Rectangle up = ink(decode(render(WHITE_400x300,
                new Watermark(100, Gravity.CENTER, 10, 10, 50, "WM", null, 30, BLACK, false, false, false, 0, 0, false, null, 0)).bytes()));
        assertThat(still.y - up.y).isBetween(48, 52);
    }

    @Test
    void opacityBlendsTheMarkWithThePicture() {
        byte[] black = png(Pictures.solid(40, 40, BLACK));
        Map<String, byte[]> blobs = Map.of("mark", black);
        BufferedImage half = decode(render(WHITE_400x300, blobs, image("mark", Gravity.NW, 50, 0)).bytes());
        assertPixel(half, 30, 30, 0x808080, 3);
        BufferedImage full = decode(render(WHITE_400x300, blobs, image("mark", Gravity.NW, 100, 0)).bytes());
        assertPixel(full, 30, 30, BLACK, 1);
        // the 40 px mark sits 10 px in: (10..49, 10..49)
        assertPixel(full, 9, 30, WHITE, 0);
        assertPixel(full, 49, 49, BLACK, 1);
        assertPixel(full, 50, 50, WHITE, 0);
        assertPixel(full, 390, 290, WHITE, 0);
    }

    @Test
    void anImageMarkIsScaledToAPercentOfThePictureAndKeepsItsAlpha() {
        // a transparent 100x100 mark with a red middle; P_20 of 400x300 fits it in 80x60 -> 60x60
        Map<String, byte[]> blobs = Map.of("logo", png(Pictures.transparentWithRedSquare(100, 100)));
        BufferedImage out = decode(render(WHITE_400x300, blobs, image("logo", Gravity.SE, 100, 20)).bytes());
        Rectangle ink = ink(out);
        // the red square is the middle half of the 60 px mark: 30 px, ending 15 px before the mark's edge
        assertThat(ink.width).isBetween(29, 32);
        assertThat(ink.x + ink.width).isBetween(400 - 10 - 15 - 1, 400 - 10 - 15 + 1);
        assertPixel(out, 400 - 10 - 30, 300 - 10 - 30, RED, 10);
        // the transparent part of the mark leaves the picture white
        assertPixel(out, 400 - 10 - 55, 300 - 10 - 55, WHITE, 0);
    }

    @Test
    void aMarkLargerThanThePictureIsScaledDownToFit() {
        Map<String, byte[]> blobs = Map.of("big", png(Pictures.solid(1000, 1000, BLACK)));
        BufferedImage out = decode(render(png(Pictures.solid(100, 50, WHITE)), blobs, image("big", Gravity.NW, 100, 0)).bytes());
        // shrunk to 50x50; the 10 px margin fits across, not down (clamped to stay on the picture)
        assertThat(ink(out)).isEqualTo(new Rectangle(10, 0, 50, 50));
        BufferedImage text = decode(render(png(Pictures.solid(100, 50, WHITE)), text("a long watermark text", Gravity.NW, 100, 200)).bytes());
        Rectangle ink = ink(text);
        assertThat(ink.width).isLessThanOrEqualTo(100);
        assertThat(ink.height).isLessThan(50);
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void theLargestTextOssAllowsIsLaidOutSmallerNotAllocatedAtFullSize() {
        // 64 characters at 1000 px would be a ~40000x1200 layer; it is measured and drawn to fit
        BufferedImage out = decode(render(png(Pictures.solid(200, 100, WHITE)), text("W".repeat(64), Gravity.CENTER, 100, 1000)).bytes());
        Rectangle ink = ink(out);
        assertThat(ink).isNotNull();
        assertThat(ink.width).isBetween(150, 200);
    }

    @Test
    void fillTilesTheWholePicture() {
        BufferedImage out = decode(render(WHITE_400x300,
                new Watermark(100, Gravity.NW, 10, 10, 0, "tile", null, 20, BLACK, false, false, false, 0, 0, true, null, 0)).bytes());
        int inked = 0;
        // 4x3 cells of 100x100: a tiled mark inks every one of them
        for (int cy = 0; cy < 3; cy++)
            for (int cx = 0; cx < 4; cx++) {
                BufferedImage cell = out.getSubimage(cx * 100, cy * 100, 100, 100);
                if (ink(cell) != null) inked++;
            }
        assertThat(inked).isEqualTo(12);
    }

    @Test
    void rotationTurnsTheTextAndShadowDarkensBesideIt() {
        Rectangle flat = ink(decode(render(WHITE_400x300, text("rotated text", Gravity.CENTER, 100, 30)).bytes()));
        Rectangle turned = ink(decode(render(WHITE_400x300,
                new Watermark(100, Gravity.CENTER, 10, 10, 0, "rotated text", null, 30, BLACK, false, false, false, 0, 90, false, null, 0)).bytes()));
        assertThat(flat.width).isGreaterThan(flat.height * 3);
        assertThat(turned.height).isGreaterThan(turned.width * 3);

        Watermark white = new Watermark(100, Gravity.NW, 10, 10, 0, "Shadow", null, 60, WHITE, true, false, false, 0, 0, false, null, 0);
        Watermark shadowed = new Watermark(100, Gravity.NW, 10, 10, 0, "Shadow", null, 60, WHITE, true, false, false, 100, 0, false, null, 0);
        assertThat(ink(decode(render(WHITE_400x300, white).bytes()))).as("white on white").isNull();
        assertThat(ink(decode(render(WHITE_400x300, shadowed).bytes()))).as("its shadow").isNotNull();
    }

    @Test
    void underlineAndBoldChangeTheInk() {
        Rectangle plain = ink(decode(render(WHITE_400x300, text("under", Gravity.NW, 100, 40)).bytes()));
        Rectangle underlined = ink(decode(render(WHITE_400x300,
                new Watermark(100, Gravity.NW, 10, 10, 0, "under", null, 40, BLACK, false, false, true, 0, 0, false, null, 0)).bytes()));
        assertThat(underlined.height).isGreaterThan(plain.height);
        assertThat(WatermarkPainter.font(null, Font.BOLD, 20, "abc").isBold()).isTrue();
    }

    @Test
    void fontsFallBackToOneThatCanDrawTheText() {
        Font latin = WatermarkPainter.font("no such font", Font.PLAIN, 20, "Shop");
        assertThat(latin.canDisplayUpTo("Shop")).isEqualTo(-1);
        Font chinese = WatermarkPainter.font("宋体", Font.PLAIN, 20, "店铺水印");
        assertThat(chinese.canDisplayUpTo("店铺水印")).isEqualTo(-1);
        Font named = WatermarkPainter.font("dejavu serif", Font.PLAIN, 20, "Shop");
        if (java.util.Arrays.asList(java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames()).contains("DejaVu Serif"))
            assertThat(named.getFamily()).isEqualTo("DejaVu Serif");
        // and a Chinese text watermark really inks the picture
        assertThat(ink(decode(render(WHITE_400x300, text("店铺水印", Gravity.CENTER, 100, 40)).bytes()))).isNotNull();
    }

    @Test
    void theTenantSettingLandsWhereItsFractionsSay() {
        // the seed setting's position: centre reference, -0.21,-0.13
        dev.picspace.domain.Watermark setting = dev.picspace.domain.Watermark.parse(
                "false|Shop|true|1|null|16|false|false|false|0,0,0|0|false|-0.21,-0.13|null|3");
        var ops = TenantWatermarks.fromTenantSetting(setting, null);
        for (int[] size : new int[][] {{400, 300}, {800, 600}}) {
            BufferedImage out = decode(render(png(Pictures.solid(size[0], size[1], WHITE)), ops.get(0)).bytes());
            Rectangle ink = ink(out);
            assertThat(ink.getCenterX()).as("x at %d", size[0]).isCloseTo(size[0] * (0.5 - 0.21), org.assertj.core.data.Offset.offset(4.0));
            assertThat(ink.getCenterY()).as("y at %d", size[0]).isCloseTo(size[1] * (0.5 - 0.13), org.assertj.core.data.Offset.offset(6.0));
        }
        // bottom right reference: fractions in from the corner, whatever their sign
        var corner = TenantWatermarks.fromTenantSetting(dev.picspace.domain.Watermark.parse(
                "false|Shop|true|1|null|16|false|false|false|0,0,0|0|false|-0.1,0.05|null|2"), null);
        Rectangle ink = ink(decode(render(WHITE_400x300, corner.get(0)).bytes()));
        assertThat(ink.x + ink.width).isBetween(400 - 40 - 3, 400 - 40 + 1);
        assertThat(ink.y + ink.height).isBetween(300 - 15 - 6, 300 - 15 + 1);
    }

    @Test
    void anImageMarkComesOnlyFromTheTenantsBlobs() {
        assertThatThrownBy(() -> render(WHITE_400x300, Map.of(), image("gone", Gravity.SE, 100, 0)))
                .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> render(WHITE_400x300, image("any", Gravity.SE, 100, 0)))
                .isInstanceOf(InvalidArgumentException.class);
        // a hostile watermark picture is held to the same limits as a source
        byte[] flood = dev.picspace.imaging.render.Hostile.pngHeader(50_000, 50_000);
        assertThatThrownBy(() -> render(WHITE_400x300, Map.of("flood", flood), image("flood", Gravity.SE, 100, 0)))
                .isInstanceOf(ImageLimitExceededException.class);
    }
}
