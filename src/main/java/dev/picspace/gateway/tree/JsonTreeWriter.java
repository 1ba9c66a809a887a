package dev.picspace.gateway.tree;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Renders a response {@link Document} as UTF-8 JSON with Jackson's streaming generator (the tree is
 * walked here; nothing goes through data binding, so no number ever passes through a double).
 *
 * <p>Root: with {@link Document#wrapRootInJson()} the body sits under the root name
 * ({@code {"picture_get_response":{…}}}, TOP, top.md §3.2); without it the body's fields are the top
 * level (VOD). TOP's {@code simplify=true} drops the wrapper — except for {@code error_response},
 * which stays wrapped so clients can still tell an error (top.md §3.2 "Simplified JSON") — and writes
 * {@code TOP_LIST} lists as plain arrays.
 *
 * <p>Lists: {@code TOP_LIST} ⇒ {@code "pictures":{"picture":[…]}}, empty ⇒ {@code "pictures":{}}
 * (as captured live, top.md §3.2; the Java SDK then yields null); {@code FLAT} ⇒ {@code "X":[…]};
 * {@code WRAPPED} ⇒ {@code "X":{"Item":[…]}}, empty ⇒ {@code "X":{"Item":[]}}; {@code VOD_FLAT} ⇒ {@code "X":[…]}.
 *
 * <p>Scalars: Long/Integer/BigDecimal as exact JSON numbers (64-bit ids above 2^53 keep every digit,
 * top.md §0.8), Double as a JSON number (a non-finite double, which JSON cannot express, comes out
 * as Jackson's quoted {@code "NaN"}/{@code "Infinity"}), Boolean as {@code true}/{@code false},
 * String as a string. Non-ASCII text is written as raw UTF-8, {@code /} is not escaped.
 */
public final class JsonTreeWriter {
    private JsonTreeWriter() {}

    static final String ERROR_ROOT = "error_response";

    /*
     * Supplementary characters (emoji in a title) as raw 4-byte UTF-8 rather than two escaped
     * surrogates: both are valid JSON, raw matches "non-ASCII as UTF-8" everywhere else. Forward
     * slashes stay unescaped (TOP's escaped slash is cosmetic, top.md §9.7).
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .build();

    public static byte[] write(Document doc, boolean simplify) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
            ObjectNode body = doc.body() == null ? ObjectNode.object() : doc.body();
            boolean wrap = simplify ? ERROR_ROOT.equals(doc.rootName()) : doc.wrapRootInJson();
            if (wrap) {
                json.writeStartObject();
                json.writeFieldName(doc.rootName());
            }
            writeObject(json, body, simplify);
            if (wrap) json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e); // cannot happen with a byte array
        }
        return bytes.toByteArray();
    }

    private static void writeObject(JsonGenerator json, ObjectNode object, boolean simplify) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, Node> field : object.fields().entrySet()) {
            json.writeFieldName(field.getKey());
            writeValue(json, field.getKey(), field.getValue(), simplify);
        }
        json.writeEndObject();
    }

    /** Writes the value a field called {@code name} has; {@code name} only labels error messages. */
    private static void writeValue(JsonGenerator json, String name, Node node, boolean simplify) throws IOException {
        if (node instanceof Scalar scalar) writeScalar(json, scalar);
        else if (node instanceof ObjectNode object) writeObject(json, object, simplify);
        else writeList(json, name, (ListNode) node, simplify); // Node is sealed: nothing else exists
    }

    private static void writeList(JsonGenerator json, String name, ListNode list, boolean simplify) throws IOException {
        switch (list.wrapping()) {
            case TOP_LIST -> {
                if (simplify) {
                    writeArray(json, name, list, true);
                } else {
                    String item = XmlTreeWriter.itemName(name, list);
                    json.writeStartObject();
                    if (!list.items().isEmpty()) { // live TOP writes an empty list as {} (top.md §3.2)
                        json.writeFieldName(item);
                        writeArray(json, item, list, false);
                    }
                    json.writeEndObject();
                }
            }
            case FLAT, VOD_FLAT -> writeArray(json, name, list, simplify);
            case WRAPPED -> {
                String item = XmlTreeWriter.itemName(name, list);
                json.writeStartObject();
                json.writeFieldName(item);
                writeArray(json, item, list, simplify);
                json.writeEndObject();
            }
        }
    }

    private static void writeArray(JsonGenerator json, String name, ListNode list, boolean simplify) throws IOException {
        json.writeStartArray();
        for (Node item : list.items()) writeValue(json, name, item, simplify);
        json.writeEndArray();
    }

    private static void writeScalar(JsonGenerator json, Scalar scalar) throws IOException {
        Object v = scalar.value();
        if (v instanceof String s) json.writeString(WriterText.withoutLoneSurrogates(s));
        else if (v instanceof Long l) json.writeNumber(l);
        else if (v instanceof Integer i) json.writeNumber(i);
        else if (v instanceof Double d) json.writeNumber(d);
        else if (v instanceof BigDecimal b) json.writeNumber(b);
        else if (v instanceof Boolean b) json.writeBoolean(b);
        else throw new IllegalArgumentException("not a scalar type: " + v.getClass());
    }
}
