package dev.picspace.imaging.render;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.TexturePaint;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * The pixel operations, on the two working types: {@code TYPE_INT_RGB} for opaque pictures and
 * {@code TYPE_INT_ARGB} where there is alpha (Java2D's fast loops cover both, and every writer
 * takes them). Each returns a new picture and leaves its input alone.
 */
final class Pixels {
    private Pixels() {}

    static boolean hasAlpha(BufferedImage image) {
        return image.getColorModel().hasAlpha();
    }

    /**
     * The picture as one of the working types, converted (to sRGB, 8 bits, packed) only when it is
     * not already one of the types Java2D and the writers handle directly.
     */
    static BufferedImage toWorking(BufferedImage image, boolean forceInt) {
        int type = image.getType();
        boolean srgb = image.getColorModel().getColorSpace().isCS_sRGB();
        if (srgb && (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)) return image;
        if (!forceInt && srgb && (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_4BYTE_ABGR))
            return image;
        BufferedImage out = blank(image.getWidth(), image.getHeight(), hasAlpha(image));
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static BufferedImage blank(int width, int height, boolean alpha) {
        return new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    /** A picture of its own (also of a sub-image, whose raster shares its parent's buffer). */
    static BufferedImage copy(BufferedImage image) {
        // copyData(null) on a sub-image returns a raster the size of the parent, offset: not usable
        WritableRaster raster = image.getColorModel().createCompatibleWritableRaster(image.getWidth(), image.getHeight());
        raster.setDataElements(0, 0, image.getRaster());
        return new BufferedImage(image.getColorModel(), raster, image.isAlphaPremultiplied(), null);
    }

    /** The picture on {@code background} (0xRRGGBB), without alpha: for JPEG and BMP output. */
    static BufferedImage flatten(BufferedImage image, int background) {
        if (!hasAlpha(image)) return image;
        BufferedImage out = blank(image.getWidth(), image.getHeight(), false);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(background));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Applies EXIF orientation 2..8 (1 returns the input): the transform that turns the stored
     * pixels into the picture the camera meant, exactly (pixels are moved, never resampled).
     */
    static BufferedImage orient(BufferedImage image, int orientation) {
        int w = image.getWidth(), h = image.getHeight();
        AffineTransform t = orientation(orientation, w, h);
        if (t == null) return image;
        boolean swap = orientation >= 5;
        BufferedImage out = blank(swap ? h : w, swap ? w : h, hasAlpha(image));
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The transform from stored to shown pixels for EXIF orientation 2..8 of a w×h picture (null for 1). */
    static AffineTransform orientation(int orientation, int w, int h) {
        // x' = m00·x + m01·y + m02, y' = m10·x + m11·y + m12, on the pixel grid's edges
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);      // mirrored
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);     // upside down
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);      // mirrored upside down
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);       // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);      // turned 90° clockwise to view
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);     // transversed
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);      // turned 90° anticlockwise to view
            default -> null;
        };
    }

    /**
     * Clockwise rotation. Right angles move pixels exactly; other angles turn the picture on a
     * canvas that holds all of it, transparent where the picture has alpha and white where it has
     * not (what OSS shows), with bilinear sampling and anti-aliased edges.
     */
    static BufferedImage rotate(BufferedImage image, int degrees, Geometry.Size canvas) {
        int d = Math.floorMod(degrees, 360);
        if (d == 0) return image;
        if (d == 90) return orient(image, 6);
        if (d == 180) return orient(image, 3);
        if (d == 270) return orient(image, 8);
        boolean alpha = hasAlpha(image);
        BufferedImage out = blank(canvas.width(), canvas.height(), alpha);
        Graphics2D g = out.createGraphics();
        try {
            if (!alpha) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, canvas.width(), canvas.height());
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.translate(canvas.width() / 2.0, canvas.height() / 2.0);
            g.rotate(Math.toRadians(d)); // positive is clockwise on a y-down raster
            g.translate(-image.getWidth() / 2.0, -image.getHeight() / 2.0);
            // Filling the picture's rectangle with the picture as paint gives anti-aliased edges,
            // which drawImage under a rotation does not.
            Rectangle bounds = new Rectangle(0, 0, image.getWidth(), image.getHeight());
            g.setPaint(new TexturePaint(image, bounds));
            g.fill(bounds);
        } finally {
            g.dispose();
        }
        return out;
    }

    static BufferedImage crop(BufferedImage image, Geometry.CropPlan c) {
        if (c.x() == 0 && c.y() == 0 && c.width() == image.getWidth() && c.height() == image.getHeight()) return image;
        // a copy, so the cropped-away pixels can be collected
        return copy(image.getSubimage(c.x(), c.y(), c.width(), c.height()));
    }

    /** Applies a resize plan to a picture that may have been decoded at a reduced resolution. */
    static BufferedImage resize(BufferedImage image, Geometry.ResizePlan plan, int padColor) {
        if (plan.identity()) return image;
        int iw = image.getWidth(), ih = image.getHeight();
        int rx = (int) Math.round(plan.regionX() * iw), ry = (int) Math.round(plan.regionY() * ih);
        int rw = Math.max(1, Math.min(iw - rx, (int) Math.round(plan.regionW() * iw)));
        int rh = Math.max(1, Math.min(ih - ry, (int) Math.round(plan.regionH() * ih)));
        BufferedImage region = rx == 0 && ry == 0 && rw == iw && rh == ih ? image : image.getSubimage(rx, ry, rw, rh);
        BufferedImage content = scale(region, plan.content().width(), plan.content().height());
        if (plan.canvas().equals(plan.content())) return content;
        // pad: the picture centred on an opaque box in the pad colour
        BufferedImage out = blank(plan.canvas().width(), plan.canvas().height(), false);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(padColor));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(content, plan.offsetX(), plan.offsetY(), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * A good-quality scale to exactly {@code tw×th}. Downscaling halves each axis with bilinear
     * sampling while it is still at least twice too large (at exactly one half, bilinear averages
     * each 2×2 block, so no source pixel is skipped), then finishes with one bicubic step; a single
     * bilinear or bicubic step over a large ratio would skip most pixels and alias. Upscaling is
     * one bicubic step.
     */
    static BufferedImage scale(BufferedImage image, int tw, int th) {
        BufferedImage current = image;
        boolean alpha = hasAlpha(image);
        int w = image.getWidth(), h = image.getHeight();
        if (w == tw && h == th) return copy(image);
        while (w >= 2 * tw || h >= 2 * th) {
            int nw = w >= 2 * tw ? (w + 1) / 2 : w;
            int nh = h >= 2 * th ? (h + 1) / 2 : h;
            current = draw(current, nw, nh, alpha, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            w = nw;
            h = nh;
        }
        return draw(current, tw, th, alpha, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, boolean alpha, Object interpolation) {
        BufferedImage out = blank(w, h, alpha);
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
