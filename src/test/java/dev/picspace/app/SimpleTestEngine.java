package dev.picspace.app;

import dev.picspace.domain.Exceptions;
import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

/**
 * TEST ONLY: a deliberately plain ImageIO + Java2D {@link ImageEngine}, so that delivery (URLs,
 * cache, invalidation, pool, watermarks) can be tested before the real engine (branch {@code img})
 * is merged. It follows the OSS semantics the operations document, closely enough for the pixel
 * checks in the tests, which are written to hold for any engine that does (dimensions, format,
 * colours at points well inside regions). It does not read EXIF (auto-orient is a no-op), keeps
 * one frame, and is slow. {@link TestEngines} decides which engine the tests use.
 */
final class SimpleTestEngine implements ImageEngine {

    @Override
    public Rendition render(InputStream source, ImageInfo info, List<ImageOperation> ops, BlobSource blobs,
                            ImageLimits limits, OutputLimits output) {
        limits.check(info, 0);
        if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof ImageOperation.Info) return info(source, info);
        BufferedImage img = decode(source);
        ImageFormat format = info.format();
        int quality = 85;
        for (ImageOperation op : ops) {
            if (op instanceof ImageOperation.Resize r) img = resize(img, r, output);
            else if (op instanceof ImageOperation.Crop c) img = crop(img, c);
            else if (op instanceof ImageOperation.Rotate r) img = rotate(img, r.degrees());
            else if (op instanceof ImageOperation.Watermark w) img = watermark(img, w, blobs);
            else if (op instanceof ImageOperation.Format f) format = f.format();
            else if (op instanceof ImageOperation.Quality q) quality = q.absolute() ? q.value() : Math.max(1, q.value() * 9 / 10);
            // AutoOrient: no EXIF here; Interlace: ignored by this engine
        }
        if (img.getWidth() > output.maxSide() || img.getHeight() > output.maxSide()
                || (long) img.getWidth() * img.getHeight() > output.maxPixels())
            throw new Exceptions.ImageLimitExceededException("the result would be " + img.getWidth() + "x" + img.getHeight());
        byte[] bytes = encode(img, format, quality);
        return new Rendition(bytes, format, format.mediaType(), img.getWidth(), img.getHeight());
    }

    private static Rendition info(InputStream source, ImageInfo info) {
        long size;
        try {
            size = source.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json = "{\"FileSize\":{\"value\":\"" + size + "\"},\"Format\":{\"value\":\"" + info.format().extension()
                + "\"},\"ImageHeight\":{\"value\":\"" + info.height() + "\"},\"ImageWidth\":{\"value\":\"" + info.width() + "\"}}";
        return new Rendition(json.getBytes(StandardCharsets.UTF_8), null, "application/json", 0, 0);
    }

    private static BufferedImage decode(InputStream in) {
        try {
            BufferedImage read = ImageIO.read(in);
            if (read == null) throw new Exceptions.InvalidImageException("no reader for this image");
            BufferedImage argb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = argb.createGraphics();
            g.drawImage(read, 0, 0, null);
            g.dispose();
            return argb;
        } catch (IOException e) {
            throw new Exceptions.InvalidImageException("cannot decode: " + e.getMessage());
        }
    }

    private static BufferedImage resize(BufferedImage img, ImageOperation.Resize r, OutputLimits output) {
        int w0 = img.getWidth(), h0 = img.getHeight();
        double sx, sy;
        if (r.percent() > 0) {
            sx = sy = r.percent() / 100.0;
        } else {
            double fw = r.width() > 0 ? r.width() / (double) w0 : Double.NaN;
            double fh = r.height() > 0 ? r.height() / (double) h0 : Double.NaN;
            double fl = r.longSide() > 0 ? r.longSide() / (double) Math.max(w0, h0) : Double.NaN;
            double fs = r.shortSide() > 0 ? r.shortSide() / (double) Math.min(w0, h0) : Double.NaN;
            boolean cover = r.mode() == ImageOperation.ResizeMode.MFIT || r.mode() == ImageOperation.ResizeMode.FILL;
            double f = Double.NaN;
            for (double c : new double[]{fw, fh, fl, fs}) {
                if (Double.isNaN(c)) continue;
                f = Double.isNaN(f) ? c : cover ? Math.max(f, c) : Math.min(f, c);
            }
            if (r.mode() == ImageOperation.ResizeMode.FIXED) {
                sx = fw;
                sy = fh;
            } else {
                sx = sy = f;
            }
        }
        if (!r.upscale()) {
            if (r.mode() == ImageOperation.ResizeMode.FIXED) {
                if (sx > 1 || sy > 1) return img;
            } else if (sx > 1) {
                sx = sy = 1;
            }
        }
        int w = Math.max(1, (int) Math.round(w0 * sx)), h = Math.max(1, (int) Math.round(h0 * sy));
        if (w > output.maxSide() || h > output.maxSide() || (long) w * h > output.maxPixels())
            throw new Exceptions.ImageLimitExceededException("the result would be " + w + "x" + h);
        BufferedImage scaled = scale(img, w, h);
        if (r.mode() == ImageOperation.ResizeMode.FILL && (w > r.width() || h > r.height())) {
            int cw = Math.min(w, r.width()), ch = Math.min(h, r.height());
            return copy(scaled.getSubimage((w - cw) / 2, (h - ch) / 2, cw, ch));
        }
        if (r.mode() == ImageOperation.ResizeMode.PAD) {
            BufferedImage padded = new BufferedImage(r.width(), r.height(), BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = padded.createGraphics();
            g.setColor(new Color(r.padColor()));
            g.fillRect(0, 0, r.width(), r.height());
            g.drawImage(scaled, (r.width() - w) / 2, (r.height() - h) / 2, null);
            g.dispose();
            return padded;
        }
        return scaled;
    }

    private static BufferedImage scale(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static BufferedImage copy(BufferedImage sub) {
        BufferedImage out = new BufferedImage(sub.getWidth(), sub.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(sub, 0, 0, null);
        g.dispose();
        return out;
    }

    /** [x, y] of a box of size bw×bh anchored at {@code gravity} in a W×H image, moved inwards by dx, dy. */
    private static int[] anchor(ImageOperation.Gravity gravity, int W, int H, int bw, int bh, int dx, int dy) {
        int x = switch (gravity) {
            case NW, WEST, SW -> dx;
            case NORTH, CENTER, SOUTH -> (W - bw) / 2;
            case NE, EAST, SE -> W - bw - dx;
        };
        int y = switch (gravity) {
            case NW, NORTH, NE -> dy;
            case WEST, CENTER, EAST -> (H - bh) / 2;
            case SW, SOUTH, SE -> H - bh - dy;
        };
        return new int[]{x, y};
    }

    private static BufferedImage crop(BufferedImage img, ImageOperation.Crop c) {
        int W = img.getWidth(), H = img.getHeight();
        int w = c.width() == 0 ? W : c.width(), h = c.height() == 0 ? H : c.height();
        int[] at = switch (c.gravity()) {
            case NW -> new int[]{c.x(), c.y()};
            default -> {
                int[] a = anchor(c.gravity(), W, H, Math.min(w, W), Math.min(h, H), 0, 0);
                yield new int[]{a[0] + c.x(), a[1] + c.y()};
            }
        };
        int x0 = Math.max(0, at[0]), y0 = Math.max(0, at[1]);
        int x1 = Math.min(W, at[0] + w), y1 = Math.min(H, at[1] + h);
        if (x1 <= x0 || y1 <= y0) throw new Exceptions.InvalidArgumentException("crop", "the crop lies outside the picture");
        return copy(img.getSubimage(x0, y0, x1 - x0, y1 - y0));
    }

    private static BufferedImage rotate(BufferedImage img, int degrees) {
        double rad = Math.toRadians(degrees);
        double sin = Math.abs(Math.sin(rad)), cos = Math.abs(Math.cos(rad));
        int W = img.getWidth(), H = img.getHeight();
        int w = (int) Math.round(W * cos + H * sin), h = (int) Math.round(W * sin + H * cos);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        AffineTransform t = new AffineTransform();
        t.translate(w / 2.0, h / 2.0);
        t.rotate(rad);
        t.translate(-W / 2.0, -H / 2.0);
        g.drawImage(img, t, null);
        g.dispose();
        return out;
    }

    private static BufferedImage watermark(BufferedImage img, ImageOperation.Watermark w, BlobSource blobs) {
        Graphics2D g = img.createGraphics();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, w.opacity() / 100f));
        if (w.imageBlobKey() != null) {
            BufferedImage mark;
            try (InputStream in = blobs.open(w.imageBlobKey())) {
                mark = decode(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (w.imagePercent() > 0) {
                int mw = Math.max(1, img.getWidth() * w.imagePercent() / 100);
                int mh = Math.max(1, mark.getHeight() * mw / mark.getWidth());
                mark = scale(mark, mw, mh);
            }
            int[] at = anchor(w.gravity(), img.getWidth(), img.getHeight(), mark.getWidth(), mark.getHeight(), w.x(), w.y());
            g.drawImage(mark, at[0], at[1], null);
        } else {
            int style = (w.bold() ? Font.BOLD : 0) | (w.italic() ? Font.ITALIC : 0);
            g.setFont(new Font(w.font() == null ? Font.SANS_SERIF : w.font(), style, w.fontSize()));
            int tw = g.getFontMetrics().stringWidth(w.text()), th = g.getFontMetrics().getAscent();
            int[] at = anchor(w.gravity(), img.getWidth(), img.getHeight(), tw, th, w.x(), w.y());
            g.setColor(new Color(w.color()));
            g.drawString(w.text(), at[0], at[1] + th);
        }
        g.dispose();
        return img;
    }

    private static byte[] encode(BufferedImage img, ImageFormat format, int quality) {
        BufferedImage out = img;
        if (format == ImageFormat.JPEG || format == ImageFormat.BMP || format == ImageFormat.GIF) {
            // no alpha in these writers' usual paths: flatten onto white
            out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(img, 0, 0, null);
            g.dispose();
        }
        String name = switch (format) {
            case JPEG -> "jpg";
            case PNG -> "png";
            case GIF -> "gif";
            case BMP -> "bmp";
            case WEBP -> "webp";
        };
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(name);
        if (!writers.hasNext()) throw new IllegalStateException("no ImageIO writer for " + name);
        ImageWriter writer = writers.next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == ImageFormat.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
            }
            writer.write(null, new IIOImage(out, null, null), param);
            ios.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
