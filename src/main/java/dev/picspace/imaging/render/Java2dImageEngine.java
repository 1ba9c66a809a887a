package dev.picspace.imaging.render;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import dev.picspace.imaging.HeaderImageProbe;
import dev.picspace.imaging.render.Geometry.Size;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pure-Java {@link ImageEngine}: ImageIO decoders and writers, Java2D pixels.
 *
 * <p>Order of work, cheapest refusal first: the operation list is checked ({@link Chain}); the
 * source is read, at most {@code limits.maxBytes()} of it; its headers are probed again (format,
 * size and frames from the bytes, whatever {@code info} says) and held to {@code limits}; every
 * size the chain will produce is computed from those headers and held to {@code output}
 * ({@link Geometry}); only then is anything decoded: only the crop when the chain starts with one,
 * at reduced resolution when it starts (or continues after that crop) by shrinking; the output is
 * bounded in bytes while it is written ({@link Encoder}).
 *
 * <p>Behaviour worth knowing (OSS's where OSS defines it):
 * <ul>
 *   <li>EXIF orientation is applied by default, before every other operation, as OSS does
 *       (auto-orient defaults to 1); {@code auto-orient,0} anywhere in the chain keeps the stored
 *       pixels. Derivatives carry no EXIF, so a viewer cannot turn them a second time.</li>
 *   <li>Output format: the source's unless a format operation says otherwise. Quality (JPEG and
 *       WebP): {@value #DEFAULT_QUALITY} by default; {@code Q} absolute and {@code q} relative to
 *       the source's quality as estimated from a JPEG's quantisation table (100 for other sources),
 *       and neither the default nor {@code Q} exceeds a JPEG source's own quality (OSS: a higher
 *       quality only makes the file larger). WebP output is lossy, with alpha.</li>
 *   <li>Alpha is kept in PNG, WebP and GIF output and flattened onto white for JPEG and BMP.</li>
 *   <li>Animated GIF to GIF keeps every frame (each transformed alike, delays and loop count kept),
 *       unless frames × canvas pixels exceed {@code limits.maxPixels()}; then, and for every other
 *       output format, and for animated WebP, the first frame is used.
 *       {@link Rendition#frames()} says which happened.</li>
 *   <li>Colour: pixels are converted to sRGB on decode when the source embeds another profile
 *       (see {@link ColorProfiles}); derivatives embed no profile.</li>
 *   <li>Interlace: progressive JPEG; also Adam7 PNG and interlaced GIF (the JDK writers do both),
 *       which OSS does not offer; ignored for WebP and BMP.</li>
 *   <li>Info answers JSON about the source (size, format, stored width and height, EXIF without
 *       GPS) without decoding it; after other operations it describes the derivative instead.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless: every reader, writer and picture belongs to one call.
 */
public final class Java2dImageEngine implements ImageEngine {
    /**
     * JPEG and WebP quality when the chain names none: the usual web compromise between libvips'
     * 75 and ImageMagick's 92, and what the stack measurements used. (OSS re-encodes at the
     * source's quality; a capped 85 gives smaller thumbnails and is documented here instead.)
     */
    public static final int DEFAULT_QUALITY = 85;

    private final HeaderImageProbe probe = new HeaderImageProbe();
    private final int defaultQuality;
    private final boolean reducedDecoding;

    public Java2dImageEngine() {
        this(DEFAULT_QUALITY);
    }

    /** @param defaultQuality JPEG/WebP quality 1..100 when a chain names none */
    public Java2dImageEngine(int defaultQuality) {
        this(defaultQuality, true);
    }

    /** {@code reducedDecoding} false decodes every source at full resolution: only to measure what it saves. */
    Java2dImageEngine(int defaultQuality, boolean reducedDecoding) {
        if (defaultQuality < 1 || defaultQuality > 100) throw new IllegalArgumentException("quality must be within 1..100");
        this.defaultQuality = defaultQuality;
        this.reducedDecoding = reducedDecoding;
    }

    /** One pixel step with the sizes it takes and makes (from the headers, before decoding). */
    private record Step(ImageOperation op, Size in, Size out, Object plan) {}

    @Override
    public Rendition render(InputStream source, ImageInfo info, List<ImageOperation> ops, BlobSource blobs,
                            ImageLimits limits, OutputLimits output) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(output, "output");
        Chain chain = Chain.of(ops);
        byte[] bytes = readBounded(source, limits.maxBytes(), "the picture");
        ImageInfo probed = probe.probe(bytes, limits);
        ImageFormat sourceFormat = probed.format();
        Exif exif = Exif.read(bytes, sourceFormat);
        if (chain.infoOfSource())
            return info(InfoJson.of(bytes.length, sourceFormat, probed.width(), probed.height(), exif.infoTags()),
                    probed.width(), probed.height(), probed.frames());

        int orientation = chain.autoOrient ? exif.orientation() : 1;
        Size stored = new Size(probed.width(), probed.height());
        Size oriented = orientation >= 5 ? stored.transposed() : stored;
        ImageFormat outFormat = chain.format != null ? chain.format : sourceFormat;
        boolean gifSource = sourceFormat == ImageFormat.GIF;
        List<Step> plan = plan(chain, oriented, gifSource, output);
        if (plan.isEmpty()) Geometry.checkOutput(oriented, output, "the output");

        JpegSegments jpeg = sourceFormat == ImageFormat.JPEG ? JpegSegments.read(bytes) : null;
        Encoder.Settings settings = new Encoder.Settings(outFormat, quality(chain.quality, jpeg), chain.interlace);
        Map<Integer, BufferedImage> marks = watermarkPictures(plan, blobs, limits);

        byte[] out;
        Size last = plan.isEmpty() ? oriented : plan.get(plan.size() - 1).out();
        int frames = 1;
        boolean animate = gifSource && outFormat == ImageFormat.GIF && probed.frames() > 1
                && probed.frames() * stored.pixels() <= limits.maxPixels();
        if (animate) {
            frames = 0;
            try (GifFrames gif = GifFrames.open(bytes, probed.frames());
                 Encoder.GifSequence sequence = new Encoder.GifSequence(output.maxBytes(), chain.interlace, gif.loops)) {
                Size canvas = new Size(gif.width(), gif.height());
                if (!canvas.equals(oriented)) {
                    plan = plan(chain, canvas, true, output);
                    marks = watermarkPictures(plan, blobs, limits);
                }
                for (GifFrames.Frame f = gif.next(); f != null; f = gif.next()) {
                    BufferedImage frame = apply(plan, f.image(), marks);
                    sequence.write(frame, f.delay());
                    last = new Size(frame.getWidth(), frame.getHeight());
                    frames++;
                }
                out = sequence.finish();
            }
        } else {
            // A leading crop is done by the reader (it then holds only the crop), and a resize
            // right after the start or the crop lets it decode at reduced resolution.
            int done = 0;
            java.awt.Rectangle region = null;
            if (reducedDecoding && sourceFormat != ImageFormat.GIF && !plan.isEmpty()
                    && plan.get(0).plan() instanceof Geometry.CropPlan c) {
                region = Geometry.storedRegion(c, orientation, stored);
                done = 1;
            }
            int k = reducedDecoding ? subsampling(plan, done, sourceFormat) : 1;
            BufferedImage image = Pixels.toWorking(Decoder.decode(bytes, sourceFormat, new Decoder.Window(k, region), jpeg), false);
            image = Pixels.orient(image, orientation);
            Size decoded = new Size(image.getWidth(), image.getHeight());
            Size wanted = region == null ? null : new Size(ceilDiv(plan.get(0).out().width(), k), ceilDiv(plan.get(0).out().height(), k));
            if (region != null && !decoded.equals(wanted)) {
                // a reader that ignored the region: decode the whole picture and crop it here
                image = Pixels.orient(Pixels.toWorking(Decoder.decode(bytes, sourceFormat, Decoder.Window.ALL, jpeg), false), orientation);
                decoded = new Size(image.getWidth(), image.getHeight());
                region = null;
                done = 0;
                k = 1;
            }
            // a whole picture at k = 1 should have the header's size; a reader that disagrees (a GIF
            // whose logical screen is smaller than its frame) gets a plan of what it returned
            if (region == null && k == 1 && !decoded.equals(oriented)) {
                plan = plan(chain, decoded, gifSource, output);
                marks = watermarkPictures(plan, blobs, limits);
            }
            image = apply(plan.subList(done, plan.size()), image, marks, done);
            last = new Size(image.getWidth(), image.getHeight());
            out = Encoder.encode(image, settings, output.maxBytes());
        }
        if (chain.info) return info(InfoJson.of(out.length, outFormat, last.width(), last.height(), Map.of()),
                last.width(), last.height(), frames);
        return new Rendition(out, outFormat, outFormat.mediaType(), last.width(), last.height(), frames);
    }

    private static Rendition info(byte[] json, int width, int height, int frames) {
        return new Rendition(json, null, InfoJson.MEDIA_TYPE, width, height, frames);
    }

    /** Every step's sizes, each held to the output limits before anything is allocated. */
    private static List<Step> plan(Chain chain, Size start, boolean gifSource, OutputLimits output) {
        List<Step> steps = new ArrayList<>();
        Size size = start;
        for (ImageOperation op : chain.pixelSteps) {
            Size in = size;
            Object plan = null;
            if (op instanceof ImageOperation.Resize r) {
                // OSS: a GIF is only ever made smaller
                Geometry.ResizePlan p = Geometry.resize(r, in, r.upscale() && !gifSource);
                size = p.canvas();
                plan = p;
            } else if (op instanceof ImageOperation.Crop c) {
                Geometry.CropPlan p = Geometry.crop(c, in);
                size = new Size(p.width(), p.height());
                plan = p;
            } else if (op instanceof ImageOperation.Rotate r) {
                size = Geometry.rotate(r.degrees(), in);
            }
            Geometry.checkOutput(size, output, "the " + op.canonical().split(",", 2)[0] + " output");
            steps.add(new Step(op, in, size, plan));
        }
        return steps;
    }

    private static BufferedImage apply(List<Step> plan, BufferedImage image, Map<Integer, BufferedImage> marks) {
        return apply(plan, image, marks, 0);
    }

    /** Applies {@code plan}, whose first step is step {@code first} of the whole chain (marks are by chain index). */
    private static BufferedImage apply(List<Step> plan, BufferedImage image, Map<Integer, BufferedImage> marks, int first) {
        for (int i = 0; i < plan.size(); i++) {
            Step s = plan.get(i);
            if (s.op() instanceof ImageOperation.Resize r) image = Pixels.resize(image, (Geometry.ResizePlan) s.plan(), r.padColor());
            else if (s.op() instanceof ImageOperation.Crop) image = Pixels.crop(image, (Geometry.CropPlan) s.plan());
            else if (s.op() instanceof ImageOperation.Rotate r) image = Pixels.rotate(image, r.degrees(), s.out());
            else if (s.op() instanceof ImageOperation.Watermark w) image = WatermarkPainter.apply(image, w, marks.get(first + i));
        }
        return image;
    }

    /** Reduced-resolution decoding applies when the chain starts by shrinking (see {@link Geometry#subsampling}). */
    private static int subsampling(List<Step> plan, int from, ImageFormat format) {
        if (plan.size() <= from || format == ImageFormat.GIF) return 1; // the GIF reader is frame by frame
        Step first = plan.get(from);
        return first.plan() instanceof Geometry.ResizePlan p ? Geometry.subsampling(p, first.in()) : 1;
    }

    /** JPEG/WebP quality for the encoder (see the class comment). */
    private int quality(ImageOperation.Quality q, JpegSegments jpeg) {
        int source = jpeg != null && jpeg.quality > 0 ? jpeg.quality : 0;
        if (q == null) return source > 0 ? Math.min(defaultQuality, source) : defaultQuality;
        if (q.absolute()) return source > 0 ? Math.min(q.value(), source) : q.value();
        return Math.max(1, (int) Math.round((source > 0 ? source : 100) * q.value() / 100.0));
    }

    /**
     * Reads and decodes each image watermark once per call (an animation reuses it on every frame),
     * from the tenant's own blobs only, held to the same limits as any source.
     */
    private Map<Integer, BufferedImage> watermarkPictures(List<Step> plan, BlobSource blobs, ImageLimits limits) {
        Map<Integer, BufferedImage> pictures = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            if (!(plan.get(i).op() instanceof ImageOperation.Watermark w) || w.imageBlobKey() == null) continue;
            if (blobs == null) throw new InvalidArgumentException("watermark", "an image watermark needs the tenant's pictures");
            Size target = plan.get(i).in();
            Size box = WatermarkPainter.pictureBox(w, target.width(), target.height());
            byte[] bytes;
            try (InputStream in = blobs.open(w.imageBlobKey())) {
                if (in == null) throw new StorageException("no watermark picture " + w.imageBlobKey());
                bytes = readBounded(in, limits.maxBytes(), "the watermark picture");
            } catch (IOException e) {
                throw new StorageException("reading the watermark picture failed", e);
            }
            ImageInfo mark = probe.probe(bytes, limits);
            int orientation = Exif.read(bytes, mark.format()).orientation();
            Size natural = orientation >= 5 ? new Size(mark.height(), mark.width()) : new Size(mark.width(), mark.height());
            double scale = Math.min((double) box.width() / natural.width(), (double) box.height() / natural.height());
            int k = mark.format() == ImageFormat.GIF ? 1 : Geometry.subsampling(scale);
            BufferedImage picture = Pixels.orient(Pixels.toWorking(Decoder.decode(bytes, mark.format(), new Decoder.Window(k, null), null), true), orientation);
            pictures.put(i, WatermarkPainter.fitPicture(picture, box, w.imagePercent() > 0));
        }
        return pictures;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Reads all of {@code in}, refusing at once what is longer than {@code max}. */
    private static byte[] readBounded(InputStream in, long max, String what) {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
            if (bytes.length > max)
                throw new ImageLimitExceededException(what + " is larger than " + max + " bytes");
            return bytes;
        } catch (IOException e) {
            throw new StorageException("reading " + what + " failed", e);
        }
    }
}
