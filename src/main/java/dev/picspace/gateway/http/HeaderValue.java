package dev.picspace.gateway.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A header value of the form {@code token *( ";" name "=" value )} — Content-Type and
 * Content-Disposition. Tolerant the way real clients need: no space after {@code ;} (the TOP Java
 * SDK writes {@code multipart/form-data;charset=UTF-8;boundary=4028509908175}), quoted or bare
 * values, and parameter names in any case.
 *
 * <p>Quoted values: {@code \"} is an escaped quote; any other backslash is kept as it is, because
 * browsers put raw Windows paths ({@code C:\dir\a.jpg}) in filenames rather than RFC 2616 quoted
 * pairs (RFC 7578 §4.2 leaves escaping to the sender).
 */
final class HeaderValue {
    /** The part before the first {@code ;}, trimmed and lowercased, e.g. {@code multipart/form-data}. */
    final String token;
    /** Parameters by lowercased name; the first of a repeated name wins. */
    final Map<String, String> params;

    private HeaderValue(String token, Map<String, String> params) {
        this.token = token;
        this.params = params;
    }

    String param(String name) { return params.get(name); }

    static HeaderValue parse(String value) {
        if (value == null) return new HeaderValue("", Collections.emptyMap());
        int n = value.length();
        int semi = value.indexOf(';');
        String token = (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = semi < 0 ? n : semi + 1;
        while (i < n) {
            while (i < n && (value.charAt(i) == ';' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) i++;
            int nameStart = i;
            while (i < n && value.charAt(i) != '=' && value.charAt(i) != ';') i++;
            String name = value.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            String val = "";
            if (i < n && value.charAt(i) == '=') {
                i++;
                while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) i++;
                if (i < n && value.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < n && value.charAt(i) != '"') {
                        char c = value.charAt(i);
                        if (c == '\\' && i + 1 < n && value.charAt(i + 1) == '"') {
                            quoted.append('"');
                            i += 2;
                        } else {
                            quoted.append(c);
                            i++;
                        }
                    }
                    i++; // closing quote (or end of an unterminated value, taken as it is)
                    val = quoted.toString();
                    while (i < n && value.charAt(i) != ';') i++; // junk after the closing quote
                } else {
                    int valStart = i;
                    while (i < n && value.charAt(i) != ';') i++;
                    val = value.substring(valStart, i).trim();
                }
            }
            if (!name.isEmpty()) params.putIfAbsent(name, val);
        }
        return new HeaderValue(token, params);
    }
}
