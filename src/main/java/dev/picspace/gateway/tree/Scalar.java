package dev.picspace.gateway.tree;

import java.util.Objects;

/**
 * A leaf: a string, a whole number (64-bit ids stay exact: JSON writes them as numbers, never
 * through a double), a decimal or a boolean.
 */
public record Scalar(Object value) implements Node {
    public Scalar {
        Objects.requireNonNull(value);
        if (!(value instanceof String || value instanceof Long || value instanceof Integer
                || value instanceof Double || value instanceof Boolean || value instanceof java.math.BigDecimal))
            throw new IllegalArgumentException("not a scalar type: " + value.getClass());
    }

    public static Scalar of(String s) { return new Scalar(s); }
    public static Scalar of(long n) { return new Scalar(n); }
    public static Scalar of(boolean b) { return new Scalar(b); }
    public static Scalar of(double d) { return new Scalar(d); }

    public boolean isString() { return value instanceof String; }

    /** The text a format writes for it: XML content, or a JSON string's content. */
    public String text() {
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15)
            return Long.toString(d.longValue());
        return value.toString();
    }
}
