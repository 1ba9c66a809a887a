package dev.picspace.imaging.render;

import dev.picspace.domain.ImageOperation;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws OSS watermarks: a text, a picture of the tenant's own, or both side by side (picture first),
 * placed by gravity and margins, or tiled over the whole picture ({@code fill}).
 *
 * <p>A mark is never larger than the picture it is drawn on: a text whose size (px) would not fit
 * is drawn smaller, a watermark picture is scaled down to fit. So the mark layer is bounded by the
 * picture, which the output limits bound already.
 *
 * <p>Fonts: the font named in the operation when this machine has it (case-insensitive family
 * name), else the first of a fallback list that can draw every character of the text: OSS's
 * default wqy-zenhei and the usual Chinese font names map to the CJK fonts (WenQuanYi, Noto CJK,
 * Droid Sans Fallback), Latin text prefers DejaVu Sans, and Java's logical SansSerif is the last
 * resort. Bold and italic use the family's faces or Java's synthetic ones.
 */
final class WatermarkPainter {
    private WatermarkPainter() {}

    /** OSS's default text size, px. */
    static final int DEFAULT_SIZE = 40;
    /** The closest that tiled marks are repeated, px. */
    static final int MIN_TILE_STEP = 16;

    private static final List<String> CJK = List.of("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
            "Source Han Sans SC", "Droid Sans Fallback");
    private static final List<String> DEFAULTS = List.of("WenQuanYi Zen Hei", "DejaVu Sans", "Noto Sans CJK SC",
            "Droid Sans Fallback");
    /** Names OSS accepts (type_ before base64) and Taobao users type, that mean "a Chinese font". */
    private static final List<String> CJK_ALIASES = List.of("wqy-zenhei", "wqy-microhei", "fangzhengshusong",
            "fangzhengkaiti", "fangzhengheiti", "fangzhengfangsong", "droidsansfallback", "宋体", "黑体", "楷体",
            "仿宋", "微软雅黑", "simsun", "simhei", "kaiti", "fangsong", "microsoft yahei");

    /** Installed font families by lower-case name; read once (the list does not change while running). */
    private static final class Installed {
        static final Map<String, String> FAMILIES;
        static {
            Map<String, String> m = new HashMap<>();
            for (String f : GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames(Locale.ROOT))
                m.put(f.toLowerCase(Locale.ROOT), f);
            FAMILIES = Map.copyOf(m);
        }
    }

