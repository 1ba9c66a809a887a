package dev.picspace.imaging;

import static dev.picspace.imaging.ProbeFailures.corrupt;
import static dev.picspace.imaging.ProbeFailures.truncated;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks (PNG specification, W3C 3rd edition / ISO 15948) checking every length and CRC.
 *
 * <p>Accepts a file when it has the signature, a valid IHDR first, PLTE where the colour type
 * needs it, one run of IDAT chunks, and IEND; for APNG, an acTL before the first IDAT whose frame
 * count matches the fcTL chunks. Bytes after IEND are ignored, as decoders do.
 */
final class PngHeaderReader implements FormatReader {
    private static final ImageFormat PNG = ImageFormat.PNG;
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private static final int IHDR = type("IHDR");
    private static final int PLTE = type("PLTE");
    private static final int IDAT = type("IDAT");
    private static final int IEND = type("IEND");
    private static final int ACTL = type("acTL");
    private static final int FCTL = type("fcTL");
    private static final int FDAT = type("fdAT");
    /** §5.3: chunk lengths are limited to 2^31-1 bytes. */
    private static final long MAX_CHUNK_LENGTH = 0x7FFF_FFFFL;

    @Override
    public ImageInfo read(ImageInput in, ImageLimits limits) throws IOException {
        for (byte b : SIGNATURE)
            if (in.readU8() != (b & 0xFF)) throw corrupt(PNG, "signature is damaged");

        Header header = readHeader(in);
        ImageInfo info = new ImageInfo(PNG, header.width(), header.height(), 1);
        limits.check(info, in.size());

        boolean hasPalette = false;
        int idatRuns = 0;
        boolean inIdatRun = false;
        long declaredFrames = -1;
        long frameControls = 0;
        CRC32 crc = new CRC32();
        while (true) {
            long chunkOffset = in.position();
            if (in.remaining() == 0) throw truncated(PNG, "ends at byte " + chunkOffset + ", before its IEND chunk");
            long length = in.readU32BE();
            int type = (int) in.readU32BE();
            if (length > MAX_CHUNK_LENGTH)
                throw corrupt(PNG, "chunk at byte " + chunkOffset + " declares length " + length + ", above 2^31-1");
            if (!isValidType(type)) throw corrupt(PNG, "chunk at byte " + chunkOffset + " has an invalid type");
            if (length + 4 > in.remaining())
                throw truncated(PNG, "chunk " + name(type) + " at byte " + chunkOffset + " runs past the end of the file");

            // §5.3: the CRC covers the chunk type and data, not the length.
            crc.reset();
            updateWithType(crc, type);
            byte[] small = length <= 8 ? new byte[(int) length] : null;
            if (small != null) {
                in.readFully(small);
                crc.update(small);
            } else {
                in.updateCrc(crc, length);
            }
            if (in.readU32BE() != crc.getValue())
                throw corrupt(PNG, "chunk " + name(type) + " at byte " + chunkOffset + " fails its CRC check");

            if (type != IDAT && inIdatRun) inIdatRun = false;
            if (type == IEND) {
                if (length != 0) throw corrupt(PNG, "IEND chunk is not empty");
                if (idatRuns == 0) throw corrupt(PNG, "has no IDAT chunk");
                if (declaredFrames >= 0 && declaredFrames != frameControls)
                    throw corrupt(PNG, "acTL declares " + declaredFrames + " frames but the file has "
                            + frameControls + " fcTL chunks");
                ImageInfo result = declaredFrames > 0
                        ? new ImageInfo(PNG, info.width(), info.height(), (int) declaredFrames)
                        : info;
                limits.check(result, in.size());
                return result;
            } else if (type == IDAT) {
                if (!inIdatRun) {
                    // §5.6: multiple IDAT chunks shall be consecutive.
                    if (++idatRuns > 1) throw corrupt(PNG, "IDAT chunks are not consecutive (byte " + chunkOffset + ")");
                    inIdatRun = true;
                    if (header.colourType() == 3 && !hasPalette) throw corrupt(PNG, "palette image has no PLTE before IDAT");
                }
            } else if (type == IHDR) {
                throw corrupt(PNG, "has a second IHDR chunk at byte " + chunkOffset);
            } else if (type == PLTE) {
                // §11.2.3: 1–256 RGB entries; before IDAT; forbidden for grey and grey+alpha.
                if (hasPalette || idatRuns > 0) throw corrupt(PNG, "PLTE chunk is repeated or after IDAT");
                if (length == 0 || length % 3 != 0 || length > 256 * 3)
                    throw corrupt(PNG, "PLTE chunk has length " + length);
                int colourType = header.colourType();
                if (colourType == 0 || colourType == 4) throw corrupt(PNG, "greyscale image has a PLTE chunk");
                hasPalette = true;
            } else if (type == ACTL) {
                // APNG spec: acTL (num_frames, num_plays) must come before the first IDAT; one that
                // comes later makes the file a still image to APNG decoders, so it is ignored.
                if (length != 8) throw corrupt(PNG, "acTL chunk has length " + length);
                if (declaredFrames >= 0) throw corrupt(PNG, "has a second acTL chunk");
                if (idatRuns == 0) {
                    declaredFrames = readU32(small, 0);
                    if (declaredFrames == 0) throw corrupt(PNG, "acTL declares 0 frames");
                    ProbeFailures.checkFrameCount(declaredFrames, limits);
                }
            } else if (type == FCTL) {
                // APNG spec: one fcTL per frame; counting them bounds a file whose acTL lies.
                frameControls++;
                ProbeFailures.checkFrameCount(frameControls, limits);
            } else if (type != FDAT && isCritical(type)) {
                // §5.4: a decoder meeting an unknown critical chunk cannot display the image.
                throw corrupt(PNG, "has an unknown critical chunk " + name(type));
            }
        }
    }

