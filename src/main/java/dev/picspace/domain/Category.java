package dev.picspace.domain;

import java.time.Instant;

/**
 * A node of a tenant's category tree. {@code parentId} 0 means level 1; the tree is at most two
 * levels deep. Category id 0 is the default category, which has no row.
 */
public record Category(long id, long tenantId, long parentId, String name, CategoryType type,
                       int position, Instant created, Instant modified) {
    public static final long DEFAULT_ID = 0L;

    public boolean isSystem() { return type != CategoryType.USER_DEFINE; }
}
