package dev.picspace.store;

import dev.picspace.domain.PictureQuery;

/**
 * The SQL text SqlMetadataStore sends for a picture query, read through its package-visible
 * builders (this class sits in the same package only for that; nothing in src/main changes).
 * QueryBench keeps its own copy of that text and checks it against this, so that the SQL
 * reference cannot silently drift from what the server runs.
 */
public final class StoreSqlText {
    private StoreSqlText() {}

    public static String select(long tenantId, PictureQuery query) {
        return SqlMetadataStore.pictureSelect(Database.Dialect.SQLITE, tenantId, query).sql();
    }

    public static String count(long tenantId, PictureQuery query) {
        // as SqlMetadataStore.countPictures builds it
        if (SqlMetadataStore.isWholeSpace(query)) return "SELECT live_pictures FROM tenant WHERE id = :tenant";
        return "SELECT COUNT(*) FROM picture" + SqlMetadataStore.pictureWhere(Database.Dialect.SQLITE, tenantId, query).sql();
    }
}
