package dev.picspace.domain;

import java.time.Instant;

/**
 * A filter over one tenant's categories; null fields do not filter.
 *
 * @param parentId null: the whole tree; 0: level-1 only; id: children of id
 */
public record CategoryQuery(Long categoryId, String name, CategoryType type, Long parentId, Instant modifiedAfter) {
    public static CategoryQuery all() { return new CategoryQuery(null, null, null, null, null); }
}
