package dev.picspace.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A condition over one tenant's live pictures, as VOD's SearchMedia {@code Match} expresses it
 * (vod.md §3.6): exact, fuzzy (substring), multi-value and range conditions combined with
 * {@code and} / {@code or}. The store translates it to its own query language; the gateway
 * parses the wire syntax into it. Kept apart from {@link PictureQuery}, which is TOP's flat,
 * conjunctive filter with offset paging.
 */
public sealed interface PictureFilter {

    /** Every part holds ({@code and}); no parts: every live picture. */
    record All(List<PictureFilter> parts) implements PictureFilter {
        public All { parts = List.copyOf(parts); }
    }

    /** At least one part holds ({@code or}); no parts: nothing. */
    record Any(List<PictureFilter> parts) implements PictureFilter {
        public Any { parts = List.copyOf(parts); }
    }

    record ImageIdIs(String imageId) implements PictureFilter {
        public ImageIdIs { Objects.requireNonNull(imageId); }
    }

    /** {@link Category#DEFAULT_ID} matches the uncategorised pictures. */
    record CategoryIs(long categoryId) implements PictureFilter {}

    /** An empty set matches nothing. */
    record StatusIn(Set<PictureStatus> statuses) implements PictureFilter {
        public StatusIn { statuses = Set.copyOf(statuses); }
    }

    /** The field contains {@code term} as a substring (wildcard characters in it are literal). */
    record TextContains(TextField field, String term) implements PictureFilter {
        public TextContains { Objects.requireNonNull(field); Objects.requireNonNull(term); }
    }

    /** {@code from}/{@code to} null: unbounded on that side. */
    record TimeRange(TimeField field, Instant from, boolean fromInclusive, Instant to, boolean toInclusive)
            implements PictureFilter {
        public TimeRange { Objects.requireNonNull(field); }
    }

    /**
     * A condition that is the same for every picture of the service (VOD {@code AppId} and
     * {@code StorageLocation}: picspace has one of each), already decided by the caller.
     */
    record Constant(boolean matches) implements PictureFilter {}

    enum TextField { TITLE, TAGS, DESCRIPTION, ORIGINAL_FILE_NAME }

    enum TimeField { CREATED, MODIFIED }

    static PictureFilter everything() { return new All(List.of()); }

    /** Whether this filter is trivially "every live picture" (so a kept counter can answer the count). */
    default boolean isEverything() {
        if (this instanceof All a) return a.parts().stream().allMatch(PictureFilter::isEverything);
        return this instanceof Constant c && c.matches();
    }
}
