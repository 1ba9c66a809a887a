package dev.picspace.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * A tenant's watermark setting: the 15 fields of Taobao's {@code water_mark} string, typed.
 *
 * <p>The string form is the contract ({@code userinfo.get} returns what {@code set-watermark} took),
 * so a parsed setting remembers the exact text it came from and {@link #toWireString()} gives it
 * back byte for byte; the typed accessors are what rendering uses. {@code null} in a field means
 * "empty", as in the Taobao document.
 */
public record Watermark(boolean global, String text, boolean textFirst, double opacity, String font,
                        int fontSize, boolean bold, boolean italic, boolean underline,
                        int red, int green, int blue, int rotation, boolean shadow,
                        double positionX, double positionY, String imageUrl, Reference reference,
                        String wire) {

    /** Which point of the picture the position is measured from (field 15). */
    public enum Reference {
        TOP_LEFT(1), BOTTOM_RIGHT(2), CENTER(3);
        public final int code;
        Reference(int code) { this.code = code; }
        static Reference of(int code) {
            for (Reference r : values()) if (r.code == code) return r;
            throw new Exceptions.InvalidArgumentException("water_mark", "reference must be 1 (top left), 2 (bottom right) or 3 (center), not " + code);
        }
    }

    public static final int FIELDS = 15;

    /** The empty setting, rendered as {@code ""}. */
    public static Optional<Watermark> none() { return Optional.empty(); }

    /**
     * Parses the 15-field string. Throws {@link Exceptions.InvalidArgumentException} naming the
     * first field that does not fit.
     */
    public static Watermark parse(String s) {
        String[] f = s.split("\\|", -1);
        if (f.length != FIELDS)
            throw new Exceptions.InvalidArgumentException("water_mark", "water_mark needs 15 '|'-separated fields, got " + f.length);
        boolean global = bool(f[0], 1);
        String text = nullable(f[1]);
        boolean textFirst = bool(f[2], 3);
        double opacity = dbl(f[3], 4);
        if (opacity < 0 || opacity > 1) throw bad(4, "opacity must be within 0..1");
        String font = nullable(f[4]);
        int fontSize = f[5].equals("null") ? 16 : integer(f[5], 6);
        if (fontSize < 1 || fontSize > 500) throw bad(6, "font size must be within 1..500");
        boolean bold = bool(f[6], 7), italic = bool(f[7], 8), underline = bool(f[8], 9);
        String[] rgb = f[9].split(",", -1);
        if (rgb.length != 3) throw bad(10, "colour must be r,g,b");
        int r = channel(rgb[0]), g = channel(rgb[1]), b = channel(rgb[2]);
        int rotation = integer(f[10], 11);
        boolean shadow = bool(f[11], 12);
        String[] pos = f[12].split(",", -1);
        if (pos.length != 2) throw bad(13, "position must be x,y");
        double x = dbl(pos[0], 13), y = dbl(pos[1], 13);
        String imageUrl = nullable(f[13]);
        Reference ref = f[14].equals("null") ? Reference.TOP_LEFT : Reference.of(integer(f[14], 15));
        return new Watermark(global, text, textFirst, opacity, font, fontSize, bold, italic, underline,
                r, g, b, rotation, shadow, x, y, imageUrl, ref, s);
    }

    /** The exact string this setting was parsed from. */
    public String toWireString() { return wire; }

    private static String nullable(String v) { return v.equals("null") || v.isEmpty() ? null : v; }

    private static boolean bool(String v, int field) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false", "null" -> false;
            default -> throw bad(field, "must be true or false, not '" + v + "'");
        };
    }

    private static double dbl(String v, int field) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) throw bad(field, "not a finite number");
            return d;
        } catch (NumberFormatException e) {
            throw bad(field, "'" + v + "' is not a number");
        }
    }

    private static int integer(String v, int field) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(field, "'" + v + "' is not a whole number");
        }
    }

    private static int channel(String v) {
        int c = integer(v, 10);
        if (c < 0 || c > 255) throw bad(10, "colour channels must be within 0..255");
        return c;
    }

    private static Exceptions.InvalidArgumentException bad(int field, String why) {
        return new Exceptions.InvalidArgumentException("water_mark", "water_mark field " + field + ": " + why);
    }
}
