package dev.picspace.imaging;

import static dev.picspace.imaging.ProbeFailures.corrupt;
import static dev.picspace.imaging.ProbeFailures.truncated;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Walks a GIF's block stream (GIF89a specification, W3C/CompuServe 1990) and counts its frames.
 *
 * <p>Accepts a file when it has a GIF87a/GIF89a header, a non-empty logical screen, at least one
 * image, and the trailer (0x3B) before the file ends; every data sub-block chain must be
 * terminated. Frames are the image descriptors; the count is checked against the limit while
 * walking, so a 10,000-frame file is refused at frame {@code maxFrames + 1}.
 */
final class GifHeaderReader implements FormatReader {
    private static final ImageFormat GIF = ImageFormat.GIF;

    private static final int EXTENSION_INTRODUCER = 0x21;
    private static final int IMAGE_SEPARATOR = 0x2C;
    private static final int TRAILER = 0x3B;

    @Override
    public ImageInfo read(ImageInput in, ImageLimits limits) throws IOException {
        // §17: "GIF" then version "87a" or "89a".
        byte[] header = new byte[6];
        in.readFully(header);
        String signature = new String(header, StandardCharsets.ISO_8859_1);
        if (!signature.equals("GIF87a") && !signature.equals("GIF89a")) throw corrupt(GIF, "header is damaged");

        // §18: logical screen descriptor.
        int width = in.readU16LE();
        int height = in.readU16LE();
        int packed = in.readU8();
        in.skip(2); // background colour index, pixel aspect ratio
        if (width == 0 || height == 0) throw corrupt(GIF, "logical screen is " + width + "x" + height);
        ImageInfo screen = new ImageInfo(GIF, width, height, 1);
        limits.check(screen, in.size());
        skipColourTable(in, packed);

        int frames = 0;
        while (true) {
            long blockOffset = in.position();
            if (in.remaining() == 0) throw truncated(GIF, "ends at byte " + blockOffset + ", before its trailer");
            int introducer = in.readU8();
            if (introducer == TRAILER) {
                if (frames == 0) throw corrupt(GIF, "has no image");
                ImageInfo info = new ImageInfo(GIF, width, height, frames);
                limits.check(info, in.size());
                return info;
            } else if (introducer == IMAGE_SEPARATOR) {
                frames++;
                ProbeFailures.checkFrameCount(frames, limits);
                readImage(in, frames, limits);
            } else if (introducer == EXTENSION_INTRODUCER) {
                in.readU8(); // label: graphic control, comment, plain text, application; all skip alike
                skipSubBlocks(in);
            } else {
                throw corrupt(GIF, "has an unknown block 0x" + Integer.toHexString(introducer) + " at byte " + blockOffset);
            }
        }
    }

    /** §20: image descriptor, optional local colour table, LZW minimum code size, image data. */
    private static void readImage(ImageInput in, int frameNumber, ImageLimits limits) throws IOException {
        in.skip(4); // left, top: frames may lie partly off the screen; decoders clip them
        int frameWidth = in.readU16LE();
        int frameHeight = in.readU16LE();
        int packed = in.readU8();
        // A decoder allocates for each frame's own rectangle, so a frame larger than the limits is
        // refused even when the logical screen is small.
        ProbeFailures.checkFrameRect(GIF, frameNumber, frameWidth, frameHeight, limits);
        skipColourTable(in, packed);
        // §22 / Appendix F: codes are at most 12 bits and start one bit wider than the minimum size.
        int minimumCodeSize = in.readU8();
        if (minimumCodeSize < 1 || minimumCodeSize > 11)
            throw corrupt(GIF, "frame " + frameNumber + " declares LZW minimum code size " + minimumCodeSize);
        skipSubBlocks(in);
    }

    /**
     * §18/§20 packed fields: bit 7 says a colour table (§19 global, §21 local) follows; bits 0–2
     * give its size as 2^(n+1) RGB triples.
     */
    private static void skipColourTable(ImageInput in, int packed) throws IOException {
        if ((packed & 0x80) != 0) in.skip(3L << ((packed & 0x07) + 1));
    }

    /** §15: a chain of sub-blocks, each a size byte (1–255) and data, ended by a zero-size block. */
    private static void skipSubBlocks(ImageInput in) throws IOException {
        int size;
        while ((size = in.readU8()) != 0) in.skip(size);
    }
}
