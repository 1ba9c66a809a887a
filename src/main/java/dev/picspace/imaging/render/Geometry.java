package dev.picspace.imaging.render;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.ImageEngine.OutputLimits;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Gravity;
import dev.picspace.domain.ImageOperation.Resize;

/**
 * The sizes a chain produces, computed from the header's dimensions alone so that a request for a
 * too-large output is refused before a single pixel is decoded or allocated.
 */
final class Geometry {
    private Geometry() {}

    record Size(int width, int height) {
        long pixels() { return (long) width * height; }
        Size transposed() { return new Size(height, width); }
        @Override public String toString() { return width + "x" + height; }
    }

    /**
     * How a resize maps its input onto its output. {@code region} is the part of the input that is
     * used, in fractions of the input (so it still holds when the input was decoded at a reduced
     * resolution); it is scaled to {@code content} and drawn at {@code offsetX, offsetY} on a
     * {@code canvas} (larger than content only for pad). {@code identity} means nothing changes.
     */
    record ResizePlan(double regionX, double regionY, double regionW, double regionH,
                      Size content, Size canvas, int offsetX, int offsetY, boolean identity) {
        /** The content's scale against the full input, per axis (what a reduced decode may give away). */
        double scaleX(Size in) { return content.width() / (in.width() * regionW); }
        double scaleY(Size in) { return content.height() / (in.height() * regionH); }
    }

    /** Where a crop starts and how large it is, in the input's pixels. */
    record CropPlan(int x, int y, int width, int height) {}

    static ResizePlan resize(Resize r, Size in, boolean mayUpscale) {
        int w = in.width(), h = in.height();
        ResizePlan same = new ResizePlan(0, 0, 1, 1, in, in, 0, 0, true);
        if (r.percent() > 0) {
            if (r.percent() > 100 && !mayUpscale) return same;
            Size out = new Size(atLeastOne(w * (r.percent() / 100.0)), atLeastOne(h * (r.percent() / 100.0)));
            return new ResizePlan(0, 0, 1, 1, out, out, 0, 0, out.equals(in));
        }
        int boxW = r.width(), boxH = r.height();
        if (boxW == 0 && boxH == 0) {
            // OSS: l and s count only when neither w nor h is given. The long side is the picture's
            // longer one; with both, the long side gets l and the short side s, then the mode applies.
            boolean landscape = w >= h;
            if (r.longSide() > 0) { if (landscape) boxW = r.longSide(); else boxH = r.longSide(); }
            if (r.shortSide() > 0) { if (landscape) boxH = r.shortSide(); else boxW = r.shortSide(); }
        }
        if (boxW == 0 || boxH == 0) {
            // One side given: proportional whatever the mode (there is no box to fill, pad or force).
            double scale = boxW > 0 ? (double) boxW / w : (double) boxH / h;
            if (scale > 1 && !mayUpscale) return same;
            Size out = boxW > 0 ? new Size(boxW, atLeastOne(h * scale)) : new Size(atLeastOne(w * scale), boxH);
            return new ResizePlan(0, 0, 1, 1, out, out, 0, 0, out.equals(in));
        }
        double sx = (double) boxW / w, sy = (double) boxH / h;
        switch (r.mode()) {
            case LFIT, PAD -> {
                double scale = Math.min(sx, sy);
                if (scale > 1 && !mayUpscale) return same;
                Size content = new Size(atLeastOne(w * scale), atLeastOne(h * scale));
                if (r.mode() == ImageOperation.ResizeMode.LFIT)
                    return new ResizePlan(0, 0, 1, 1, content, content, 0, 0, content.equals(in));
                // pad: the fitted picture centred on the box, the rest in the pad colour
                content = new Size(Math.min(content.width(), boxW), Math.min(content.height(), boxH));
                Size canvas = new Size(boxW, boxH);
                return new ResizePlan(0, 0, 1, 1, content, canvas, (boxW - content.width()) / 2,
                        (boxH - content.height()) / 2, canvas.equals(in) && content.equals(in));
            }
            case MFIT -> {
                double scale = Math.max(sx, sy);
                if (scale > 1 && !mayUpscale) return same;
                Size out = new Size(atLeastOne(w * scale), atLeastOne(h * scale));
                return new ResizePlan(0, 0, 1, 1, out, out, 0, 0, out.equals(in));
            }
            case FILL -> {
                // mfit, then a centred crop to the box: the same as cropping the input to the box's
                // aspect ratio first, which never materialises the larger mfit picture.
                double scale = Math.max(sx, sy);
                if (scale > 1 && !mayUpscale) return same;
                double regionW = Math.min(1.0, boxW / scale / w), regionH = Math.min(1.0, boxH / scale / h);
                Size out = new Size(boxW, boxH);
                return new ResizePlan((1 - regionW) / 2, (1 - regionH) / 2, regionW, regionH, out, out, 0, 0,
                        out.equals(in));
            }
            case FIXED -> {
                if ((boxW > w || boxH > h) && !mayUpscale) return same;
                Size out = new Size(boxW, boxH);
                return new ResizePlan(0, 0, 1, 1, out, out, 0, 0, out.equals(in));
            }
            default -> throw new AssertionError(r.mode());
        }
    }

