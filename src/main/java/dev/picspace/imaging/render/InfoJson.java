package dev.picspace.imaging.render;

import dev.picspace.domain.ImageFormat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The info operation's answer, shaped like OSS's: every field an object with a string
 * {@code value}, in alphabetical order, e.g.
 * {@code {"FileSize":{"value":"21839"},"Format":{"value":"jpg"},"ImageHeight":{"value":"267"},"ImageWidth":{"value":"400"}}},
 * followed in OSS by the EXIF tags (here without GPS and device-identifying tags, see {@link Exif}).
 * Written by hand: five fields and a map of strings do not need a JSON library in this layer.
 */
final class InfoJson {
    private InfoJson() {}

    static final String MEDIA_TYPE = "application/json";

    static byte[] of(long fileSize, ImageFormat format, int width, int height, Map<String, String> exif) {
        Map<String, String> fields = new TreeMap<>(exif);
        // the measured values win over EXIF's own ImageWidth/ImageHeight tags, which may be stale
        fields.put("FileSize", Long.toString(fileSize));
        fields.put("Format", format.extension());
        fields.put("ImageHeight", Integer.toString(height));
        fields.put("ImageWidth", Integer.toString(width));
        StringBuilder b = new StringBuilder(64 + 48 * fields.size()).append('{');
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (b.length() > 1) b.append(',');
            string(b, e.getKey());
            b.append(":{\"value\":");
            string(b, e.getValue());
            b.append('}');
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // control characters and the two line separators JavaScript chokes on
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
