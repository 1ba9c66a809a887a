package dev.picspace.domain;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Makes the ids pictures and categories are known by (design: Identity).
 *
 * <p>64-bit ids are snowflake-shaped: 41 bits of milliseconds since 2020-01-01, 10 bits of node,
 * 12 bits of sequence. They sort by creation, need no central counter, and never collide between
 * nodes with distinct node numbers. From 2026 on they are above 2^53, like Taobao's.
 */
public final class IdGenerator {
    static final long EPOCH_MILLIS = 1_577_836_800_000L; // 2020-01-01T00:00:00Z
    private static final int NODE_BITS = 10, SEQUENCE_BITS = 12;
    public static final int MAX_NODE = (1 << NODE_BITS) - 1;

    private final Clock clock;
    private final long node;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long sequence;

    public IdGenerator(Clock clock, int node) {
        if (node < 0 || node > MAX_NODE) throw new IllegalArgumentException("node must be within 0.." + MAX_NODE);
        this.clock = clock;
        this.node = node;
    }

    /** A node number for a process that was given none: random, so that a CLI and a server rarely share one. */
    public static int randomNode() { return new SecureRandom().nextInt(MAX_NODE + 1); }

    public synchronized long nextId() {
        long now = clock.millis();
        if (now < lastMillis) now = lastMillis; // the clock stepped back: keep ids increasing
        if (now == lastMillis) {
            sequence = (sequence + 1) & ((1 << SEQUENCE_BITS) - 1);
            if (sequence == 0) now = lastMillis + 1; // sequence exhausted in this millisecond: borrow the next
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return ((now - EPOCH_MILLIS) << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence;
    }

    /** 128 random bits as 32 lowercase hex characters (VOD ImageId). */
    public String nextImageId() { return randomHex(16); }

    /** The unguessable part of a picture URL: 80 random bits, 20 hex characters. */
    public String nextUrlToken() { return randomHex(10); }

    /** A random secret of the given number of bytes, hex. */
    public String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Random letters and digits (AccessKey ids and secrets look like this: ~5.95 bits each). */
    public String randomAlphanumeric(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) c[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        return new String(c);
    }
}
