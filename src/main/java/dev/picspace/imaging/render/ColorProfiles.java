package dev.picspace.imaging.render;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Embedded colour profiles. Derivatives are always sRGB without an embedded profile (what browsers
 * assume), so a picture tagged with another profile (Adobe RGB, Display P3, a CMYK press profile)
 * has its pixels converted on decode rather than being reinterpreted as sRGB, which would dull or
 * shift its colours.
 *
 * <p>Who converts: the JDK JPEG reader converts an embedded RGB profile itself, TwelveMonkeys does
 * for CMYK/YCCK JPEGs and for WebP, and this class does for PNG's {@code iCCP}. An sRGB profile is
 * not converted (camera JPEGs nearly all embed one, and converting sRGB to sRGB made decoding
 * 12 MP a third slower); what is sRGB is decided from the profile's primaries and tone curves
 * ({@link #isSrgb}), not from its name. Grey profiles on grey pictures are not converted (a grey
 * gamma tweak); a profile Java cannot parse is ignored, and the picture is then read as sRGB.
 */
final class ColorProfiles {
    private ColorProfiles() {}

    /** An ICC profile inflated from a PNG may not be larger than this. */
    static final int MAX_PROFILE = 4 * 1024 * 1024;

    /** sRGB's primaries adapted to D50, as every ICC v2/v4 sRGB matrix profile stores them. */
    private static final double[][] SRGB_COLORANTS = {
            {0.4361, 0.2225, 0.0139}, {0.3851, 0.7169, 0.0971}, {0.1431, 0.0606, 0.7141}};
    private static final int[] COLORANT_TAGS = {
            ICC_Profile.icSigRedColorantTag, ICC_Profile.icSigGreenColorantTag, ICC_Profile.icSigBlueColorantTag};
    private static final int[] TRC_TAGS = {
            ICC_Profile.icSigRedTRCTag, ICC_Profile.icSigGreenTRCTag, ICC_Profile.icSigBlueTRCTag};

    /**
     * Whether an RGB profile is sRGB in substance: a matrix/TRC profile with sRGB's primaries and a
     * tone curve within 1% of sRGB's. Read from the tags, not the description (Java's own linear
     * profile calls itself "linear sRGB"), and without building a colour transform (which costs
     * milliseconds per call). Anything else, including LUT-based profiles, is converted.
     */
    static boolean isSrgb(ICC_Profile profile) {
        try {
            for (int c = 0; c < 3; c++) {
                byte[] xyz = profile.getData(COLORANT_TAGS[c]);
                if (xyz == null || xyz.length < 20) return false;
                for (int i = 0; i < 3; i++)
                    if (Math.abs(s15Fixed16(xyz, 8 + 4 * i) - SRGB_COLORANTS[c][i]) > 0.005) return false;
                byte[] trc = profile.getData(TRC_TAGS[c]);
                for (double x : new double[] {0.1, 0.25, 0.5, 0.75, 0.9})
                    if (trc == null || Math.abs(curve(trc, x) - srgbToLinear(x)) > 0.01) return false;
            }
            return true;
        } catch (RuntimeException e) {
            return false; // a malformed tag: convert, which is always correct
        }
    }

    private static double srgbToLinear(double v) {
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** Evaluates an ICC 'curv' or 'para' tone curve at {@code x} in 0..1 (NaN for anything else). */
    private static double curve(byte[] t, double x) {
        String type = new String(t, 0, 4, StandardCharsets.ISO_8859_1);
        if (type.equals("curv")) {
            int n = u32(t, 8);
            if (n == 0) return x;
            if (n == 1) return Math.pow(x, u16(t, 12) / 256.0);
            if (t.length < 12 + 2 * n) return Double.NaN;
            double pos = x * (n - 1);
            int i = (int) Math.floor(pos);
            if (i >= n - 1) return u16(t, 12 + 2 * (n - 1)) / 65535.0;
            double a = u16(t, 12 + 2 * i) / 65535.0, b = u16(t, 12 + 2 * (i + 1)) / 65535.0;
            return a + (b - a) * (pos - i);
        }
        if (type.equals("para")) {
            int function = u16(t, 8);
            double[] p = new double[7];
            int count = new int[] {1, 3, 4, 5, 7}[Math.min(function, 4)];
            for (int i = 0; i < count; i++) p[i] = s15Fixed16(t, 12 + 4 * i);
            double g = p[0], a = p[1], b = p[2], c = p[3], d = p[4], e = p[5], f = p[6];
            return switch (function) {
                case 0 -> Math.pow(x, g);
                case 1 -> x >= -b / a ? Math.pow(a * x + b, g) : 0;
                case 2 -> x >= -b / a ? Math.pow(a * x + b, g) + c : c;
                case 3 -> x >= d ? Math.pow(a * x + b, g) : c * x;
                case 4 -> x >= d ? Math.pow(a * x + b, g) + e : c * x + f;
                default -> Double.NaN;
            };
        }
        return Double.NaN;
    }

    private static double s15Fixed16(byte[] b, int at) {
        return (b[at] << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF) / 65536.0;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    /** Parses a profile; null when Java cannot (the picture is then treated as sRGB). */
    static ICC_Profile parse(byte[] data) {
        if (data == null) return null;
        try {
            return ICC_Profile.getInstance(data);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether pixels in this profile need converting to be sRGB. */
    static boolean needsConversion(ICC_Profile profile) {
        return profile != null && profile.getColorSpaceType() == ColorSpace.TYPE_RGB && !isSrgb(profile);
    }

    /**
     * Converts, in place, the colour channels of a picture whose samples are in {@code profile}
     * but whose colour model claims sRGB (what the PNG reader produces). Alpha is left alone.
     */
    static BufferedImage convertToSrgb(BufferedImage image, ICC_Profile profile) {
        if (image.getColorModel().getNumColorComponents() != 3) return image;
        ColorConvertOp op = new ColorConvertOp(new ICC_ColorSpace(profile), ColorSpace.getInstance(ColorSpace.CS_sRGB), null);
        WritableRaster raster = image.getRaster();
        WritableRaster colour = image.getColorModel().hasAlpha()
                ? raster.createWritableChild(0, 0, raster.getWidth(), raster.getHeight(), 0, 0, new int[] {0, 1, 2})
                : raster;
        op.filter(colour, colour);
        return image;
    }

    /**
     * A PNG's {@code iCCP} profile bytes (inflated, at most {@link #MAX_PROFILE}), or null when there
     * is none, an {@code sRGB} chunk says the picture is sRGB, or the chunk is unreadable.
     */
    static byte[] pngProfile(byte[] b) {
        int pos = 8;
        byte[] found = null;
        while (pos + 12 <= b.length) {
            long length = (b[pos] & 0xFFL) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | b[pos + 3] & 0xFF;
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            long end = pos + 12 + length;
            if (end > b.length) return null;
            int data = pos + 8;
            if (type.equals("IDAT") || type.equals("IEND")) break;
            if (type.equals("sRGB")) return null;
            if (type.equals("iCCP")) {
                int nul = data;
                while (nul < data + Math.min(length, 80) && b[nul] != 0) nul++;
                int compressed = nul + 2; // NUL, then the compression method (0 = zlib)
                if (compressed > data + length) return null;
                found = inflate(b, compressed, (int) (data + length - compressed));
            }
            pos = (int) end;
        }
        return found;
    }

    private static byte[] inflate(byte[] b, int offset, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, offset, length);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) return null;
                out.write(buffer, 0, n);
                if (out.size() > MAX_PROFILE) return null;
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
