package dev.picspace.store;

import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSearch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL text SqlMetadataStore sends for a picture query, in either dialect (SQLite, PostgreSQL),
 * read through its package-visible builders (this class sits in the same package only for that;
 * nothing in src/main changes).
 * QueryBench keeps its own copy of that text and checks it against this, so that the SQL
 * reference cannot silently drift from what the server runs.
 */
public final class StoreSqlText {
    private StoreSqlText() {}

    public static String select(Database.Dialect dialect, long tenantId, PictureQuery query) {
        return SqlMetadataStore.pictureSelect(dialect, tenantId, query).sql();
    }

    public static String count(Database.Dialect dialect, long tenantId, PictureQuery query) {
        // as SqlMetadataStore.countPictures builds it
        if (SqlMetadataStore.isWholeSpace(query)) return "SELECT live_pictures FROM tenant WHERE id = :tenant";
        return "SELECT COUNT(*) FROM picture" + SqlMetadataStore.pictureWhere(dialect, tenantId, query).sql();
    }

    /** SQL with JDBC placeholders and the values to bind, in order. */
    public record Jdbc(String sql, List<Object> params) {}

    /** The page SearchMedia's store call sends (SqlMetadataStore.searchSelect), as JDBC. */
    public static Jdbc searchSelect(Database.Dialect dialect, long tenantId, PictureSearch search) {
        SqlMetadataStore.SqlText t = SqlMetadataStore.searchSelect(dialect, tenantId, search);
        return jdbc(t.sql(), t.params());
    }

    /** The count SearchMedia's store call sends (SqlMetadataStore.countMatching), as JDBC. */
    public static Jdbc searchCount(Database.Dialect dialect, long tenantId, PictureFilter filter) {
        if (filter.isEverything()) return new Jdbc("SELECT live_pictures FROM tenant WHERE id = ?", List.of(tenantId));
        SqlMetadataStore.SqlText t = SqlMetadataStore.searchWhere(dialect, tenantId, filter);
        return jdbc("SELECT COUNT(*) FROM picture" + t.sql(), t.params());
    }

    private static final Pattern NAMED = Pattern.compile(":([A-Za-z][A-Za-z0-9]*)");

    private static Jdbc jdbc(String sql, Map<String, Object> named) {
        List<Object> params = new ArrayList<>();
        Matcher m = NAMED.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (!named.containsKey(m.group(1))) throw new IllegalStateException("no value for :" + m.group(1));
            params.add(named.get(m.group(1)));
            m.appendReplacement(out, "?");
        }
        m.appendTail(out);
        return new Jdbc(out.toString(), params);
    }
}
