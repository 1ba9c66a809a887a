package dev.picspace.domain;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A tenant's picture space: its quota and its settings. {@code usedBytes} is the sum of the sizes
 * of its live (not recycled) pictures, kept in the row and changed only by conditional updates.
 */
public record Tenant(long id, String nick, long orderedBytes, long freeBytes, long usedBytes,
                     LocalDate orderExpiry, Watermark watermark, boolean signedUrls, Instant created) {

    /** available = ordered + free (design: Quota). */
    public long availableBytes() { return orderedBytes + freeBytes; }

    /** remaining = available − used; never negative even if the quota was lowered below usage. */
    public long remainingBytes() { return Math.max(0, availableBytes() - usedBytes); }
}
