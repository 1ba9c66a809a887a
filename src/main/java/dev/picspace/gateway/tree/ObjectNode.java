package dev.picspace.gateway.tree;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named fields in the order they were put. A null value is left out, as the real services do. */
public final class ObjectNode implements Node {
    private final LinkedHashMap<String, Node> fields = new LinkedHashMap<>();

    public static ObjectNode object() { return new ObjectNode(); }

    public ObjectNode put(String name, Node value) {
        if (value != null) fields.put(name, value);
        return this;
    }

    public ObjectNode put(String name, String value) { return value == null ? this : put(name, Scalar.of(value)); }

    public ObjectNode put(String name, long value) { return put(name, Scalar.of(value)); }

    public ObjectNode put(String name, Long value) { return value == null ? this : put(name, Scalar.of(value)); }

    public ObjectNode put(String name, boolean value) { return put(name, Scalar.of(value)); }

    public ObjectNode put(String name, Integer value) { return value == null ? this : put(name, Scalar.of((long) value)); }

    public Map<String, Node> fields() { return Collections.unmodifiableMap(fields); }

    public Node get(String name) { return fields.get(name); }
}
