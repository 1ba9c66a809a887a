package dev.picspace.imaging;

import static dev.picspace.imaging.ProbeFailures.corrupt;
import static dev.picspace.imaging.ProbeFailures.truncated;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;

/**
 * Walks a WebP's RIFF chunks (RFC 9649, "WebP Image Format") and reads the bitstream headers of
 * VP8 (RFC 6386 §9.1) and VP8L (WebP Lossless Bitstream Specification §3) frames.
 *
 * <p>Accepts a file when its RIFF size fits the file, every chunk fits the RIFF data, and it is
 * either a simple file (one VP8 or VP8L key frame) or an extended file (VP8X) that holds one still
 * image of the canvas size or, when the animation flag is set, an ANIM chunk and at least one ANMF
 * frame that lies on the canvas and carries a bitstream of its declared size. Frames are the ANMF
 * chunks, counted against the limit while walking. Bytes after the RIFF data are ignored.
 */
final class WebpHeaderReader implements FormatReader {
    private static final ImageFormat WEBP = ImageFormat.WEBP;

    private static final int RIFF = fourcc("RIFF");
    private static final int WEBP_TAG = fourcc("WEBP");
    private static final int VP8 = fourcc("VP8 ");
    private static final int VP8L = fourcc("VP8L");
    private static final int VP8X = fourcc("VP8X");
    private static final int ANIM = fourcc("ANIM");
    private static final int ANMF = fourcc("ANMF");
    private static final int CHUNK_HEADER = 8;
    /** RFC 9649 §2.7: canvas width × height must fit in 32 bits. */
    private static final long MAX_CANVAS_PIXELS = 0xFFFF_FFFFL;

    /** One chunk's position: its FourCC and where its payload starts and ends. */
    private record Chunk(int fourcc, long start, long size, long paddedEnd) {
        long end() { return start + size; }
    }

    private record Size(int width, int height) {}

    @Override
    public ImageInfo read(ImageInput in, ImageLimits limits) throws IOException {
        if ((int) in.readU32BE() != RIFF) throw corrupt(WEBP, "does not start with RIFF");
        long riffSize = in.readU32LE();
        if ((int) in.readU32BE() != WEBP_TAG) throw corrupt(WEBP, "RIFF form is not WEBP");
        // RFC 9649 §2.5: the RIFF size counts from the form type; a file shorter than it was cut off.
        long riffEnd = 8 + riffSize;
        if (riffSize < 4 + CHUNK_HEADER) throw corrupt(WEBP, "RIFF size " + riffSize + " cannot hold a chunk");
        if (riffEnd > in.size())
            throw truncated(WEBP, "RIFF header declares " + riffEnd + " bytes but the file has " + in.size());

        Chunk first = nextChunk(in, riffEnd);
        if (first.fourcc() == VP8X) return readExtended(in, first, riffEnd, limits);
        if (first.fourcc() != VP8 && first.fourcc() != VP8L)
            throw corrupt(WEBP, "first chunk is " + name(first.fourcc()) + ", not VP8, VP8L or VP8X");

        // RFC 9649 §2.6: the simple formats hold a single frame.
        Size size = readBitstreamHeader(in, first);
        ImageInfo info = new ImageInfo(WEBP, size.width(), size.height(), 1);
        limits.check(info, in.size());
        moveTo(in, first.paddedEnd());
        // Decoders ignore chunks after the frame; they still have to fit the RIFF data.
        while (in.position() < riffEnd) moveTo(in, nextChunk(in, riffEnd).paddedEnd());
        return info;
    }

