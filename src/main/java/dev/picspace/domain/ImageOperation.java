package dev.picspace.domain;

import java.util.List;
import java.util.Optional;

/**
 * One step of an on-the-fly image transform, in domain terms. Both URL conventions are parsed into
 * lists of these: Taobao's size suffixes ({@code …jpg_310x310q90.jpg_.webp}) and Alibaba OSS's
 * {@code ?x-oss-process=image/resize,w_100/format,webp}. A list is applied left to right.
 *
 * <p>Every record is a normalised value (defaults filled in, equal operations are equal objects),
 * so {@link #cacheKey(List)} of two requests that mean the same thing is the same string: it names
 * the cached derivative together with the source's content hash.
 */
public sealed interface ImageOperation {

    /** A canonical, stable text for this operation (part of derivative cache keys: never change it). */
    String canonical();

    /** The cache key part for a whole chain. */
    static String cacheKey(List<ImageOperation> ops) {
        StringBuilder b = new StringBuilder();
        for (ImageOperation op : ops) {
            if (b.length() > 0) b.append('/');
            b.append(op.canonical());
        }
        return b.toString();
    }

    /** Where something is anchored: OSS's nine gravities. */
    enum Gravity { NW, NORTH, NE, WEST, CENTER, EAST, SW, SOUTH, SE }

    /** OSS resize modes: lfit (fit inside, default), mfit (cover), fill (cover then centre-crop), pad (fit then pad), fixed (stretch). */
    enum ResizeMode { LFIT, MFIT, FILL, PAD, FIXED }

    /**
     * Resize. Any of width/height/longSide/shortSide may be absent (0); {@code percent} 0 means not
     * by percentage. {@code upscale} false (OSS limit_1, the default) never enlarges.
     * {@code padColor} is 0xRRGGBB for {@link ResizeMode#PAD}.
     */
    record Resize(ResizeMode mode, int width, int height, int longSide, int shortSide, int percent,
                  boolean upscale, int padColor) implements ImageOperation {
        public String canonical() {
            return "resize,m_" + mode.name().toLowerCase() + ",w_" + width + ",h_" + height + ",l_" + longSide
                    + ",s_" + shortSide + ",p_" + percent + ",limit_" + (upscale ? 0 : 1)
                    + (mode == ResizeMode.PAD ? ",color_" + String.format("%06X", padColor) : "");
        }
    }

    /** Crop a {@code width}×{@code height} rectangle (0 = to the edge) offset by x,y from the gravity corner. */
    record Crop(int x, int y, int width, int height, Gravity gravity) implements ImageOperation {
        public String canonical() { return "crop,x_" + x + ",y_" + y + ",w_" + width + ",h_" + height + ",g_" + gravity.name().toLowerCase(); }
    }

    /** Clockwise rotation in degrees, 0..360. */
    record Rotate(int degrees) implements ImageOperation {
        public String canonical() { return "rotate," + degrees; }
    }

    /** Apply (or ignore) the EXIF orientation. */
    record AutoOrient(boolean apply) implements ImageOperation {
        public String canonical() { return "auto-orient," + (apply ? 1 : 0); }
    }

    /** Output quality 1..100: {@code absolute} (OSS Q_) or relative to the source's (q_, Taobao's _Q90/q90). */
    record Quality(int value, boolean absolute) implements ImageOperation {
        public String canonical() { return "quality," + (absolute ? "Q_" : "q_") + value; }
    }

    /** Output format. */
    record Format(ImageFormat format) implements ImageOperation {
        public String canonical() { return "format," + format.extension(); }
    }

    /** Progressive (interlaced) output where the format has it. */
    record Interlace(boolean on) implements ImageOperation {
        public String canonical() { return "interlace," + (on ? 1 : 0); }
    }

    /**
     * A watermark: text, an image from the tenant's own space (by picture, never a URL), or both.
     * {@code opacity} 0..100; margins x,y in px from the gravity corner; {@code voffset} shifts
     * vertically for the middle row. Text: UTF-8 text, font family name (null = default), size px,
     * colour 0xRRGGBB, bold/italic/underline, shadow 0..100 (0 = none), rotation degrees, tiled fill.
     * Image: the watermark picture's blob key and a scale percent of the source (0 = natural size).
     *
     * <p>{@code relative} (not an OSS parameter; Taobao's {@code water_mark} positions are fractions
     * of the picture) makes x and y signed per-mille of the rendered picture's width and height
     * instead of pixels, so one tenant setting lands in the same place on a 90×90 thumbnail and on
     * an 800-wide picture: NW puts the mark's top-left corner at (x‰·W, y‰·H), SE its bottom-right
     * corner at x‰, y‰ in from the bottom right, CENTER its centre at (W/2 + x‰·W, H/2 + y‰·H);
     * {@code voffset} is unused then. The 17-argument constructor (OSS) leaves it false.
     */
    record Watermark(int opacity, Gravity gravity, int x, int y, int voffset,
                     String text, String font, int fontSize, int color, boolean bold, boolean italic,
                     boolean underline, int shadow, int rotate, boolean fill,
                     String imageBlobKey, int imagePercent, boolean relative) implements ImageOperation {
        /** An OSS watermark: x, y, voffset in pixels. */
        public Watermark(int opacity, Gravity gravity, int x, int y, int voffset,
                         String text, String font, int fontSize, int color, boolean bold, boolean italic,
                         boolean underline, int shadow, int rotate, boolean fill,
                         String imageBlobKey, int imagePercent) {
            this(opacity, gravity, x, y, voffset, text, font, fontSize, color, bold, italic, underline, shadow,
                    rotate, fill, imageBlobKey, imagePercent, false);
        }
        public Optional<String> textOpt() { return Optional.ofNullable(text); }
        public Optional<String> imageOpt() { return Optional.ofNullable(imageBlobKey); }
        public String canonical() {
            return "watermark,t_" + opacity + ",g_" + gravity.name().toLowerCase() + ",x_" + x + ",y_" + y + ",voffset_" + voffset
                    + (text == null ? "" : ",text_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + ",type_" + (font == null ? "" : font) + ",size_" + fontSize + ",color_" + String.format("%06X", color)
                        + ",b_" + (bold ? 1 : 0) + ",i_" + (italic ? 1 : 0) + ",u_" + (underline ? 1 : 0)
                        + ",shadow_" + shadow + ",rotate_" + rotate + ",fill_" + (fill ? 1 : 0))
                    + (imageBlobKey == null ? "" : ",image_" + imageBlobKey + ",P_" + imagePercent)
                    // appended only when set, so every OSS watermark keeps the key it always had
                    + (relative ? ",rel_1" : "");
        }
    }

    /** Answer a JSON description (width, height, format, size, EXIF) instead of an image. Must be last. */
    record Info() implements ImageOperation {
        public String canonical() { return "info"; }
    }
}
