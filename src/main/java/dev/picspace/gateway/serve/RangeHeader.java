package dev.picspace.gateway.serve;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.http.ByteRange;

/**
 * Parses a {@code Range} request header against a representation of known length (RFC 9110 §14.1,
 * §14.2) and decides what the response should be.
 *
 * <p>Not {@code ByteRange.parse}: Jetty's parser answers an empty list both for a syntactically
 * invalid header (which must be ignored, so 200) and for a valid but unsatisfiable one (which is
 * 416), and it keeps the ranges before a malformed one. We need to tell those apart, so this parser
 * is strict; it still produces Jetty {@link ByteRange}s so the Content-Range formatting is Jetty's.
 */
final class RangeHeader {
    private RangeHeader() {}

    /**
     * More range-specs than this and the header is ignored (a full 200 is sent): RFC 9110 §14.2 lets
     * a server ignore "a set of many small ranges" as an indication of a broken client or an attack.
     */
    static final int MAX_RANGES = 16;

    /**
     * Ranges closer than this are merged into one part: a multipart part header costs about as many
     * bytes (RFC 9110 §14.2 allows coalescing ranges "separated by a gap that is smaller than the
     * overhead of sending multiple parts", regardless of the order they were asked in).
     */
    static final long COALESCE_GAP = 80;

    enum Kind {
        /** Invalid, unknown unit, too many ranges, or nothing to slice: send the full 200. */
        IGNORE,
        /** Valid, but no range-spec overlaps the representation: 416 (§15.5.17). */
        UNSATISFIABLE,
        /** One or more sorted, disjoint, coalesced ranges: 206 (§15.3.7). */
        PARTIAL
    }

    record Outcome(Kind kind, List<ByteRange> ranges) {
        static final Outcome IGNORE = new Outcome(Kind.IGNORE, List.of());
        static final Outcome UNSATISFIABLE = new Outcome(Kind.UNSATISFIABLE, List.of());
    }

    /** @param value the single Range field value; @param length the selected representation's length */
    static Outcome evaluate(String value, long length) {
        int n = value.length();
        // range-unit is case-insensitive (§14.1); only "bytes" is known, any other unit is ignored (§14.2)
        if (n < 6 || !value.regionMatches(true, 0, "bytes=", 0, 6)) return Outcome.IGNORE;
        List<ByteRange> satisfiable = new ArrayList<>(2);
        int specs = 0;
        int i = 6;
        while (true) {
            // 1#range-spec: OWS and empty list elements are allowed around commas (§5.6.1)
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) i++;
            if (i >= n) break;
            if (++specs > MAX_RANGES) return Outcome.IGNORE;

            long first = -1;
            int digitsStart = i;
            long number = 0;
            while (i < n && isDigit(value.charAt(i))) number = saturatingAppend(number, value.charAt(i++));
            if (i > digitsStart) first = number;
            if (i >= n || value.charAt(i) != '-') return Outcome.IGNORE;
            i++;
            long last = -1;
            digitsStart = i;
            number = 0;
            while (i < n && isDigit(value.charAt(i))) number = saturatingAppend(number, value.charAt(i++));
            if (i > digitsStart) last = number;
            // after a spec only OWS and then a comma or the end may follow
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) i++;
            if (i < n && value.charAt(i) != ',') return Outcome.IGNORE;

            if (first >= 0) {
                // int-range; "invalid if the last-pos value is present and less than the first-pos" (§14.1.1)
                if (last >= 0 && last < first) return Outcome.IGNORE;
                // satisfiable only if first-pos < length; last-pos is clipped to the end (§14.1.1)
                if (first < length) satisfiable.add(new ByteRange(first, last < 0 || last >= length ? length - 1 : last));
            } else {
                if (last < 0) return Outcome.IGNORE; // "-" alone
                // suffix-range: satisfiable only with a non-zero suffix-length (§14.1.1); a suffix longer
                // than the representation selects all of it
                if (last > 0 && length > 0) satisfiable.add(new ByteRange(Math.max(0, length - last), length - 1));
            }
        }
        if (specs == 0) return Outcome.IGNORE;
        if (satisfiable.isEmpty()) {
            // a zero-length representation has no byte to point at: just send it (empty) with 200
            return length == 0 ? Outcome.IGNORE : Outcome.UNSATISFIABLE;
        }
        return new Outcome(Kind.PARTIAL, coalesce(satisfiable));
    }

    /** Sorts and merges overlapping or nearly adjacent ranges, so no byte is sent twice (§14.2 abuse). */
    private static List<ByteRange> coalesce(List<ByteRange> ranges) {
        if (ranges.size() == 1) return ranges;
        ranges.sort((a, b) -> Long.compare(a.first(), b.first()));
        List<ByteRange> merged = new ArrayList<>(ranges.size());
        ByteRange current = ranges.get(0);
        for (int k = 1; k < ranges.size(); k++) {
            ByteRange next = ranges.get(k);
            if (next.first() <= current.last() + 1 + COALESCE_GAP) {
                current = new ByteRange(current.first(), Math.max(current.last(), next.last()));
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** Numbers past Long.MAX_VALUE stay there: "bytes=0-99999999999999999999" is valid and means "to the end". */
    private static long saturatingAppend(long number, char digit) {
        if (number > (Long.MAX_VALUE - 9) / 10) return Long.MAX_VALUE;
        return number * 10 + (digit - '0');
    }
}