    /** RFC 9649 §2.7: VP8X flags and canvas size, then the chunks it announces. */
    private static ImageInfo readExtended(ImageInput in, Chunk header, long riffEnd, ImageLimits limits)
            throws IOException {
        if (header.size() < 10) throw corrupt(WEBP, "VP8X chunk has size " + header.size());
        int flags = in.readU8();
        in.skip(3); // reserved
        int canvasWidth = in.readU24LE() + 1;
        int canvasHeight = in.readU24LE() + 1;
        if ((long) canvasWidth * canvasHeight > MAX_CANVAS_PIXELS)
            throw corrupt(WEBP, "canvas " + canvasWidth + "x" + canvasHeight + " exceeds 2^32-1 pixels");
        ImageInfo canvas = new ImageInfo(WEBP, canvasWidth, canvasHeight, 1);
        limits.check(canvas, in.size());
        moveTo(in, header.paddedEnd());

        boolean animated = (flags & 0x02) != 0;
        boolean sawAnimationHeader = false;
        boolean sawStillImage = false;
        int frames = 0;
        while (in.position() < riffEnd) {
            Chunk chunk = nextChunk(in, riffEnd);
            int type = chunk.fourcc();
            if (type == ANIM) {
                if (chunk.size() < 6) throw corrupt(WEBP, "ANIM chunk has size " + chunk.size());
                sawAnimationHeader = true;
            } else if (type == ANMF) {
                if (!animated) throw corrupt(WEBP, "has an ANMF frame but VP8X does not set the animation flag");
                if (!sawAnimationHeader) throw corrupt(WEBP, "has an ANMF frame before its ANIM chunk");
                frames++;
                ProbeFailures.checkFrameCount(frames, limits);
                readAnimationFrame(in, chunk, frames, canvasWidth, canvasHeight);
            } else if (type == VP8 || type == VP8L) {
                if (animated) throw corrupt(WEBP, "animated file has a frame outside ANMF");
                if (sawStillImage) throw corrupt(WEBP, "has more than one image");
                Size size = readBitstreamHeader(in, chunk);
                // A still extended image's bitstream is the canvas (libwebp rejects a mismatch).
                if (size.width() != canvasWidth || size.height() != canvasHeight)
                    throw corrupt(WEBP, "image is " + size.width() + "x" + size.height()
                            + " but the VP8X canvas is " + canvasWidth + "x" + canvasHeight);
                sawStillImage = true;
            }
            // ICCP, ALPH, EXIF, XMP and unknown chunks carry nothing the probe needs.
            moveTo(in, chunk.paddedEnd());
        }

        if (animated) {
            if (frames == 0) throw corrupt(WEBP, "animated file has no ANMF frame");
            ImageInfo info = new ImageInfo(WEBP, canvasWidth, canvasHeight, frames);
            limits.check(info, in.size());
            return info;
        }
        if (!sawStillImage) throw corrupt(WEBP, "has no VP8 or VP8L image");
        return canvas;
    }

    /** RFC 9649 §2.7.1.1: frame offset/2, size-1, duration, flags (16 bytes), then frame data chunks. */
    private static void readAnimationFrame(ImageInput in, Chunk frame, int frameNumber, int canvasWidth,
                                           int canvasHeight) throws IOException {
        if (frame.size() < 16 + CHUNK_HEADER) throw corrupt(WEBP, "ANMF frame " + frameNumber + " is too short");
        long x = 2L * in.readU24LE();
        long y = 2L * in.readU24LE();
        int width = in.readU24LE() + 1;
        int height = in.readU24LE() + 1;
        in.skip(4); // duration, blending/disposal flags
        if (x + width > canvasWidth || y + height > canvasHeight)
            throw corrupt(WEBP, "ANMF frame " + frameNumber + " lies outside the canvas");

        boolean sawBitstream = false;
        while (in.position() < frame.end()) {
            Chunk chunk = nextChunk(in, frame.end());
            if (chunk.fourcc() == VP8 || chunk.fourcc() == VP8L) {
                if (sawBitstream) throw corrupt(WEBP, "ANMF frame " + frameNumber + " has more than one bitstream");
                Size size = readBitstreamHeader(in, chunk);
                if (size.width() != width || size.height() != height)
                    throw corrupt(WEBP, "ANMF frame " + frameNumber + " declares " + width + "x" + height
                            + " but its bitstream is " + size.width() + "x" + size.height());
                sawBitstream = true;
            }
            moveTo(in, chunk.paddedEnd());
        }
        if (!sawBitstream) throw corrupt(WEBP, "ANMF frame " + frameNumber + " has no VP8 or VP8L data");
    }