    /**
     * Draws {@code w} on a copy of {@code image}. {@code picture} is the decoded watermark picture
     * (already scaled for this picture by the caller, see {@link #pictureBox}), or null.
     */
    static BufferedImage apply(BufferedImage image, ImageOperation.Watermark w, BufferedImage picture) {
        int width = image.getWidth(), height = image.getHeight();
        BufferedImage mark = layer(w, picture, width, height);
        BufferedImage out = Pixels.copy(image);
        if (mark == null) return out;
        int mw = mark.getWidth(), mh = mark.getHeight();
        int x = position(Geometry.column(w.gravity()), w.x(), 0, w.relative(), width, mw);
        int y = position(Geometry.row(w.gravity()), w.y(), w.voffset(), w.relative(), height, mh);
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, w.opacity() / 100f));
            if (!w.fill()) {
                g.drawImage(mark, x, y, null);
            } else {
                // tiles on a grid through the placed mark, half a mark apart across and one mark
                // down; at least MIN_TILE_STEP apart, so a 1 px mark cannot mean millions of draws
                int stepX = Math.max(MIN_TILE_STEP, mw + mw / 2), stepY = Math.max(MIN_TILE_STEP, 2 * mh);
                int startX = Math.floorMod(x, stepX) - stepX, startY = Math.floorMod(y, stepY) - stepY;
                for (int ty = startY; ty < height; ty += stepY)
                    for (int tx = startX; tx < width; tx += stepX) g.drawImage(mark, tx, ty, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The box a watermark picture is scaled to fit for a {@code width×height} picture: {@code P}
     * percent of each side, or the whole picture when P is 0 (natural size, only ever shrunk).
     */
    static Geometry.Size pictureBox(ImageOperation.Watermark w, int width, int height) {
        if (w.imagePercent() > 0)
            return new Geometry.Size(Math.max(1, width * w.imagePercent() / 100), Math.max(1, height * w.imagePercent() / 100));
        return new Geometry.Size(width, height);
    }

    /** Scales a decoded watermark picture to fit {@code box} (P > 0 may enlarge; P = 0 only shrinks). */
    static BufferedImage fitPicture(BufferedImage picture, Geometry.Size box, boolean mayEnlarge) {
        double scale = Math.min((double) box.width() / picture.getWidth(), (double) box.height() / picture.getHeight());
        if (scale >= 1 && !mayEnlarge) return Pixels.toWorking(picture, true);
        int tw = Math.max(1, (int) Math.round(picture.getWidth() * scale));
        int th = Math.max(1, (int) Math.round(picture.getHeight() * scale));
        return Pixels.scale(Pixels.toWorking(picture, true), tw, th);
    }

    /**
     * One axis of the mark's position. Pixels (OSS): the margin from the near edge, centred on the
     * middle column, and {@code voffset} up from the middle row (positive is up). Relative: the
     * signed per-mille of the side. Always clamped so that the mark stays on the picture.
     */
    static int position(int band, int margin, int voffset, boolean relative, int side, int mark) {
        int offset = relative ? (int) Math.round(margin / 1000.0 * side) : margin;
        long p = switch (band) {
            case 0 -> offset;
            case 1 -> (side - mark) / 2 + (relative ? offset : -voffset);
            default -> (long) side - mark - offset;
        };
        return (int) Math.max(0, Math.min(Math.max(0, side - mark), p));
    }

    /** The mark as one ARGB layer that fits the picture, or null when there is nothing to draw. */
    private static BufferedImage layer(ImageOperation.Watermark w, BufferedImage picture, int width, int height) {
        BufferedImage text = w.text() == null || w.text().isEmpty() ? null : text(w, width, height);
        BufferedImage pic = picture == null ? null : Pixels.toWorking(picture, true);
        BufferedImage mark;
        if (text != null && pic != null) {
            int mw = pic.getWidth() + text.getWidth(), mh = Math.max(pic.getHeight(), text.getHeight());
            mark = new BufferedImage(mw, mh, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = mark.createGraphics();
            try {
                g.drawImage(pic, 0, (mh - pic.getHeight()) / 2, null);
                g.drawImage(text, pic.getWidth(), (mh - text.getHeight()) / 2, null);
            } finally {
                g.dispose();
            }
        } else {
            mark = text != null ? text : pic;
        }
        if (mark == null) return null;
        if (mark.getWidth() > width || mark.getHeight() > height) {
            double s = Math.min((double) width / mark.getWidth(), (double) height / mark.getHeight());
            mark = Pixels.scale(mark, Math.max(1, (int) (mark.getWidth() * s)), Math.max(1, (int) (mark.getHeight() * s)));
        }
        return mark;
    }

    private static BufferedImage text(ImageOperation.Watermark w, int width, int height) {
        String text = w.text().replaceAll("\\p{Cntrl}", " ");
        int size = w.fontSize() == 0 ? DEFAULT_SIZE : w.fontSize();
        TextLayer layer = new TextLayer(w, text, size);
        if (layer.width > width || layer.height > height) {
            // Measured before anything is allocated (64 characters at 1000 px would be a 180 MB
            // layer), and laid out again smaller rather than scaled, so small text stays crisp.
            double s = Math.min((double) width / layer.width, (double) height / layer.height);
            layer = new TextLayer(w, text, Math.max(1, (int) Math.floor(size * s)));
        }
        BufferedImage image = layer.draw();
        if (w.rotate() % 360 != 0) {
            int d = w.rotate();
            image = Pixels.rotate(image, d, Geometry.rotate(d, new Geometry.Size(image.getWidth(), image.getHeight())));
        }
        return image;
    }

    /** A laid-out line of watermark text: measured on construction, drawn on demand. */
    private static final class TextLayer {
        final ImageOperation.Watermark w;
        final TextLayout layout;
        final Rectangle2D box;
        final int shadow, width, height;

        TextLayer(ImageOperation.Watermark w, String text, int size) {
            this.w = w;
            int style = (w.bold() ? Font.BOLD : 0) | (w.italic() ? Font.ITALIC : 0);
            Font font = font(w.font(), style, size, text);
            if (w.underline()) font = font.deriveFont(Map.of(TextAttribute.UNDERLINE, TextAttribute.UNDERLINE_ON));
            layout = new TextLayout(text, font, new FontRenderContext(null, true, true));
            shadow = w.shadow() > 0 ? Math.max(1, Math.round(size / 20f)) : 0;
            box = new Rectangle2D.Double(0, -layout.getAscent(), layout.getAdvance(), layout.getAscent() + layout.getDescent());
            // italic overhang and the underline can fall outside the advance box
            Rectangle2D.union(box, layout.getBounds(), box);
            width = Math.max(1, (int) Math.ceil(box.getWidth()) + shadow + 2);
            height = Math.max(1, (int) Math.ceil(box.getHeight()) + shadow + 2);
        }

        BufferedImage draw() {
            BufferedImage layer = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = layer.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
                float ox = (float) (1 - box.getX()), oy = (float) (1 - box.getY());
                if (shadow > 0) {
                    g.setColor(new Color(0, 0, 0, Math.round(w.shadow() * 2.55f)));
                    layout.draw(g, ox + shadow, oy + shadow);
                }
                g.setColor(new Color(w.color()));
                layout.draw(g, ox, oy);
            } finally {
                g.dispose();
            }
            return layer;
        }
    }

    /** The font to draw {@code text} with (see the class comment for the choice). */
    static Font font(String requested, int style, int size, String text) {
        List<String> candidates = new ArrayList<>();
        if (requested != null && !requested.isBlank()) {
            String installed = Installed.FAMILIES.get(requested.strip().toLowerCase(Locale.ROOT));
            if (installed != null) candidates.add(installed);
            if (CJK_ALIASES.contains(requested.strip().toLowerCase(Locale.ROOT))) candidates.addAll(CJK);
        }
        candidates.addAll(DEFAULTS);
        for (String family : candidates) {
            if (!Installed.FAMILIES.containsKey(family.toLowerCase(Locale.ROOT))) continue;
            Font f = new Font(family, style, size);
            if (f.canDisplayUpTo(text) == -1) return f;
        }
        return new Font(Font.SANS_SERIF, style, size);
    }
}
