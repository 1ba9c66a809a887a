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
 * for CMYK/YCCK JPEGs and for WebP, and this class does for PNG's {@code iCCP}. A profile that names
 * itself sRGB is taken at its word and not converted (camera JPEGs nearly all embed one, and
 * converting sRGB to sRGB made decoding 12 MP a third slower). Grey profiles on grey pictures are
 * not converted (a grey gamma tweak); a profile Java cannot parse is ignored, and the picture is
 * then read as sRGB.
 */
final class ColorProfiles {
    private ColorProfiles() {}

    /** An ICC profile, inflated from a PNG is never allowed to be larger than this. */
    static final int MAX_PROFILE = 4 * 1024 * 1024;

    /** Whether the profile's description says sRGB (v2 'desc' ASCII or v4 'mluc' UTF-16 alike). */
    static boolean describesSrgb(ICC_Profile profile) {
        byte[] desc = profile.getData(ICC_Profile.icSigProfileDescriptionTag);
        if (desc == null) return false;
        StringBuilder ascii = new StringBuilder(desc.length);
        for (byte b : desc) if (b >= 0x20 && b < 0x7F) ascii.append((char) b);
        return ascii.toString().toLowerCase(java.util.Locale.ROOT).contains("srgb");
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
        return profile != null && profile.getColorSpaceType() == ColorSpace.TYPE_RGB && !describesSrgb(profile);
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