    private static Size readBitstreamHeader(ImageInput in, Chunk chunk) throws IOException {
        return chunk.fourcc() == VP8 ? readLossyHeader(in, chunk) : readLosslessHeader(in, chunk);
    }

    /**
     * RFC 6386 §9.1: a 3-byte frame tag (key-frame bit clear for a key frame, 3-bit version,
     * show-frame bit, 19-bit first partition size), start code 9D 01 2A, then 14-bit width and
     * height each followed by 2 scaling bits.
     */
    private static Size readLossyHeader(ImageInput in, Chunk chunk) throws IOException {
        if (chunk.size() < 10) throw corrupt(WEBP, "VP8 chunk is too short");
        int tag = in.readU24LE();
        if ((tag & 1) != 0) throw corrupt(WEBP, "VP8 data does not start with a key frame");
        if ((tag >> 1 & 7) > 3) throw corrupt(WEBP, "VP8 frame has unknown version " + (tag >> 1 & 7));
        if ((tag >> 4 & 1) == 0) throw corrupt(WEBP, "VP8 key frame is not shown");
        if ((tag >>> 5) >= chunk.size()) throw corrupt(WEBP, "VP8 first partition is larger than its chunk");
        if (in.readU8() != 0x9D || in.readU8() != 0x01 || in.readU8() != 0x2A)
            throw corrupt(WEBP, "VP8 key frame has no start code");
        int width = in.readU16LE() & 0x3FFF;
        int height = in.readU16LE() & 0x3FFF;
        if (width == 0 || height == 0) throw corrupt(WEBP, "VP8 frame is " + width + "x" + height);
        return new Size(width, height);
    }

    /** Lossless spec §3.1–3.2: signature 0x2F, then 14-bit width-1, 14-bit height-1, alpha bit, 3-bit version 0. */
    private static Size readLosslessHeader(ImageInput in, Chunk chunk) throws IOException {
        if (chunk.size() < 5) throw corrupt(WEBP, "VP8L chunk is too short");
        if (in.readU8() != 0x2F) throw corrupt(WEBP, "VP8L data has no signature");
        long bits = in.readU32LE();
        if (bits >>> 29 != 0) throw corrupt(WEBP, "VP8L data has unknown version " + (bits >>> 29));
        return new Size((int) (bits & 0x3FFF) + 1, (int) (bits >>> 14 & 0x3FFF) + 1);
    }

    /** RFC 9649 §2.3: FourCC, 32-bit little-endian payload size, payload, one pad byte if the size is odd. */
    private static Chunk nextChunk(ImageInput in, long containerEnd) throws IOException {
        long offset = in.position();
        if (containerEnd - offset < CHUNK_HEADER)
            throw corrupt(WEBP, "has " + (containerEnd - offset) + " stray bytes at byte " + offset);
        int fourcc = (int) in.readU32BE();
        long size = in.readU32LE();
        long start = in.position();
        if (size > containerEnd - start)
            throw corrupt(WEBP, "chunk " + name(fourcc) + " at byte " + offset + " runs past the end of its container");
        // A missing pad byte after the very last chunk is tolerated, as libwebp does.
        long paddedEnd = Math.min(start + size + (size & 1), containerEnd);
        return new Chunk(fourcc, start, size, paddedEnd);
    }

    /** Skips forward to {@code offset}; chunk readers never move backwards, so every loop advances. */
    private static void moveTo(ImageInput in, long offset) throws IOException {
        long distance = offset - in.position();
        if (distance < 0) throw corrupt(WEBP, "chunk contents overrun their declared size at byte " + offset);
        in.skip(distance);
    }

    private static int fourcc(String name) {
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }

    private static String name(int fourcc) {
        StringBuilder out = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = fourcc >>> shift & 0xFF;
            out.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return "'" + out + "'";
    }
}
