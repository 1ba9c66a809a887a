package dev.picspace.store;

/**
 * Blob keys are the sha256 of the content as 64 lowercase hex characters, and nothing else:
 * every store checks a key with {@link #require} before it turns it into a file name or an
 * object name, so a key can never reach outside the store.
 */
public final class BlobKeys {
    public static final int LENGTH = 64;

    private BlobKeys() {}

    public static boolean isValid(String key) {
        if (key == null || key.length() != LENGTH) return false;
        for (int i = 0; i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** @throws IllegalArgumentException when {@code key} is not 64 lowercase hex characters */
    public static String require(String key) {
        if (!isValid(key)) throw new IllegalArgumentException("not a blob key (64 lowercase hex characters): " + printable(key));
        return key;
    }

    private static String printable(String key) {
        if (key == null) return "null";
        String shown = key.length() > 80 ? key.substring(0, 80) + "…" : key;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
