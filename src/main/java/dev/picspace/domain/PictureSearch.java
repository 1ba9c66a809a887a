package dev.picspace.domain;

import java.util.List;
import java.util.Objects;

/**
 * One page of a {@link PictureFilter} search over a tenant's live pictures (VOD SearchMedia).
 *
 * <p>Order: the {@code sorts} in turn, then {@code pictureId} (time-ordered, unique) in the first
 * sort's direction, so that every order is total and pages never overlap.
 *
 * <p>Paging is either by {@code offset} (PageNo/PageSize) or, for traversals of any depth, by
 * keyset: {@code after} is the position of the last picture of the previous page and the page
 * holds the pictures that follow it in the order. A keyset needs exactly one sort (its value and
 * the picture id identify a position); the offset must then be 0.
 */
public record PictureSearch(PictureFilter filter, List<Sort> sorts, Position after, long offset, int limit) {

    /** One sort key: creation or modification time. */
    public record Sort(PictureFilter.TimeField field, boolean descending) {
        public Sort { Objects.requireNonNull(field); }
    }

    /** Where a keyset page starts: after the picture with this sort value (epoch ms) and id. */
    public record Position(long sortValueMillis, long pictureId) {}

    public PictureSearch {
        Objects.requireNonNull(filter);
        sorts = List.copyOf(sorts);
        if (sorts.isEmpty()) throw new IllegalArgumentException("a search needs at least one sort");
        if (after != null && (sorts.size() != 1 || offset != 0))
            throw new IllegalArgumentException("a keyset position needs exactly one sort and offset 0");
        if (offset < 0 || limit < 0) throw new IllegalArgumentException("negative offset or limit");
    }

    /** The value of the (first) sort field of {@code p}: where a keyset page after it starts. */
    public Position positionOf(Picture p) {
        long v = sorts.get(0).field() == PictureFilter.TimeField.CREATED ? p.created().toEpochMilli() : p.modified().toEpochMilli();
        return new Position(v, p.pictureId());
    }
}
