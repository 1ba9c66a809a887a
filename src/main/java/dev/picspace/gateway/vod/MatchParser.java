package dev.picspace.gateway.vod;

import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureFilter.TextField;
import dev.picspace.domain.PictureFilter.TimeField;
import dev.picspace.domain.PictureStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SearchMedia's {@code Match} for images (vod.md §3.6, "Protocol for media asset search"):
 * <pre>
 *   match     := andExpr                       (a bare top-level "or" is an error: it must be parenthesised)
 *   andExpr   := term ("and" term)*
 *   term      := "(" orExpr ")" | condition
 *   orExpr    := andExpr ("or" andExpr)*
 *   condition := Field "=" value               exact, or fuzzy (substring) on fuzzy fields
 *              | Field "in" "(" value ("," value)* ")"   any of the values
 *              | Field "=" ("(" | "[") value? "," value? (")" | "]")   range, open ( or closed [
 *   value     := 'single-quoted' (\' and \\ escape) | bare word
 * </pre>
 * Keywords are case-insensitive, field names too. Each field allows what the document's table
 * says: ImageId and CateId exact; Title, Tags, Description and FileName fuzzy and multi; Status
 * and AppId multi (a single {@code =} is taken as a one-value list); StorageLocation exact and
 * multi; CreationTime and ModificationTime range. CateName and URL are returned but not
 * searchable. Anything else is {@code ErrorMatchSyntax}.
 */
final class MatchParser {
    private final String text;
    private final String appId;
    private final String storageLocation;
    private int pos;

    private MatchParser(String text, String appId, String storageLocation) {
        this.text = text;
        this.appId = appId;
        this.storageLocation = storageLocation;
    }

    /**
     * @param appId           the one AppId picspace has (an AppId condition is decided here)
     * @param storageLocation the one StorageLocation picspace has
     * @throws VodApiException ErrorMatchSyntax
     */
    static PictureFilter parse(String match, String appId, String storageLocation) {
        if (match == null || match.isBlank()) return PictureFilter.everything();
        MatchParser p = new MatchParser(match, appId, storageLocation);
        PictureFilter f = p.andExpr();
        p.skipSpace();
        if (p.pos < p.text.length()) {
            if (p.keywordAhead("or"))
                throw p.error("Match", "'or' must be inside parentheses, as in (Title = 'a' or Tags = 'b').");
            throw p.error("Match", "unexpected text at position " + (p.pos + 1) + ": '" + p.rest() + "'.");
        }
        return f;
    }

    private PictureFilter andExpr() {
        List<PictureFilter> parts = new ArrayList<>();
        parts.add(term());
        while (keywordAhead("and")) {
            expectKeyword("and");
            parts.add(term());
        }
        return parts.size() == 1 ? parts.get(0) : new PictureFilter.All(parts);
    }

    private PictureFilter term() {
        skipSpace();
        if (peek() == '(') {
            pos++;
            List<PictureFilter> parts = new ArrayList<>();
            parts.add(andExpr());
            while (keywordAhead("or")) {
                expectKeyword("or");
                parts.add(andExpr());
            }
            expect(')', "Match");
            return parts.size() == 1 ? parts.get(0) : new PictureFilter.Any(parts);
        }
        return condition();
    }

    private PictureFilter condition() {
        skipSpace();
        String field = word();
        if (field.isEmpty()) throw error("Match", "a field name is expected at position " + (pos + 1) + ".");
        Field f = Field.of(field);
        if (f == null) throw error(field, field + " is not a searchable image field.");
        skipSpace();
        if (keywordAhead("in")) {
            expectKeyword("in");
            if (!f.multi) throw error(f.wire, f.wire + " does not take a list of values (in).");
            skipSpace();
            expect('(', f.wire);
            List<String> values = new ArrayList<>();
            values.add(value(f.wire));
            while (skipSpaceAndPeek() == ',') {
                pos++;
                values.add(value(f.wire));
            }
            expect(')', f.wire);
            return multi(f, values);
        }
        expect('=', f.wire);
        char c = skipSpaceAndPeek();
        if (c == '(' || c == '[') {
            if (!f.range) throw error(f.wire, f.wire + " does not take a range.");
            pos++;
            boolean fromInclusive = c == '[';
            String from = skipSpaceAndPeek() == ',' ? "" : value(f.wire);
            expect(',', f.wire);
            char close = skipSpaceAndPeek();
            String to = close == ')' || close == ']' ? "" : value(f.wire);
            close = skipSpaceAndPeek();
            if (close != ')' && close != ']') throw error(f.wire, "a range ends with ) or ].");
            pos++;
            return new PictureFilter.TimeRange(f.time, time(f, from), fromInclusive, time(f, to), close == ']');
        }
        String v = value(f.wire);
        if (f.exact) return exact(f, v);
        if (f.text != null) return new PictureFilter.TextContains(f.text, v);
        if (f.multi) return multi(f, List.of(v)); // Status = 'Normal' is Status in ('Normal')
        throw error(f.wire, f.wire + " only takes a range, as in " + f.wire + " = ('2024-01-01T00:00:00Z','2024-12-31T23:59:59Z').");
    }

    private PictureFilter exact(Field f, String v) {
        return switch (f) {
            case IMAGE_ID -> new PictureFilter.ImageIdIs(v);
            case CATE_ID -> {
                long id;
                try {
                    id = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw error(f.wire, "CateId must be a number, not '" + v + "'.");
                }
                yield new PictureFilter.CategoryIs(id < 0 ? 0 : id); // -1 (VOD's root) and 0: uncategorised
            }
            case STORAGE_LOCATION -> new PictureFilter.Constant(v.equals(storageLocation));
            default -> throw new IllegalStateException(f + " is not exact");
        };
    }

    private PictureFilter multi(Field f, List<String> values) {
        return switch (f) {
            case STATUS -> {
                Set<PictureStatus> statuses = EnumSet.noneOf(PictureStatus.class);
                for (String v : values) {
                    PictureStatus s = VodImages.statusOf(v);
                    if (s != null) statuses.add(s); // other VOD statuses exist (for videos); no image has them
                }
                yield new PictureFilter.StatusIn(statuses);
            }
            case APP_ID -> new PictureFilter.Constant(values.contains(appId));
            case STORAGE_LOCATION -> new PictureFilter.Constant(values.contains(storageLocation));
            default -> {
                List<PictureFilter> any = new ArrayList<>();
                for (String v : values) any.add(new PictureFilter.TextContains(f.text, v));
                yield any.size() == 1 ? any.get(0) : new PictureFilter.Any(any);
            }
        };
    }

    private Instant time(Field f, String v) {
        if (v.isEmpty()) return null;
        try {
            return VodTime.parse(v);
        } catch (IllegalArgumentException e) {
            throw error(f.wire, f.wire + " bounds are times such as 2024-01-31T23:59:59Z, not '" + v + "'.");
        }
    }

    // ------------------------------------------------------------------ lexing

    private String value(String field) {
        skipSpace();
        if (peek() == '\'') {
            pos++;
            StringBuilder b = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\'') return b.toString();
                if (c == '\\' && pos < text.length()) c = text.charAt(pos++);
                b.append(c);
            }
            throw error(field, "a quoted value is not closed.");
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && "()[],='".indexOf(text.charAt(pos)) < 0) pos++;
        if (pos == start) throw error(field, "a value is expected at position " + (pos + 1) + ".");
        return text.substring(start, pos);
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) pos++;
        return text.substring(start, pos);
    }

    private boolean keywordAhead(String keyword) {
        skipSpace();
        int end = pos + keyword.length();
        return end <= text.length() && text.substring(pos, end).equalsIgnoreCase(keyword)
                && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
    }

    private void expectKeyword(String keyword) {
        if (!keywordAhead(keyword)) throw error("Match", "'" + keyword + "' expected.");
        pos += keyword.length();
    }

    private void expect(char c, String field) {
        if (skipSpaceAndPeek() != c) throw error(field, "'" + c + "' expected at position " + (pos + 1) + ".");
        pos++;
    }

    private char skipSpaceAndPeek() {
        skipSpace();
        return peek();
    }

    private char peek() { return pos < text.length() ? text.charAt(pos) : '\0'; }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private String rest() {
        String r = text.substring(pos);
        return r.length() > 40 ? r.substring(0, 40) + "…" : r;
    }

    private VodApiException error(String field, String detail) {
        return new VodApiException(VodError.matchSyntax(field, detail));
    }

    /** The image fields of the document's table and what each allows. */
    private enum Field {
        IMAGE_ID("ImageId", true, false, false, null, null),
        APP_ID("AppId", false, true, false, null, null),
        CATE_ID("CateId", true, false, false, null, null),
        STORAGE_LOCATION("StorageLocation", true, true, false, null, null),
        FILE_NAME("FileName", false, true, false, TextField.ORIGINAL_FILE_NAME, null),
        TITLE("Title", false, true, false, TextField.TITLE, null),
        TAGS("Tags", false, true, false, TextField.TAGS, null),
        DESCRIPTION("Description", false, true, false, TextField.DESCRIPTION, null),
        STATUS("Status", false, true, false, null, null),
        CREATION_TIME("CreationTime", false, false, true, null, TimeField.CREATED),
        MODIFICATION_TIME("ModificationTime", false, false, true, null, TimeField.MODIFIED);

        final String wire;
        final boolean exact, multi, range;
        final TextField text;
        final TimeField time;

        Field(String wire, boolean exact, boolean multi, boolean range, TextField text, TimeField time) {
            this.wire = wire;
            this.exact = exact;
            this.multi = multi;
            this.range = range;
            this.text = text;
            this.time = time;
        }

        static Field of(String name) {
            for (Field f : values()) if (f.wire.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) return f;
            return null;
        }
    }
}
