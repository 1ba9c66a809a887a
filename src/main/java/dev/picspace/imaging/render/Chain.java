package dev.picspace.imaging.render;

import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked operation list split into what touches pixels (in order) and the output settings, where
 * the last of each kind wins. Every range is checked here, before any byte is decoded, so a bad
 * request costs nothing; the ranges are OSS's where OSS has one.
 */
final class Chain {
    /** More than this many steps is not a transform anyone needs, and each step may allocate a picture. */
    static final int MAX_STEPS = 24;
    /** OSS allows up to three watermarks on one picture; each may decode a picture of its own. */
    static final int MAX_WATERMARKS = 3;
    /** OSS: a text watermark is at most 64 characters. */
    static final int MAX_TEXT = 64;

    final List<ImageOperation> pixelSteps;
    /** OSS auto-orients by default; {@code auto-orient,0} anywhere in the chain turns it off. */
    final boolean autoOrient;
    final ImageFormat format;
    final ImageOperation.Quality quality;
    final boolean interlace;
    final boolean info;

    private Chain(List<ImageOperation> pixelSteps, boolean autoOrient, ImageFormat format,
                  ImageOperation.Quality quality, boolean interlace, boolean info) {
        this.pixelSteps = List.copyOf(pixelSteps);
        this.autoOrient = autoOrient;
        this.format = format;
        this.quality = quality;
        this.interlace = interlace;
        this.info = info;
    }

    static Chain of(List<ImageOperation> ops) {
        if (ops == null) throw new InvalidArgumentException("x-oss-process", "no operation list");
        if (ops.size() > MAX_STEPS)
            throw new InvalidArgumentException("x-oss-process", "at most " + MAX_STEPS + " operations, got " + ops.size());
        List<ImageOperation> steps = new ArrayList<>();
        boolean orient = true, interlace = false, info = false;
        ImageFormat format = null;
        ImageOperation.Quality quality = null;
        int watermarks = 0;
        for (int i = 0; i < ops.size(); i++) {
            ImageOperation op = ops.get(i);
            if (op == null) throw new InvalidArgumentException("x-oss-process", "operation " + (i + 1) + " is missing");
            if (info) throw new InvalidArgumentException("info", "info must be the last operation");
            // Java 17 has no pattern switch; the final else keeps a new operation kind from passing unseen.
            if (op instanceof ImageOperation.Resize r) {
                check(r);
                steps.add(r);
            } else if (op instanceof ImageOperation.Crop c) {
                check(c);
                steps.add(c);
            } else if (op instanceof ImageOperation.Rotate r) {
                range("rotate", "the angle", r.degrees(), 0, 360);
                if (r.degrees() % 360 != 0) steps.add(r);
            } else if (op instanceof ImageOperation.Watermark w) {
                check(w);
                if (++watermarks > MAX_WATERMARKS)
                    throw new InvalidArgumentException("watermark", "at most " + MAX_WATERMARKS + " watermarks");
                steps.add(w);
            } else if (op instanceof ImageOperation.AutoOrient a) {
                orient = a.apply();
            } else if (op instanceof ImageOperation.Quality q) {
                range("quality", "the quality", q.value(), 1, 100);
                quality = q;
            } else if (op instanceof ImageOperation.Format f) {
                if (f.format() == null) throw new InvalidArgumentException("format", "no output format");
                format = f.format();
            } else if (op instanceof ImageOperation.Interlace n) {
                interlace = n.on();
            } else if (op instanceof ImageOperation.Info) {
                info = true;
            } else {
                throw new InvalidArgumentException("x-oss-process", "unsupported operation " + op.canonical());
            }
        }
        return new Chain(steps, orient, format, quality, interlace, info);
    }

    /** Only an info request that changes nothing: answered from the headers, nothing decoded. */
    boolean infoOfSource() {
        return info && pixelSteps.isEmpty() && format == null && quality == null && !interlace;
    }

    private static void check(ImageOperation.Resize r) {
        if (r.mode() == null) throw new InvalidArgumentException("resize", "no resize mode");
        range("resize", "w", r.width(), 0, 16_384);
        range("resize", "h", r.height(), 0, 16_384);
        range("resize", "l", r.longSide(), 0, 16_384);
        range("resize", "s", r.shortSide(), 0, 16_384);
        range("resize", "p", r.percent(), 0, 1000);
        range("resize", "color", r.padColor(), 0, 0xFFFFFF);
        if (r.width() == 0 && r.height() == 0 && r.longSide() == 0 && r.shortSide() == 0 && r.percent() == 0)
            throw new InvalidArgumentException("resize", "resize needs w, h, l, s or p");
    }

    private static void check(ImageOperation.Crop c) {
        if (c.gravity() == null) throw new InvalidArgumentException("crop", "no crop gravity");
        range("crop", "x", c.x(), 0, Integer.MAX_VALUE);
        range("crop", "y", c.y(), 0, Integer.MAX_VALUE);
        range("crop", "w", c.width(), 0, Integer.MAX_VALUE);
        range("crop", "h", c.height(), 0, Integer.MAX_VALUE);
    }

    private static void check(ImageOperation.Watermark w) {
        if (w.gravity() == null) throw new InvalidArgumentException("watermark", "no watermark gravity");
        boolean hasText = w.text() != null && !w.text().isEmpty();
        if (!hasText && w.imageBlobKey() == null)
            throw new InvalidArgumentException("watermark", "a watermark needs a text or an image");
        range("watermark", "t", w.opacity(), 0, 100);
        if (w.relative()) {
            range("watermark", "x", w.x(), -1000, 1000);
            range("watermark", "y", w.y(), -1000, 1000);
        } else {
            range("watermark", "x", w.x(), 0, 4096);
            range("watermark", "y", w.y(), 0, 4096);
            range("watermark", "voffset", w.voffset(), -1000, 1000);
        }
        if (hasText) {
            if (w.text().codePointCount(0, w.text().length()) > MAX_TEXT)
                throw new InvalidArgumentException("watermark", "a watermark text is at most " + MAX_TEXT + " characters");
            range("watermark", "size", w.fontSize(), 0, 1000);
            range("watermark", "color", w.color(), 0, 0xFFFFFF);
            range("watermark", "shadow", w.shadow(), 0, 100);
            range("watermark", "rotate", w.rotate(), 0, 360);
        }
        if (w.imageBlobKey() != null) range("watermark", "P", w.imagePercent(), 0, 100);
    }

    private static void range(String op, String what, int v, int min, int max) {
        if (v < min || v > max)
            throw new InvalidArgumentException(op, op + ": " + what + " must be within " + min + ".." + max + ", not " + v);
    }
}
