package dev.picspace.imaging;

import static dev.picspace.imaging.ProbeFailures.corrupt;
import static dev.picspace.imaging.ProbeFailures.truncated;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;

/**
 * Walks a JPEG's marker segments (ITU-T T.81 Annex B) and its entropy-coded scans without decoding.
 *
 * <p>Accepts a file when it starts with SOI, has exactly one frame header (SOFn) with non-zero
 * dimensions before its first scan, has at least one scan (SOS), and reaches EOI before the file
 * ends. Anything after EOI is ignored, as decoders do.
 */
final class JpegHeaderReader implements FormatReader {
    private static final ImageFormat JPEG = ImageFormat.JPEG;

    // T.81 Table B.1 marker codes (the byte after 0xFF).
    private static final int TEM = 0x01;
    private static final int SOF0 = 0xC0;
    private static final int DHT = 0xC4;
    private static final int JPG = 0xC8;
    private static final int DAC = 0xCC;
    private static final int SOF15 = 0xCF;
    private static final int RST0 = 0xD0;
    private static final int RST7 = 0xD7;
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DHP = 0xDE;

    @Override
    public ImageInfo read(ImageInput in, ImageLimits limits) throws IOException {
        if (in.readU8() != 0xFF || in.readU8() != SOI) throw corrupt(JPEG, "does not start with SOI");

        ImageInfo info = null;
        boolean hierarchical = false;
        int scans = 0;
        int marker = nextMarker(in);
        while (true) {
            long markerOffset = in.position() - 2;
            if (marker == EOI) {
                if (info == null) throw corrupt(JPEG, "has no frame header (SOF) before EOI");
                if (scans == 0) throw corrupt(JPEG, "has no scan (SOS) before EOI");
                return info;
            }
            if (marker == SOI) throw corrupt(JPEG, "has a second SOI at byte " + markerOffset);
            if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
                // B.1.1.3: these markers stand alone, with no length field.
                marker = nextMarker(in);
                continue;
            }

            // B.1.1.4: every other segment starts with a two-byte length that counts itself.
            int length = in.readU16BE();
            if (length < 2) throw corrupt(JPEG, "segment 0xFF" + hex(marker) + " at byte " + markerOffset
                    + " has length " + length);
            if (length - 2 > in.remaining())
                throw truncated(JPEG, "segment 0xFF" + hex(marker) + " at byte " + markerOffset + " runs past the end of the file");

            if (isFrameHeader(marker)) {
                // A second frame is legal only in the hierarchical process (B.3), announced by DHP.
                if (info != null && !hierarchical)
                    throw corrupt(JPEG, "has a second frame header (SOF) at byte " + markerOffset);
                ImageInfo frame = readFrameHeader(in, length, markerOffset);
                if (info == null) {
                    info = frame;
                    // The limits are checked the moment the dimensions are known, before any scan is walked.
                    limits.check(info, in.size());
                }
                marker = nextMarker(in);
            } else if (marker == SOS) {
                if (info == null) throw corrupt(JPEG, "has a scan (SOS) before its frame header at byte " + markerOffset);
                readScanHeader(in, length, markerOffset);
                scans++;
                marker = skipEntropyCodedData(in);
            } else {
                if (marker == DHP) hierarchical = true;
                in.skip(length - 2);
                marker = nextMarker(in);
            }
        }
    }

    /** SOF0–SOF15 carry frame headers, except the codes T.81 gives to DHT, JPG and DAC. */
    private static boolean isFrameHeader(int marker) {
        return marker >= SOF0 && marker <= SOF15 && marker != DHT && marker != JPG && marker != DAC;
    }

    /** B.2.2: P (1), Y (2), X (2), Nf (1), then three bytes per component. */
    private static ImageInfo readFrameHeader(ImageInput in, int length, long markerOffset) throws IOException {
        if (length < 8) throw corrupt(JPEG, "frame header at byte " + markerOffset + " is too short");
        int precision = in.readU8();
        int height = in.readU16BE();
        int width = in.readU16BE();
        int components = in.readU8();
        if (precision < 2 || precision > 16)
            throw corrupt(JPEG, "frame header declares a sample precision of " + precision + " bits");
        // Y = 0 defers the height to a DNL marker after the first scan (B.2.5); no server-side
        // decoder we use supports that, and a zero dimension is never a usable picture.
        if (height == 0 || width == 0)
            throw corrupt(JPEG, "frame header declares " + width + "x" + height + " pixels");
        if (components == 0 || length != 8 + 3 * components)
            throw corrupt(JPEG, "frame header length " + length + " does not fit " + components + " components");
        in.skip(length - 8);
        return new ImageInfo(JPEG, width, height, 1);
    }

    /** B.2.3: Ns (1) between 1 and 4, two bytes per component, then Ss, Se, Ah/Al (3). */
    private static void readScanHeader(ImageInput in, int length, long markerOffset) throws IOException {
        if (length < 3) throw corrupt(JPEG, "scan header at byte " + markerOffset + " is too short");
        int components = in.readU8();
        if (components < 1 || components > 4 || length != 6 + 2 * components)
            throw corrupt(JPEG, "scan header at byte " + markerOffset + " has length " + length
                    + " for " + components + " components");
        in.skip(length - 3);
    }

    /**
     * Skips a scan's entropy-coded data and returns the marker that ends it.
     *
     * <p>B.1.1.5: inside entropy-coded data a 0xFF data byte is stuffed as 0xFF00, and RSTn markers
     * separate restart intervals; any other marker ends the scan (the next scan of a progressive
     * file, a table, or EOI). Only scanning for 0xFF keeps this fast on a 20 MB file.
     */
    private static int skipEntropyCodedData(ImageInput in) throws IOException {
        while (true) {
            if (!in.skipPast(0xFF)) throw truncated(JPEG, "ends inside scan data, before its EOI marker");
            int code = in.readU8();
            while (code == 0xFF) code = in.readU8(); // B.1.1.2: fill bytes before a marker
            if (code == 0x00 || (code >= RST0 && code <= RST7)) continue;
            return code;
        }
    }

    /** Reads the next marker between segments, skipping 0xFF fill bytes (B.1.1.2). */
    private static int nextMarker(ImageInput in) throws IOException {
        long offset = in.position();
        if (in.remaining() == 0) throw truncated(JPEG, "ends at byte " + offset + ", before its EOI marker");
        if (in.readU8() != 0xFF) throw corrupt(JPEG, "has no marker where one must start, at byte " + offset);
        int code;
        do {
            if (in.remaining() == 0) throw truncated(JPEG, "ends at byte " + in.position() + ", before its EOI marker");
            code = in.readU8();
        } while (code == 0xFF);
        if (code == 0x00) throw corrupt(JPEG, "has a stuffed 0xFF00 outside scan data, at byte " + offset);
        return code;
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }
}