    /**
     * OSS crop: the gravity gives the start corner of a {@code w×h} rectangle (centred on the middle
     * row and column for the middle gravities), x and y move it right and down, and what passes
     * the edge is cut off. A start outside the picture is the caller's error, as in OSS.
     */
    static CropPlan crop(ImageOperation.Crop c, Size in) {
        int w = in.width(), h = in.height();
        int cw = c.width() == 0 ? w : Math.min(c.width(), w);
        int ch = c.height() == 0 ? h : Math.min(c.height(), h);
        int ox = switch (column(c.gravity())) { case 0 -> 0; case 1 -> w / 2 - cw / 2; default -> w - cw; };
        int oy = switch (row(c.gravity())) { case 0 -> 0; case 1 -> h / 2 - ch / 2; default -> h - ch; };
        long x = (long) ox + c.x(), y = (long) oy + c.y();
        if (x >= w || y >= h)
            throw new InvalidArgumentException("crop", "the crop starts at " + x + "," + y
                    + ", outside the " + in + " picture");
        return new CropPlan((int) x, (int) y, (int) Math.min(cw, w - x), (int) Math.min(ch, h - y));
    }

    /** The canvas a clockwise rotation needs: the bounding box of the turned picture. */
    static Size rotate(int degrees, Size in) {
        int d = Math.floorMod(degrees, 360);
        if (d == 0) return in;
        if (d == 90 || d == 270) return in.transposed();
        if (d == 180) return in;
        double a = Math.toRadians(d), cos = Math.abs(Math.cos(a)), sin = Math.abs(Math.sin(a));
        // the small epsilon keeps float noise (e.g. 100.00000000001) from adding a column
        int w = (int) Math.ceil(in.width() * cos + in.height() * sin - 1e-6);
        int h = (int) Math.ceil(in.width() * sin + in.height() * cos - 1e-6);
        return new Size(Math.max(1, w), Math.max(1, h));
    }

    /**
     * The stored pixels that show as crop {@code c} once EXIF orientation 1..8 is applied to a
     * picture stored as {@code stored}: the crop, turned back.
     */
    static java.awt.Rectangle storedRegion(CropPlan c, int orientation, Size stored) {
        java.awt.geom.AffineTransform toShown = Pixels.orientation(orientation, stored.width(), stored.height());
        java.awt.Rectangle shown = new java.awt.Rectangle(c.x(), c.y(), c.width(), c.height());
        if (toShown == null) return shown;
        try {
            // axis-aligned turns and flips by whole pixels: the bounds are exact integers
            return toShown.createInverse().createTransformedShape(shown).getBounds();
        } catch (java.awt.geom.NoninvertibleTransformException e) {
            throw new AssertionError(e);
        }
    }

    /** 0, 1, 2 for the left, middle and right column of the nine gravities. */
    static int column(Gravity g) {
        return switch (g) { case NW, WEST, SW -> 0; case NORTH, CENTER, SOUTH -> 1; case NE, EAST, SE -> 2; };
    }

    /** 0, 1, 2 for the top, middle and bottom row. */
    static int row(Gravity g) {
        return switch (g) { case NW, NORTH, NE -> 0; case WEST, CENTER, EAST -> 1; case SW, SOUTH, SE -> 2; };
    }

    /** Refuses a size the output limits do not allow (called for every intermediate, before allocating it). */
    static Size checkOutput(Size s, OutputLimits limits, String what) {
        if (s.width() > limits.maxSide() || s.height() > limits.maxSide())
            throw new ImageLimitExceededException(what + " would be " + s + ", the limit is "
                    + limits.maxSide() + " pixels a side");
        if (s.pixels() > limits.maxPixels())
            throw new ImageLimitExceededException(what + " would have " + s.pixels() + " pixels, the limit is "
                    + limits.maxPixels());
        return s;
    }

    /**
     * The largest reduced-resolution factor k for a resize that still decodes at least twice the
     * target size on both axes: decoding keeps one pixel in k (point sampling), and the filtered
     * downscale after it needs at least two source pixels per output pixel not to alias. 1 when
     * the resize does not shrink to half or less.
     */
    static int subsampling(ResizePlan p, Size in) {
        if (p.identity()) return 1;
        return subsampling(Math.max(p.scaleX(in), p.scaleY(in)));
    }

    /** The same for one scale factor (output / input). */
    static int subsampling(double scale) {
        if (!(scale > 0) || scale >= 0.5) return 1;
        // the epsilon keeps 1 / (2 * 0.05) = 9.999999 from giving 9
        return Math.max(1, (int) Math.floor(1 / (2 * scale) + 1e-9));
    }

    /** OSS rounds proportional sizes to the nearest pixel; nothing is ever smaller than one. */
    private static int atLeastOne(double v) {
        long r = Math.round(v);
        if (r > Integer.MAX_VALUE) return Integer.MAX_VALUE;
        return (int) Math.max(1, r);
    }
}
