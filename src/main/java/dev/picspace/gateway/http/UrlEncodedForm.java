package dev.picspace.gateway.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.function.BiConsumer;

/**
 * Decodes {@code application/x-www-form-urlencoded} text (a query string or a form body): pairs split
 * on {@code &}, name and value on the first {@code =}, {@code +} is a space, {@code %XX} a byte, and
 * the bytes are then decoded in the given charset. A pair without {@code =} is a name with an empty
 * value; empty pairs and empty names are skipped.
 *
 * <p>Strict where leniency would only move the failure: a bad {@code %} escape or bytes that are not
 * valid in the charset throw {@link MalformedRequestException} — a replacement character would
 * only surface later as a signature mismatch (the signature covers the decoded value, top.md §2.5).
 */
final class UrlEncodedForm {
    private UrlEncodedForm() {}

    static void parse(byte[] raw, Charset charset, String where, BiConsumer<String, String> sink) {
        int n = raw.length;
        int start = 0;
        while (start <= n) {
            int end = start;
            while (end < n && raw[end] != '&') end++;
            if (end > start) {
                int eq = start;
                while (eq < end && raw[eq] != '=') eq++;
                String name = decode(raw, start, eq, charset, where);
                String value = eq < end ? decode(raw, eq + 1, end, charset, where) : "";
                if (!name.isEmpty()) sink.accept(name, value);
            }
            start = end + 1;
        }
    }

    private static String decode(byte[] raw, int from, int to, Charset charset, String where) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '+') {
                bytes.write(' ');
            } else if (b == '%') {
                int hi = i + 2 < to ? Character.digit(raw[i + 1], 16) : -1;
                int lo = i + 2 < to ? Character.digit(raw[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) throw new MalformedRequestException("invalid percent-encoding in " + where);
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        return strictDecode(bytes.toByteArray(), charset, where);
    }

    /** Decodes with REPORT instead of the JDK default of silently substituting U+FFFD. */
    static String strictDecode(byte[] bytes, Charset charset, String where) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRequestException("text in " + where + " is not valid " + charset.name(), e);
        }
    }
}
