package dev.picspace.imaging;

import static dev.picspace.imaging.ProbeFailures.corrupt;
import static dev.picspace.imaging.ProbeFailures.truncated;
import static dev.picspace.imaging.ProbeFailures.unsupported;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;

/**
 * Reads a BMP's file header and DIB header (Microsoft Win32 docs: BITMAPFILEHEADER,
 * BITMAPCOREHEADER, BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER; OS/2 2.x headers share
 * BITMAPINFOHEADER's leading fields) and checks that the pixel data can fit the file.
 *
 * <p>Accepts a file when the declared file size and pixel data offset fit the file, the header
 * size is a known one, planes is 1, the bit depth is 1, 4, 8, 16, 24 or 32 with a compression that
 * suits it, and, for uncompressed data, the rows the dimensions need are all present. A negative
 * height marks a top-down bitmap; the reported height is its magnitude.
 */
final class BmpHeaderReader implements FormatReader {
    private static final ImageFormat BMP = ImageFormat.BMP;
    private static final int FILE_HEADER = 14;
    private static final int CORE_HEADER = 12;

    // biCompression values (wingdi.h).
    private static final long BI_RGB = 0;
    private static final long BI_RLE8 = 1;
    private static final long BI_RLE4 = 2;
    private static final long BI_BITFIELDS = 3;
    private static final long BI_JPEG = 4;
    private static final long BI_PNG = 5;
    private static final long BI_ALPHABITFIELDS = 6;

    @Override
    public ImageInfo read(ImageInput in, ImageLimits limits) throws IOException {
        if (in.readU8() != 'B' || in.readU8() != 'M') throw corrupt(BMP, "does not start with BM");
        long declaredFileSize = in.readU32LE();
        in.skip(4); // reserved
        long pixelOffset = in.readU32LE();
        long headerSize = in.readU32LE();
        if (!isKnownHeaderSize(headerSize)) throw corrupt(BMP, "has an unknown DIB header size " + headerSize);
        if (FILE_HEADER + headerSize > in.size()) throw truncated(BMP, "ends inside its DIB header");

        long width;
        long signedHeight;
        int planes;
        int bitCount;
        long compression = BI_RGB;
        long imageSize = 0;
        if (headerSize == CORE_HEADER) {
            // BITMAPCOREHEADER: unsigned 16-bit dimensions, always bottom-up.
            width = in.readU16LE();
            signedHeight = in.readU16LE();
            planes = in.readU16LE();
            bitCount = in.readU16LE();
        } else {
            width = in.readI32LE();
            signedHeight = in.readI32LE();
            planes = in.readU16LE();
            bitCount = in.readU16LE();
            if (headerSize >= 20) compression = in.readU32LE();
            if (headerSize >= 24) imageSize = in.readU32LE();
        }
        boolean topDown = signedHeight < 0;
        long height = Math.abs(signedHeight);
        if (width <= 0 || height == 0 || height > Integer.MAX_VALUE)
            throw corrupt(BMP, "declares " + width + "x" + signedHeight + " pixels");
        if (planes != 1) throw corrupt(BMP, "declares " + planes + " planes");
        if (compression == BI_JPEG || compression == BI_PNG)
            throw unsupported("BMP wrapping JPEG or PNG data");
        if (!isAllowedBitCount(bitCount)) throw corrupt(BMP, "declares " + bitCount + " bits per pixel");
        if (!suitsBitCount(compression, bitCount))
            throw corrupt(BMP, "declares compression " + compression + " with " + bitCount + " bits per pixel");
        // BITMAPINFOHEADER docs: top-down bitmaps cannot be compressed.
        if (topDown && (compression == BI_RLE8 || compression == BI_RLE4))
            throw corrupt(BMP, "is top-down and run-length encoded");

        ImageInfo info = new ImageInfo(BMP, (int) width, (int) height, 1);
        limits.check(info, in.size());

        // Many writers leave bfSize 0; a non-zero one larger than the file means the file was cut.
        if (declaredFileSize > in.size())
            throw truncated(BMP, "header declares " + declaredFileSize + " bytes but the file has " + in.size());
        if (pixelOffset < FILE_HEADER + headerSize)
            throw corrupt(BMP, "pixel data offset " + pixelOffset + " points into its headers");
        if (pixelOffset >= in.size()) throw truncated(BMP, "ends before its pixel data");

        long needed;
        if (compression == BI_RLE8 || compression == BI_RLE4) {
            // Run-length data has no size the dimensions imply; trust biSizeImage when it is given.
            needed = imageSize;
        } else {
            // Rows are padded to 32 bits (BITMAPINFOHEADER docs, "stride").
            long stride = (width * bitCount + 31) / 32 * 4;
            needed = height > (Long.MAX_VALUE - pixelOffset) / stride ? Long.MAX_VALUE - pixelOffset : stride * height;
        }
        if (needed > in.size() - pixelOffset)
            throw truncated(BMP, "needs " + needed + " bytes of pixel data but the file has " + (in.size() - pixelOffset));
        return info;
    }

    /** Core (12), OS/2 2.x (16 or 64), INFO (40), V2 (52), V3 (56), V4 (108), V5 (124). */
    private static boolean isKnownHeaderSize(long size) {
        return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64
                || size == 108 || size == 124;
    }

    private static boolean isAllowedBitCount(int bitCount) {
        return bitCount == 1 || bitCount == 4 || bitCount == 8 || bitCount == 16 || bitCount == 24 || bitCount == 32;
    }

    private static boolean suitsBitCount(long compression, int bitCount) {
        if (compression == BI_RGB) return true;
        if (compression == BI_RLE8) return bitCount == 8;
        if (compression == BI_RLE4) return bitCount == 4;
        if (compression == BI_BITFIELDS || compression == BI_ALPHABITFIELDS) return bitCount == 16 || bitCount == 32;
        return false;
    }
}
