package dev.picspace.imaging.render;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine needs from a JPEG's marker segments before decoding it: the component count and
 * Adobe transform (which reader can decode it), the luminance quantisation table (the source's
 * quality, for OSS's relative {@code q}), and the embedded ICC profile (whether colours need
 * converting). The bytes were walked by the probe already; this walk only reads, never trusts a
 * length past the end, and stops at the first scan.
 */
final class JpegSegments {
    /** The IJG / Annex K luminance table, which libjpeg scales by quality. */
    private static final int[] STD_LUMINANCE = {
            16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
            14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    private static final byte[] ICC_TAG = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** Components in the frame header (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK), 0 if none was found. */
    final int components;
    /** The Adobe APP14 colour transform (0 none/CMYK, 1 YCbCr, 2 YCCK), or -1 without an Adobe segment. */
    final int adobeTransform;
    /** The estimated IJG quality 1..100 of the luminance table, or 0 when there is none. */
    final int quality;
    /** The embedded ICC profile's bytes reassembled from its APP2 chunks, or null. */
    final byte[] icc;
    /** Offsets {start, end} of the APP2 ICC segments (marker included), to decode without them. */
    private final List<int[]> iccSegments;

    private JpegSegments(int components, int adobeTransform, int quality, byte[] icc, List<int[]> iccSegments) {
        this.components = components;
        this.adobeTransform = adobeTransform;
        this.quality = quality;
        this.icc = icc;
        this.iccSegments = iccSegments;
    }

    static JpegSegments read(byte[] b) {
        int components = 0, adobe = -1, quality = 0;
        List<int[]> icc = new ArrayList<>();
        List<byte[]> iccChunks = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) break;
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) { pos += 2; continue; }
            if (marker == 0xD9 || marker == 0xDA) break;
            int length = (b[pos + 2] & 0xFF) << 8 | b[pos + 3] & 0xFF;
            int data = pos + 4, end = pos + 2 + length;
            if (length < 2 || end > b.length) break;
            if (isFrameHeader(marker) && end - data >= 6) {
                components = b[data + 5] & 0xFF;
            } else if (marker == 0xEE && end - data >= 12 && startsWith(b, data, "Adobe")) {
                adobe = b[data + 11] & 0xFF;
            } else if (marker == 0xE2 && end - data > ICC_TAG.length + 2 && startsWith(b, data, ICC_TAG)) {
                icc.add(new int[] {pos, end});
                int seq = b[data + ICC_TAG.length] & 0xFF;
                byte[] chunk = java.util.Arrays.copyOfRange(b, data + ICC_TAG.length + 2, end);
                while (iccChunks.size() < seq) iccChunks.add(null);
                if (seq >= 1) iccChunks.set(seq - 1, chunk);
            } else if (marker == 0xDB) {
                int q = luminanceQuality(b, data, end);
                if (q > 0) quality = q;
            }
            pos = end;
        }
        byte[] profile = null;
        if (!iccChunks.isEmpty() && !iccChunks.contains(null)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] c : iccChunks) out.writeBytes(c);
            profile = out.toByteArray();
        }
        return new JpegSegments(components, adobe, quality, profile, icc);
    }

    /** The same JPEG without its ICC segments (a copy), for decoding a file whose profile is sRGB anyway. */
    byte[] withoutIcc(byte[] b) {
        if (iccSegments.isEmpty()) return b;
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        int from = 0;
        for (int[] s : iccSegments) {
            out.write(b, from, s[0] - from);
            from = s[1];
        }
        out.write(b, from, b.length - from);
        return out.toByteArray();
    }

    private static boolean isFrameHeader(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /**
     * The IJG quality whose scaled standard table has the sum closest to table 0's in this DQT
     * segment. Sums make the estimate independent of the table's zigzag order, and scaling each
     * entry as libjpeg does (rounded, clamped to 1..255) keeps it exact at low qualities too.
     */
    private static int luminanceQuality(byte[] b, int pos, int end) {
        while (pos < end) {
            int pq = (b[pos] & 0xFF) >> 4, tq = b[pos] & 0x0F;
            int size = pq == 0 ? 64 : 128;
            if (pos + 1 + size > end) return 0;
            if (tq == 0) {
                long sum = 0;
                for (int i = 0; i < 64; i++)
                    sum += pq == 0 ? b[pos + 1 + i] & 0xFF : (b[pos + 1 + 2 * i] & 0xFF) << 8 | b[pos + 2 + 2 * i] & 0xFF;
                int best = 0;
                long bestDiff = Long.MAX_VALUE;
                for (int q = 1; q <= 100; q++) {
                    long diff = Math.abs(SCALED_SUMS[q] - sum);
                    if (diff <= bestDiff) { best = q; bestDiff = diff; }
                }
                return best;
            }
            pos += 1 + size;
        }
        return 0;
    }

    /** The luminance table's sum at each IJG quality, as libjpeg's jpeg_set_quality makes it. */
    private static final long[] SCALED_SUMS = new long[101];
    static {
        for (int q = 1; q <= 100; q++) {
            int scale = q < 50 ? 5000 / q : 200 - 2 * q;
            long sum = 0;
            for (int v : STD_LUMINANCE) sum += Math.max(1, Math.min(255, (v * scale + 50) / 100));
            SCALED_SUMS[q] = sum;
        }
    }

    private static boolean startsWith(byte[] b, int pos, String ascii) {
        return startsWith(b, pos, ascii.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] b, int pos, byte[] prefix) {
        if (pos + prefix.length > b.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[pos + i] != prefix[i]) return false;
        return true;
    }
}
