package dev.picspace.store;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryType;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.MetadataStore.BlobRecord;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.Watermark;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * How domain values are written to and read from columns, and the row mappers built on that.
 * Every encoding is spelled out here so that the stored form never depends on a Java name:
 * instants are epoch milliseconds, booleans 0/1, enums fixed lower-case codes.
 */
final class SqlRows {
    private SqlRows() {}

    static final String TENANT_COLUMNS =
            "id, nick, ordered_bytes, free_bytes, used_bytes, order_expiry, watermark, signed_urls, created";

    static final String CATEGORY_COLUMNS = "id, tenant_id, parent_id, name, type, position, created, modified";

    static final String PICTURE_COLUMNS = "picture_id, image_id, tenant_id, category_id, url_token, title, description, "
            + "tags, image_type, status, format, width, height, frames, size_bytes, md5, blob_key, original_file_name, "
            + "client_type, referenced, deleted, deleted_at, created, modified";

    static final String BLOB_COLUMNS = "blob_key, size_bytes, ref_count, zero_since";

    static final String DERIVATIVE_COLUMNS =
            "derivative_key, source_key, operations, blob_key, size_bytes, media_type, width, height, created";

    static final RowMapper<dev.picspace.domain.MetadataStore.DerivativeRecord> DERIVATIVE = (rs, ctx) ->
            new dev.picspace.domain.MetadataStore.DerivativeRecord(
                    rs.getString("derivative_key"),
                    rs.getString("source_key"),
                    rs.getString("operations"),
                    rs.getString("blob_key"),
                    rs.getLong("size_bytes"),
                    rs.getString("media_type"),
                    rs.getInt("width"),
                    rs.getInt("height"),
                    instant(rs, "created"));

    static final RowMapper<Tenant> TENANT = (rs, ctx) -> new Tenant(
            rs.getLong("id"),
            rs.getString("nick"),
            rs.getLong("ordered_bytes"),
            rs.getLong("free_bytes"),
            rs.getLong("used_bytes"),
            date(rs.getString("order_expiry")),
            watermark(rs.getString("watermark")),
            rs.getInt("signed_urls") != 0,
            instant(rs, "created"));

    static final RowMapper<TopCredentials> TOP_CREDENTIALS = (rs, ctx) -> new TopCredentials(
            rs.getLong("tenant_id"), rs.getString("app_key"), rs.getString("app_secret"), rs.getString("session"));

    static final RowMapper<dev.picspace.domain.VodCredentials> VOD_CREDENTIALS = (rs, ctx) -> new dev.picspace.domain.VodCredentials(
            rs.getLong("tenant_id"), rs.getString("access_key_id"), rs.getString("access_key_secret"));

    static final RowMapper<Category> CATEGORY = (rs, ctx) -> new Category(
            rs.getLong("id"),
            rs.getLong("tenant_id"),
            rs.getLong("parent_id"),
            rs.getString("name"),
            categoryType(rs.getString("type")),
            rs.getInt("position"),
            instant(rs, "created"),
            instant(rs, "modified"));

    static final RowMapper<Picture> PICTURE = (rs, ctx) -> new Picture(
            rs.getLong("picture_id"),
            rs.getString("image_id"),
            rs.getLong("tenant_id"),
            rs.getLong("category_id"),
            rs.getString("url_token"),
            rs.getString("title"),
            rs.getString("description"),
            rs.getString("tags"),
            rs.getString("image_type"),
            status(rs.getString("status")),
            format(rs.getString("format")),
            rs.getInt("width"),
            rs.getInt("height"),
            rs.getInt("frames"),
            rs.getLong("size_bytes"),
            rs.getString("md5"),
            rs.getString("blob_key"),
            rs.getString("original_file_name"),
            rs.getString("client_type"),
            rs.getInt("referenced") != 0,
            nullableInstant(rs, "deleted_at"),
            instant(rs, "created"),
            instant(rs, "modified"));

    static final RowMapper<BlobRecord> BLOB = (rs, ctx) -> new BlobRecord(
            rs.getString("blob_key"), rs.getLong("size_bytes"), rs.getLong("ref_count"), nullableInstant(rs, "zero_since"));

    // ---- column encodings

    static long millis(Instant instant) { return instant.toEpochMilli(); }

    static Long nullableMillis(Instant instant) { return instant == null ? null : instant.toEpochMilli(); }

    /** What an instant becomes after a round trip through a column: millisecond precision. */
    static Instant stored(Instant instant) { return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli()); }

    static int flag(boolean b) { return b ? 1 : 0; }

    static String dateText(LocalDate date) { return date == null ? null : date.toString(); }

    static String statusCode(PictureStatus status) {
        return switch (status) {
            case UPLOADING -> "uploading";
            case NORMAL -> "normal";
            case UPLOAD_FAIL -> "upload_fail";
        };
    }

    static String formatCode(ImageFormat format) { return format == null ? null : format.extension(); }

    static String categoryTypeCode(CategoryType type) { return type.wireName(); }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static LocalDate date(String text) { return text == null ? null : LocalDate.parse(text); }

    /** A stored setting was valid when stored; if it no longer parses, the database is at fault, not the caller. */
    private static Watermark watermark(String wire) {
        if (wire == null) return null;
        try {
            return Watermark.parse(wire);
        } catch (RuntimeException e) {
            throw new StorageException("a stored watermark no longer parses: " + e.getMessage(), e);
        }
    }

    private static PictureStatus status(String code) {
        return switch (code) {
            case "uploading" -> PictureStatus.UPLOADING;
            case "normal" -> PictureStatus.NORMAL;
            case "upload_fail" -> PictureStatus.UPLOAD_FAIL;
            default -> throw new StorageException("unknown picture status in the database: " + code);
        };
    }

    private static ImageFormat format(String code) {
        if (code == null) return null;
        return ImageFormat.fromExtension(code)
                .orElseThrow(() -> new StorageException("unknown image format in the database: " + code));
    }

    private static CategoryType categoryType(String code) {
        return CategoryType.fromWire(code)
                .orElseThrow(() -> new StorageException("unknown category type in the database: " + code));
    }
}