    private record Header(int width, int height, int colourType) {}

    /** §11.2.2: IHDR is the first chunk, 13 bytes long. */
    private static Header readHeader(ImageInput in) throws IOException {
        long length = in.readU32BE();
        int type = (int) in.readU32BE();
        if (type != IHDR || length != 13) throw corrupt(PNG, "does not start with a 13-byte IHDR chunk");
        byte[] data = new byte[13];
        in.readFully(data);
        CRC32 crc = new CRC32();
        updateWithType(crc, type);
        crc.update(data);
        if (in.readU32BE() != crc.getValue()) throw corrupt(PNG, "IHDR chunk fails its CRC check");

        long width = readU32(data, 0);
        long height = readU32(data, 4);
        int bitDepth = data[8] & 0xFF;
        int colourType = data[9] & 0xFF;
        // §11.2.2: width and height are 1 to 2^31-1.
        if (width == 0 || height == 0 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH)
            throw corrupt(PNG, "IHDR declares " + width + "x" + height + " pixels");
        if (!isAllowedDepth(colourType, bitDepth))
            throw corrupt(PNG, "IHDR declares colour type " + colourType + " with bit depth " + bitDepth);
        if (data[10] != 0 || data[11] != 0 || (data[12] & 0xFF) > 1)
            throw corrupt(PNG, "IHDR declares an unknown compression, filter or interlace method");
        return new Header((int) width, (int) height, colourType);
    }

    /** §11.2.2 Table 11.1: the bit depths each colour type allows. */
    private static boolean isAllowedDepth(int colourType, int bitDepth) {
        return switch (colourType) {
            case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16;
            default -> false;
        };
    }

    /** §5.3: each type byte is an ASCII letter. */
    private static boolean isValidType(int type) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = type >>> shift & 0xFF;
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        return true;
    }

    /** §5.4: bit 5 of the first type byte clear (upper case) marks a critical chunk. */
    private static boolean isCritical(int type) {
        return (type >>> 24 & 0x20) == 0;
    }

    private static void updateWithType(CRC32 crc, int type) {
        crc.update(type >>> 24);
        crc.update(type >>> 16);
        crc.update(type >>> 8);
        crc.update(type);
    }

    private static long readU32(byte[] data, int offset) {
        return (data[offset] & 0xFFL) << 24 | (data[offset + 1] & 0xFF) << 16
                | (data[offset + 2] & 0xFF) << 8 | (data[offset + 3] & 0xFF);
    }

    private static int type(String name) {
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }

    private static String name(int type) {
        return new String(new char[] {(char) (type >>> 24), (char) (type >>> 16 & 0xFF),
                (char) (type >>> 8 & 0xFF), (char) (type & 0xFF)});
    }
}
