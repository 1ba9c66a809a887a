package dev.picspace.gateway.vod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The API parameters of one VOD call, read with VOD's rules: a missing required one is
 * {@code MissingParameter}, a malformed or out-of-range one {@code InvalidParameter}, both naming
 * it (vod.md §2.2). The SDKs leave unset parameters out, so an empty value counts as absent.
 */
final class VodArguments {
    private final Map<String, String> params;

    VodArguments(Map<String, String> params) { this.params = params; }

    String string(String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    String requiredString(String name) {
        String v = string(name);
        if (v == null || v.isBlank()) throw new VodApiException(VodError.missingParameter(name));
        return v;
    }

    Long longValue(String name) {
        String v = string(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, name + " must be a whole number, not '" + v + "'.");
        }
    }

    long longValue(String name, long dflt, long min, long max) {
        Long v = longValue(name);
        if (v == null) return dflt;
        if (v < min || v > max) throw invalid(name, name + " must be within " + min + ".." + max + ", not " + v + ".");
        return v;
    }

    long requiredLong(String name) {
        Long v = longValue(name);
        if (v == null) throw new VodApiException(VodError.missingParameter(name));
        return v;
    }

    /** A comma-separated list, trimmed, empty entries and repeats dropped, at most {@code maxItems}. */
    List<String> requiredList(String name, int maxItems) {
        List<String> items = new ArrayList<>(new LinkedHashSet<>(split(requiredString(name))));
        if (items.isEmpty()) throw new VodApiException(VodError.missingParameter(name));
        if (items.size() > maxItems) throw invalid(name, name + " holds " + items.size() + " items, at most " + maxItems + " are allowed.");
        return items;
    }

    static List<String> split(String csv) {
        List<String> items = new ArrayList<>();
        for (String part : csv.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) items.add(p);
        }
        return items;
    }

    static VodApiException invalid(String name, String detail) {
        return new VodApiException(VodError.invalidParameter(name, detail));
    }

    /** Length in characters (code points), as VOD counts Title, Description and tags. */
    static int length(String s) { return s.codePointCount(0, s.length()); }

    /**
     * vod.md §3.4: no emoji in Title, Description or Tags. Emoji live outside the Basic
     * Multilingual Plane; refusing those code points is the rule a client can predict.
     */
    static void checkNoEmoji(String name, String s) {
        if (s.codePoints().anyMatch(cp -> cp > 0xFFFF))
            throw invalid(name, name + " must not contain emoji (characters outside the Basic Multilingual Plane).");
    }

    /**
     * Text that comes back in answers may hold no control characters but tab, CR and LF: JSON can
     * only carry the others as backslash-u escapes, and aliyun-java-sdk-core's JSON reader turns
     * those into the letters {@code u00XX} (vod.md, addendum).
     */
    static void checkNoControlCharacters(String name, String s) {
        if (s.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            throw invalid(name, name + " must not contain control characters other than tab and line breaks.");
    }

    /** The documented text limits, shared by CreateUploadImage and UpdateImageInfos. */
    static String checkTitle(String title) {
        if (title.isBlank()) throw invalid("Title", "Title must not be empty.");
        if (length(title) > 128) throw invalid("Title", "Title is longer than 128 characters.");
        checkNoEmoji("Title", title);
        checkNoControlCharacters("Title", title);
        return title;
    }

    static String checkDescription(String d) {
        if (length(d) > 1024) throw invalid("Description", "Description is longer than 1024 characters.");
        checkNoEmoji("Description", d);
        checkNoControlCharacters("Description", d);
        return d;
    }

    /** ≤16 comma-separated tags of ≤32 characters each; returned normalised (trimmed, joined by commas). */
    static String checkTags(String tags) {
        List<String> list = split(tags);
        if (list.size() > 16) throw invalid("Tags", "Tags holds " + list.size() + " tags, at most 16 are allowed.");
        for (String t : list) if (length(t) > 32) throw invalid("Tags", "The tag '" + t + "' is longer than 32 characters.");
        checkNoEmoji("Tags", tags);
        checkNoControlCharacters("Tags", tags);
        return String.join(",", list);
    }
}
