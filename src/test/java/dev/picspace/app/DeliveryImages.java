package dev.picspace.app;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Pictures whose regions have known colours, and checks of colours at points, for delivery tests. */
final class DeliveryImages {
    private DeliveryImages() {}

    static final int RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF, YELLOW = 0xFFFF00, MAGENTA = 0xFF00FF;

    /** Top left red, top right green, bottom left blue, bottom right yellow. */
    static byte[] quadrants(int w, int h, String format) { return quadrants(w, h, format, 0); }

    /** The same, with a 2×2 mark of a colour made from {@code seed} in the middle of the top edge: other bytes, same regions. */
    static byte[] quadrants(int w, int h, String format, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(RED)); g.fillRect(0, 0, w / 2, h / 2);
        g.setColor(new Color(GREEN)); g.fillRect(w / 2, 0, w - w / 2, h / 2);
        g.setColor(new Color(BLUE)); g.fillRect(0, h / 2, w / 2, h - h / 2);
        g.setColor(new Color(YELLOW)); g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
        if (seed != 0) {
            g.setColor(new Color(seed * 2654435761L > 0 ? (int) (seed * 2654435761L) & 0xffffff : seed & 0xffffff));
            g.fillRect(w / 2 - 1, 0, 2, 2);
        }
        g.dispose();
        return write(img, format);
    }

    static byte[] solid(int w, int h, int rgb, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return write(img, format);
    }

    static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no writer for " + format);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes an answer (JPEG, PNG, GIF, BMP; WebP through webp-imageio on the test class path). */
    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(img).as("the answer decodes as an image").isNotNull();
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pixel at x,y is within {@code tolerance} of {@code rgb} in every channel (lossy formats blur edges). */
    static void assertColour(BufferedImage img, int x, int y, int rgb, int tolerance) {
        int p = img.getRGB(x, y);
        int[] got = {(p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff};
        int[] want = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        for (int c = 0; c < 3; c++)
            assertThat(Math.abs(got[c] - want[c])).as("pixel %d,%d is %06X, expected about %06X", x, y, p & 0xffffff, rgb)
                    .isLessThanOrEqualTo(tolerance);
    }

    static void assertColour(BufferedImage img, int x, int y, int rgb) { assertColour(img, x, y, rgb, 60); }

    /** Whether any pixel of the rectangle is within {@code tolerance} of {@code rgb}. */
    static boolean anyPixel(BufferedImage img, int x0, int y0, int x1, int y1, int rgb, int tolerance) {
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= tolerance
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= tolerance
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= tolerance) return true;
            }
        return false;
    }
}
