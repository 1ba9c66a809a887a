package dev.picspace.gateway.tree;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Renders a response {@link Document} as UTF-8 XML.
 *
 * <p>Shape (top.md §3.3): the declaration exactly as TOP writes it, {@code <?xml version="1.0"
 * encoding="utf-8" ?>}, then one root element named {@link Document#rootName()} whose children are
 * the body's fields in order. Lists follow their {@link ListNode.Wrapping}:
 * <ul>
 *   <li>{@code TOP_LIST}: {@code <pictures list="true"><picture>…</picture>…</pictures>}
 *       (an empty list is an empty container);</li>
 *   <li>{@code FLAT}: the field's element repeated once per item, nothing for an empty list;</li>
 *   <li>{@code WRAPPED}: {@code <Field><Item>…</Item>…</Field>};</li>
 *   <li>{@code VOD_FLAT}: {@code <Field><Field>…</Field>…</Field>} (an empty list is an empty element).</li>
 * </ul>
 * Scalars are written as {@link Scalar#text()}. The output is compact (no indentation) and always
 * well-formed: characters XML 1.0 cannot carry are replaced by U+FFFD.
 *
 * <p>Written by hand rather than through {@code XMLStreamWriter}: the JDK writer neither produces
 * TOP's declaration byte for byte nor refuses illegal characters, so escaping would be ours anyway.
 */
public final class XmlTreeWriter {
    private XmlTreeWriter() {}

    static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>";

    public static byte[] write(Document doc) {
        StringBuilder out = new StringBuilder(512).append(DECLARATION);
        ObjectNode body = doc.body() == null ? ObjectNode.object() : doc.body();
        String root = WriterText.requireElementName(doc.rootName());
        out.append('<').append(root).append('>');
        writeFields(out, body);
        out.append("</").append(root).append('>');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeFields(StringBuilder out, ObjectNode object) {
        for (Map.Entry<String, Node> field : object.fields().entrySet())
            writeElement(out, field.getKey(), field.getValue());
    }

    /** Writes {@code node} as the element(s) a field called {@code name} becomes. */
    private static void writeElement(StringBuilder out, String name, Node node) {
        WriterText.requireElementName(name);
        if (node instanceof Scalar scalar) {
            open(out, name);
            WriterText.appendEscaped(out, scalar.text());
            close(out, name);
        } else if (node instanceof ObjectNode object) {
            open(out, name);
            writeFields(out, object);
            close(out, name);
        } else {
            writeList(out, name, (ListNode) node); // Node is sealed: nothing else exists
        }
    }

    private static void writeList(StringBuilder out, String name, ListNode list) {
        switch (list.wrapping()) {
            case TOP_LIST -> {
                String item = itemName(name, list);
                // TOP marks list containers; the Java SDK ignores the attribute, others may not (top.md §3.3)
                out.append('<').append(name).append(" list=\"true\">");
                for (Node n : list.items()) writeElement(out, item, n);
                close(out, name);
            }
            case FLAT -> {
                for (Node n : list.items()) writeElement(out, name, n);
            }
            case WRAPPED -> {
                String item = itemName(name, list);
                open(out, name);
                for (Node n : list.items()) writeElement(out, item, n);
                close(out, name);
            }
            case VOD_FLAT -> {
                open(out, name);
                for (Node n : list.items()) writeElement(out, name, n);
                close(out, name);
            }
        }
    }

    static String itemName(String field, ListNode list) {
        if (list.itemName() == null || list.itemName().isEmpty())
            throw new IllegalArgumentException("list '" + field + "' (" + list.wrapping() + ") needs an item name");
        return list.itemName();
    }

    private static void open(StringBuilder out, String name) { out.append('<').append(name).append('>'); }

    private static void close(StringBuilder out, String name) { out.append("</").append(name).append('>'); }
}
