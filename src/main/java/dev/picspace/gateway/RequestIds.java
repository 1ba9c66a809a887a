package dev.picspace.gateway;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids in the shape each dialect's service uses. */
public final class RequestIds {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private RequestIds() {}

    /** VOD's shape: an upper-case UUID, e.g. {@code 8906582E-6722-409A-A6C4-0E7863B733A5} (vod.md §2.1). */
    public static String uuid() {
        return java.util.UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
    }

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    /** An OSS request id ({@code x-oss-request-id}, {@code <RequestId>}): 24 upper-case hex characters, as OSS's. */
    public static String oss() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[24];
        for (int i = 0; i < c.length; i++) c[i] = HEX_UPPER[r.nextInt(16)];
        return new String(c);
    }

    /** TOP: 13 characters of [0-9a-z], the shape of TOP's live request_id (top.md §3.2). */
    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[13];
        for (int i = 0; i < c.length; i++) c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        return new String(c);
    }
}
