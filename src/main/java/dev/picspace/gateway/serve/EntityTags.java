package dev.picspace.gateway.serve;

/**
 * Matches a strong entity tag against the value of If-Match, If-None-Match or If-Range.
 *
 * <p>Written by hand rather than with {@code QuotedCSV} + {@code EtagUtils.matches} because the
 * latter treats a {@code --suffix} as a compressed variant of the same tag (Jetty's gzip
 * convention), which is wrong for our content hashes, and because this walks the header once
 * without allocating.
 */
final class EntityTags {
    private EntityTags() {}

    /**
     * Whether {@code fieldValue} (a {@code #entity-tag} list or {@code *}) contains {@code opaque}.
     *
     * <p>RFC 9110 §8.8.3.2: with the strong comparison both tags must be strong and equal; with the
     * weak comparison {@code W/"x"} and {@code "x"} match. Our own tag is always strong, so only the
     * other side's weakness matters. A member that is not a well-formed entity-tag never matches
     * (and does not spoil the members after it when the list can still be followed).
     *
     * @param opaque the tag's characters without quotes
     */
    static boolean listContains(String fieldValue, String opaque, boolean weakComparison) {
        int n = fieldValue.length();
        int i = 0;
        while (i < n) {
            // skip OWS and empty list elements (RFC 9110 §5.6.1: recipients accept empty elements)
            char c = fieldValue.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') { i++; continue; }
            if (c == '*') {
                // "*" matches any current representation (§13.1.1, §13.1.2); it only counts alone
                int j = skipOws(fieldValue, i + 1);
                if (j == n || fieldValue.charAt(j) == ',') return true;
                i = nextComma(fieldValue, i);
                continue;
            }
            boolean weak = false;
            if (c == 'W' && i + 1 < n && fieldValue.charAt(i + 1) == '/') {
                weak = true;
                i += 2;
            }
            if (i >= n || fieldValue.charAt(i) != '"') { i = nextComma(fieldValue, i); continue; }
            int close = fieldValue.indexOf('"', i + 1);
            if (close < 0) return false; // unterminated: nothing after it can be parsed
            int tagLength = close - i - 1;
            if ((weakComparison || !weak) && tagLength == opaque.length()
                    && fieldValue.regionMatches(i + 1, opaque, 0, tagLength)) {
                return true;
            }
            i = nextComma(fieldValue, close + 1);
        }
        return false;
    }

    /** Whether an If-Range value is an entity-tag (else it is meant as an HTTP-date). §13.1.5 */
    static boolean looksLikeEntityTag(String fieldValue) {
        String v = fieldValue.strip();
        return v.startsWith("\"") || v.startsWith("W/");
    }

    /** If-Range carries exactly one entity-tag, compared strongly (RFC 9110 §13.1.5). */
    static boolean strongSingleMatch(String fieldValue, String opaque) {
        String v = fieldValue.strip();
        return v.length() == opaque.length() + 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"'
                && v.regionMatches(1, opaque, 0, opaque.length());
    }

    private static int skipOws(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return i;
    }

    private static int nextComma(String s, int from) {
        int comma = s.indexOf(',', from);
        return comma < 0 ? s.length() : comma + 1;
    }
}
