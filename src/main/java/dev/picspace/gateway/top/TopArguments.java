package dev.picspace.gateway.top;

import dev.picspace.gateway.http.FilePart;
import dev.picspace.gateway.http.RequestParameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The API (not system) parameters of one TOP call, read with TOP's rules: a missing required
 * one is error 40, a malformed one 41, both naming the parameter as the live gateway does.
 */
final class TopArguments {
    private final RequestParameters params;

    TopArguments(RequestParameters params) { this.params = params; }

    /** The value, or null when absent or blank (the Java SDK never sends blank values). */
    String string(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    String requiredString(String name) {
        String v = string(name);
        if (v == null) throw new TopApiException(TopError.missingArgument(name));
        return v;
    }

    Long longValue(String name) {
        String v = string(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new TopApiException(TopError.invalidArgument(name, name + " must be a whole number, not '" + v + "'"));
        }
    }

    long requiredLong(String name) {
        Long v = longValue(name);
        if (v == null) throw new TopApiException(TopError.missingArgument(name));
        return v;
    }

    long longValue(String name, long dflt, long min, long max) {
        Long v = longValue(name);
        if (v == null) return dflt;
        if (v < min || v > max)
            throw new TopApiException(TopError.invalidArgument(name, "the value of " + name + " must be within " + min + ".." + max));
        return v;
    }

    Boolean bool(String name) {
        String v = string(name);
        if (v == null) return null;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new TopApiException(TopError.invalidArgument(name, name + " must be true or false"));
        };
    }

    Instant date(String name) {
        String v = string(name);
        if (v == null) return null;
        try {
            return TopTimestamp.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new TopApiException(TopError.invalidArgument(name, name + " must be yyyy-MM-dd HH:mm:ss"));
        }
    }

    /** A comma-separated list of ids ({@code String[]} params go comma-joined on the wire, top.md §5). */
    List<Long> requiredIdList(String name, int maxItems) {
        String v = requiredString(name);
        List<Long> ids = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            try {
                ids.add(Long.parseLong(p));
            } catch (NumberFormatException e) {
                throw new TopApiException(TopError.invalidArgument(name, "'" + p + "' in " + name + " is not a picture id"));
            }
        }
        if (ids.isEmpty()) throw new TopApiException(TopError.missingArgument(name));
        if (ids.size() > maxItems)
            throw new TopApiException(TopError.invalidArgument(name, "the array size of " + name + " must be at most " + maxItems));
        return ids;
    }

    /** The string's length with a CJK (non-ASCII) character counted as 2, as Taobao measures category names. */
    static int doubleWidthLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += cp < 0x80 ? 1 : 2;
            i += Character.charCount(cp);
        }
        return n;
    }

    FilePart requiredFile(String name) {
        return params.file(name).orElseThrow(() -> new TopApiException(TopError.missingArgument(name)));
    }
}
