package dev.picspace.store;

import dev.picspace.domain.Category;
import dev.picspace.domain.CategoryQuery;
import dev.picspace.domain.Exceptions.CategoryNotFoundException;
import dev.picspace.domain.Exceptions.CategoryRuleException;
import dev.picspace.domain.Exceptions.DuplicateCategoryNameException;
import dev.picspace.domain.Exceptions.DuplicateTenantException;
import dev.picspace.domain.Exceptions.PictureNotFoundException;
import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.Exceptions.TenantNotFoundException;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSearch;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.Watermark;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.picspace.store.SqlRows.BLOB;
import static dev.picspace.store.SqlRows.BLOB_COLUMNS;
import static dev.picspace.store.SqlRows.CATEGORY;
import static dev.picspace.store.SqlRows.CATEGORY_COLUMNS;
import static dev.picspace.store.SqlRows.DERIVATIVE;
import static dev.picspace.store.SqlRows.DERIVATIVE_COLUMNS;
import static dev.picspace.store.SqlRows.PICTURE;
import static dev.picspace.store.SqlRows.PICTURE_COLUMNS;
import static dev.picspace.store.SqlRows.TENANT;
import static dev.picspace.store.SqlRows.TENANT_COLUMNS;
import static dev.picspace.store.SqlRows.TOP_CREDENTIALS;
import static dev.picspace.store.SqlRows.flag;
import static dev.picspace.store.SqlRows.millis;
import static dev.picspace.store.SqlRows.nullableMillis;
import static dev.picspace.store.SqlRows.statusCode;
import static dev.picspace.store.SqlRows.stored;

/**
 * {@link MetadataStore} on a SQL database through Jdbi's core API: SQLite and PostgreSQL with the
 * same SQL (the few differences live in {@link Database.Dialect}).
 *
 * <p>Money-like state is only ever changed by statements whose conditions the database checks:
 * a quota charge is {@code UPDATE tenant ... WHERE used_bytes + :n <= ordered_bytes + free_bytes},
 * done in the same transaction as the picture insert and the blob reference it depends on. On
 * PostgreSQL (READ COMMITTED) that update waits for a concurrent charge of the same tenant and
 * re-evaluates its condition on the row as that one committed it, so it is exact there too.
 *
 * <p>Where SQLite's single writer excludes everything, PostgreSQL needs row locks; every write
 * transaction takes them in one order (picture rows by id, then the tenant row, then blob rows by
 * key) so that they cannot deadlock each other, and {@link Database#write} runs again the rare
 * transaction that still loses a deadlock (two callers naming the same pictures in other orders).
 *
 * <p>Instants are stored with millisecond precision; what comes back is truncated to that.
 * Closing this store closes its {@link Database}.
 */
public final class SqlMetadataStore implements MetadataStore {

    /** Largest IN list sent in one statement (SQLite allows 32766 parameters; PostgreSQL 65535). */
    private static final int IN_LIST_CHUNK = 500;
    /** Blob rows read per query by {@link #forEachBlobRecord}, so no read holds a snapshot for long. */
    private static final int BLOB_PAGE = 1000;
    /** The LIKE escape character; not a backslash, which SQL dialects and parsers treat differently. */
    private static final char LIKE_ESCAPE = '!';

    private static final String LIVE = "0", RECYCLED = "1";

    private final Database db;
    private final Clock clock;

    public SqlMetadataStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public SqlMetadataStore(Database db) { this(db, Clock.systemUTC()); }

    /** Opens (and migrates) the database at {@code jdbcUrl} and a store over it. */
    public static SqlMetadataStore open(String jdbcUrl) { return new SqlMetadataStore(Database.open(jdbcUrl)); }

    public Database database() { return db; }

    // =============================================================== tenants

    @Override
    public Tenant createTenant(TenantSpec spec) {
        Objects.requireNonNull(spec, "spec");
        try {
            return db.write(h -> {
                if (nickTaken(h, spec.nick())) throw duplicateNick(spec.nick());
                long id = h.createQuery("INSERT INTO tenant (nick, ordered_bytes, free_bytes, used_bytes, order_expiry, "
                                + "watermark, signed_urls, created) VALUES (:nick, :ordered, :free, 0, :expiry, NULL, :signed, :created) "
                                + "RETURNING id")
                        .bind("nick", spec.nick())
                        .bind("ordered", spec.orderedBytes())
                        .bind("free", spec.freeBytes())
                        .bind("expiry", SqlRows.dateText(spec.orderExpiry()))
                        .bind("signed", flag(spec.signedUrls()))
                        .bind("created", millis(spec.created()))
                        .mapTo(Long.class)
                        .one();
                h.createUpdate("INSERT INTO top_credential (app_key, app_secret, session, tenant_id, created) "
                                + "VALUES (:key, :secret, :session, :tenant, :created)")
                        .bind("key", spec.topAppKey())
                        .bind("secret", spec.topAppSecret())
                        .bind("session", spec.topSession())
                        .bind("tenant", id)
                        .bind("created", millis(spec.created()))
                        .execute();
                h.createUpdate("INSERT INTO vod_credential (access_key_id, access_key_secret, tenant_id, created) "
                                + "VALUES (:id, :secret, :tenant, :created)")
                        .bind("id", spec.vodAccessKeyId())
                        .bind("secret", spec.vodAccessKeySecret())
                        .bind("tenant", id)
                        .bind("created", millis(spec.created()))
                        .execute();
                for (Category c : spec.systemCategories())
                    insertCategoryRow(h, new Category(c.id(), id, c.parentId(), c.name(), c.type(), c.position(),
                            c.created(), c.modified()));
                return new Tenant(id, spec.nick(), spec.orderedBytes(), spec.freeBytes(), 0, spec.orderExpiry(), null,
                        spec.signedUrls(), stored(spec.created()));
            });
        } catch (StorageException e) {
            // PostgreSQL: a concurrent create of the same nick passes the check and loses at the index
            if (Database.isUniqueViolation(e) && findTenantByNick(spec.nick()).isPresent()) throw duplicateNick(spec.nick());
            throw e;
        }
    }

    private static boolean nickTaken(Handle h, String nick) {
        return h.createQuery("SELECT COUNT(*) FROM tenant WHERE nick = :nick").bind("nick", nick).mapTo(Long.class).one() > 0;
    }

    private static DuplicateTenantException duplicateNick(String nick) {
        return new DuplicateTenantException("a tenant with nick '" + nick + "' already exists");
    }

    @Override
    public Optional<Tenant> findTenant(long tenantId) {
        return db.read(h -> findTenant(h, tenantId));
    }

    private static Optional<Tenant> findTenant(Handle h, long tenantId) {
        return h.createQuery("SELECT " + TENANT_COLUMNS + " FROM tenant WHERE id = :id")
                .bind("id", tenantId).map(TENANT).findOne();
    }

    @Override
    public Optional<Tenant> findTenantByNick(String nick) {
        return db.read(h -> h.createQuery("SELECT " + TENANT_COLUMNS + " FROM tenant WHERE nick = :nick")
                .bind("nick", nick).map(TENANT).findOne());
    }

    @Override
    public List<Tenant> listTenants() {
        return db.read(h -> h.createQuery("SELECT " + TENANT_COLUMNS + " FROM tenant ORDER BY id").map(TENANT).list());
    }

    @Override
    public void updateQuota(long tenantId, long orderedBytes, long freeBytes, LocalDate orderExpiry) {
        int rows = db.write(h -> h.createUpdate("UPDATE tenant SET ordered_bytes = :ordered, free_bytes = :free, "
                        + "order_expiry = :expiry WHERE id = :id")
                .bind("ordered", orderedBytes)
                .bind("free", freeBytes)
                .bind("expiry", SqlRows.dateText(orderExpiry))
                .bind("id", tenantId)
                .execute());
        if (rows == 0) throw tenantNotFound(tenantId);
    }

    @Override
    public void updateWatermark(long tenantId, Watermark watermark) {
        int rows = db.write(h -> h.createUpdate("UPDATE tenant SET watermark = :wire WHERE id = :id")
                .bind("wire", watermark == null ? null : watermark.toWireString())
                .bind("id", tenantId)
                .execute());
        if (rows == 0) throw tenantNotFound(tenantId);
    }

    @Override
    public void updateSignedUrls(long tenantId, boolean signedUrls) {
        int rows = db.write(h -> h.createUpdate("UPDATE tenant SET signed_urls = :signed WHERE id = :id")
                .bind("signed", flag(signedUrls))
                .bind("id", tenantId)
                .execute());
        if (rows == 0) throw tenantNotFound(tenantId);
    }

    @Override
    public Optional<TopCredentials> findTopCredentials(String appKey) {
        return db.read(h -> h.createQuery("SELECT tenant_id, app_key, app_secret, session FROM top_credential "
                        + "WHERE app_key = :key")
                .bind("key", appKey).map(TOP_CREDENTIALS).findOne());
    }

    /** A tenant has one set today; should keys ever be rotated, the newest is the one in use. */
    @Override
    public Optional<TopCredentials> findTopCredentialsOfTenant(long tenantId) {
        return db.read(h -> h.createQuery("SELECT tenant_id, app_key, app_secret, session FROM top_credential "
                        + "WHERE tenant_id = :tenant ORDER BY created DESC, app_key LIMIT 1")
                .bind("tenant", tenantId).map(TOP_CREDENTIALS).findOne());
    }

    @Override
    public Optional<dev.picspace.domain.VodCredentials> findVodCredentials(String accessKeyId) {
        return db.read(h -> h.createQuery("SELECT tenant_id, access_key_id, access_key_secret FROM vod_credential "
                        + "WHERE access_key_id = :id")
                .bind("id", accessKeyId).map(SqlRows.VOD_CREDENTIALS).findOne());
    }

    @Override
    public Optional<dev.picspace.domain.VodCredentials> findVodCredentialsOfTenant(long tenantId) {
        return db.read(h -> h.createQuery("SELECT tenant_id, access_key_id, access_key_secret FROM vod_credential "
                        + "WHERE tenant_id = :tenant ORDER BY created DESC, access_key_id LIMIT 1")
                .bind("tenant", tenantId).map(SqlRows.VOD_CREDENTIALS).findOne());
    }

    // =============================================================== service-wide state

    @Override
    public String serviceSecret(String name, String candidate, Instant now) {
        // Read first: every process start asks, and only the very first needs a write transaction
        // (on SQLite that would queue behind a running server's writer for nothing).
        Optional<String> stored = db.read(h -> h.createQuery("SELECT value FROM service_secret WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne());
        if (stored.isPresent()) return stored.get();
        return db.write(h -> {
            // ON CONFLICT DO NOTHING: SQLite 3.24+ and PostgreSQL alike; racing first starts agree on one row
            h.createUpdate("INSERT INTO service_secret (name, value, created) VALUES (:name, :value, :created) "
                            + "ON CONFLICT (name) DO NOTHING")
                    .bind("name", name).bind("value", candidate).bind("created", millis(now)).execute();
            return h.createQuery("SELECT value FROM service_secret WHERE name = :name").bind("name", name)
                    .mapTo(String.class).one();
        });
    }

    @Override
    public boolean recordNonce(String scope, String nonce, Instant expiresAt) {
        return db.write(h -> h.createUpdate("INSERT INTO request_nonce (scope, nonce, expires_at) "
                        + "VALUES (:scope, :nonce, :expires) ON CONFLICT (scope, nonce) DO NOTHING")
                .bind("scope", scope).bind("nonce", nonce).bind("expires", millis(expiresAt)).execute()) == 1;
    }

    @Override
    public int purgeNonces(Instant now) {
        return db.write(h -> h.createUpdate("DELETE FROM request_nonce WHERE expires_at < :now")
                .bind("now", millis(now)).execute());
    }

    /** Takes the tenant row's lock for the rest of the transaction (PostgreSQL); fails if there is no such tenant. */
    private void lockTenant(Handle h, long tenantId) {
        h.createQuery("SELECT id FROM tenant WHERE id = :id" + db.dialect().forNoKeyUpdate())
                .bind("id", tenantId).mapTo(Long.class).findOne().orElseThrow(() -> tenantNotFound(tenantId));
    }

    private static void requireTenant(Handle h, long tenantId) {
        long n = h.createQuery("SELECT COUNT(*) FROM tenant WHERE id = :id").bind("id", tenantId).mapTo(Long.class).one();
        if (n == 0) throw tenantNotFound(tenantId);
    }

    private static TenantNotFoundException tenantNotFound(long tenantId) {
        return new TenantNotFoundException("no tenant " + tenantId);
    }

    // =============================================================== categories

    @Override
    public Category insertCategory(Category category, int maxPerTenant) {
        Objects.requireNonNull(category, "category");
        try {
            return db.write(h -> {
                // Locked: on PostgreSQL two inserts at the limit would otherwise both count
                // maxPerTenant - 1 and both insert.
                lockTenant(h, category.tenantId());
                long count = h.createQuery("SELECT COUNT(*) FROM category WHERE tenant_id = :tenant")
                        .bind("tenant", category.tenantId()).mapTo(Long.class).one();
                if (count >= maxPerTenant)
                    throw new CategoryRuleException("a space holds at most " + maxPerTenant + " categories");
                if (siblingNamed(h, category.tenantId(), category.parentId(), category.name(), null))
                    throw duplicateCategoryName(category.name());
                insertCategoryRow(h, category);
                return new Category(category.id(), category.tenantId(), category.parentId(), category.name(),
                        category.type(), category.position(), stored(category.created()), stored(category.modified()));
            });
        } catch (StorageException e) {
            if (Database.isUniqueViolation(e) && findCategory(category.tenantId(), category.id()).isEmpty())
                throw duplicateCategoryName(category.name()); // a concurrent sibling won (PostgreSQL)
            throw e;
        }
    }

    private static void insertCategoryRow(Handle h, Category c) {
        h.createUpdate("INSERT INTO category (" + CATEGORY_COLUMNS + ") "
                        + "VALUES (:id, :tenant, :parent, :name, :type, :position, :created, :modified)")
                .bind("id", c.id())
                .bind("tenant", c.tenantId())
                .bind("parent", c.parentId())
                .bind("name", c.name())
                .bind("type", SqlRows.categoryTypeCode(c.type()))
                .bind("position", c.position())
                .bind("created", millis(c.created()))
                .bind("modified", millis(c.modified()))
                .execute();
    }

    private static boolean siblingNamed(Handle h, long tenantId, long parentId, String name, Long exceptId) {
        String sql = "SELECT COUNT(*) FROM category WHERE tenant_id = :tenant AND parent_id = :parent AND name = :name"
                + (exceptId == null ? "" : " AND id <> :except");
        Query q = h.createQuery(sql).bind("tenant", tenantId).bind("parent", parentId).bind("name", name);
        if (exceptId != null) q.bind("except", exceptId.longValue());
        return q.mapTo(Long.class).one() > 0;
    }

    private static DuplicateCategoryNameException duplicateCategoryName(String name) {
        return new DuplicateCategoryNameException("a category named '" + name + "' already exists at that level");
    }

    @Override
    public Optional<Category> findCategory(long tenantId, long categoryId) {
        return db.read(h -> findCategory(h, tenantId, categoryId));
    }

    private static Optional<Category> findCategory(Handle h, long tenantId, long categoryId) {
        return h.createQuery("SELECT " + CATEGORY_COLUMNS + " FROM category WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", categoryId).map(CATEGORY).findOne();
    }

    @Override
    public List<Category> findCategories(long tenantId, CategoryQuery query) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder("SELECT " + CATEGORY_COLUMNS + " FROM category WHERE tenant_id = :tenant");
        params.put("tenant", tenantId);
        if (query.categoryId() != null) { sql.append(" AND id = :id"); params.put("id", query.categoryId()); }
        if (query.name() != null) { sql.append(" AND name = :name"); params.put("name", query.name()); }
        if (query.type() != null) { sql.append(" AND type = :type"); params.put("type", SqlRows.categoryTypeCode(query.type())); }
        if (query.parentId() != null) { sql.append(" AND parent_id = :parent"); params.put("parent", query.parentId()); }
        if (query.modifiedAfter() != null) {
            sql.append(" AND modified > :modifiedAfter");
            params.put("modifiedAfter", millis(query.modifiedAfter()));
        }
        sql.append(" ORDER BY position, id");
        return db.read(h -> h.createQuery(sql.toString()).bindMap(params).map(CATEGORY).list());
    }

    @Override
    public void updateCategory(long tenantId, long categoryId, String name, long parentId, Instant modified) {
        try {
            db.write(h -> {
                if (findCategory(h, tenantId, categoryId).isEmpty())
                    throw new CategoryNotFoundException("no category " + categoryId);
                if (siblingNamed(h, tenantId, parentId, name, categoryId)) throw duplicateCategoryName(name);
                return h.createUpdate("UPDATE category SET name = :name, parent_id = :parent, modified = :modified "
                                + "WHERE tenant_id = :tenant AND id = :id")
                        .bind("name", name)
                        .bind("parent", parentId)
                        .bind("modified", millis(modified))
                        .bind("tenant", tenantId)
                        .bind("id", categoryId)
                        .execute();
            });
        } catch (StorageException e) {
            if (Database.isUniqueViolation(e)) throw duplicateCategoryName(name);
            throw e;
        }
    }

    @Override
    public boolean deleteCategory(long tenantId, long categoryId, Instant modified) {
        return db.write(h -> {
            if (findCategory(h, tenantId, categoryId).isEmpty()) return false;
            // The whole subtree, level by level (TOP trees have two levels, VOD trees three), read
            // first so that the updates below never depend on rows they are deleting.
            List<Long> subtree = new ArrayList<>(List.of(categoryId));
            List<Long> level = List.of(categoryId);
            while (!level.isEmpty()) {
                List<Long> next = new ArrayList<>();
                for (List<Long> chunk : chunks(level)) {
                    Map<String, Object> params = new LinkedHashMap<>();
                    next.addAll(h.createQuery("SELECT id FROM category WHERE tenant_id = :tenant AND parent_id IN "
                                    + inList("id", chunk, params))
                            .bindMap(params).bind("tenant", tenantId).mapTo(Long.class).list());
                }
                next.removeAll(subtree); // a corrupt cycle must not loop forever
                subtree.addAll(next);
                level = next;
            }
            for (List<Long> chunk : chunks(subtree)) {
                // Pictures first (recycled ones too, so that a restore never points at a missing category).
                Map<String, Object> params = new LinkedHashMap<>();
                String ids = inList("id", chunk, params);
                h.createUpdate("UPDATE picture SET category_id = " + Category.DEFAULT_ID + ", modified = :modified "
                                + "WHERE tenant_id = :tenant AND category_id IN " + ids)
                        .bindMap(params).bind("modified", millis(modified)).bind("tenant", tenantId).execute();
                h.createUpdate("DELETE FROM category WHERE tenant_id = :tenant AND id IN " + ids)
                        .bindMap(params).bind("tenant", tenantId).execute();
            }
            return true;
        });
    }

    @Override
    public Map<Long, Long> countPicturesByCategory(long tenantId) {
        return db.read(h -> {
            Map<Long, Long> counts = new LinkedHashMap<>();
            h.createQuery("SELECT category_id, COUNT(*) AS n FROM picture WHERE tenant_id = :tenant AND deleted = " + LIVE
                            + " GROUP BY category_id ORDER BY category_id")
                    .bind("tenant", tenantId)
                    .map((rs, ctx) -> Map.entry(rs.getLong("category_id"), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    // =============================================================== pictures

    /** Whether a picture counts against its tenant's space: live and holding bytes. */
    private static boolean charged(PictureStatus status, boolean deleted) {
        return status == PictureStatus.NORMAL && !deleted;
    }

    @Override
    public void insertPicture(Picture p) {
        Objects.requireNonNull(p, "picture");
        if (p.status() == PictureStatus.NORMAL && p.blobKey() == null)
            throw new IllegalArgumentException("a NORMAL picture needs a blob key");
        if (p.blobKey() != null) BlobKeys.require(p.blobKey()); // keys become file names later: never store a bad one
        Instant now = clock.instant();
        db.write(h -> {
            requireTenant(h, p.tenantId());
            // the tenant row, then the blob row: the lock order of every write
            if (charged(p.status(), p.deleted())) charge(h, p.tenantId(), p.sizeBytes());
            if (!p.deleted()) addLivePictures(h, p.tenantId(), 1);
            if (p.blobKey() != null) addBlobReference(h, p.blobKey(), p.sizeBytes());
            h.createUpdate("INSERT INTO picture (" + PICTURE_COLUMNS + ") VALUES (:pictureId, :imageId, :tenant, "
                            + ":category, :urlToken, :title, :description, :tags, :imageType, :status, :format, :width, "
                            + ":height, :frames, :size, :md5, :blobKey, :originalFileName, :clientType, :referenced, "
                            + ":deleted, :deletedAt, :created, :modified)")
                    .bind("pictureId", p.pictureId())
                    .bind("imageId", p.imageId())
                    .bind("tenant", p.tenantId())
                    .bind("category", p.categoryId())
                    .bind("urlToken", p.urlToken())
                    .bind("title", p.title())
                    .bind("description", p.description())
                    .bind("tags", p.tags())
                    .bind("imageType", p.imageType())
                    .bind("status", statusCode(p.status()))
                    .bind("format", SqlRows.formatCode(p.format()))
                    .bind("width", p.width())
                    .bind("height", p.height())
                    .bind("frames", p.frames())
                    .bind("size", p.sizeBytes())
                    .bind("md5", p.md5())
                    .bind("blobKey", p.blobKey())
                    .bind("originalFileName", p.originalFileName())
                    .bind("clientType", p.clientType())
                    .bind("referenced", flag(p.referenced()))
                    .bind("deleted", flag(p.deleted()))
                    .bind("deletedAt", nullableMillis(p.deletedAt()))
                    .bind("created", millis(p.created()))
                    .bind("modified", millis(p.modified()))
                    .execute();
            return null;
        });
    }

    /**
     * Charges {@code bytes} to the tenant if they fit its available space: the one conditional
     * update the quota rests on (design: Quota). Zero rows means they do not fit.
     */
    private static void charge(Handle h, long tenantId, long bytes) {
        int rows = h.createUpdate("UPDATE tenant SET used_bytes = used_bytes + :n "
                        + "WHERE id = :tenant AND used_bytes + :n <= ordered_bytes + free_bytes")
                .bind("n", bytes).bind("tenant", tenantId).execute();
        if (rows == 0) {
            Tenant t = findTenant(h, tenantId).orElseThrow(() -> tenantNotFound(tenantId));
            throw new QuotaExceededException("the picture needs " + bytes + " bytes but only " + t.remainingBytes()
                    + " of " + t.availableBytes() + " remain");
        }
    }

    /** Keeps tenant.live_pictures (the unfiltered count) in step with the picture rows. */
    private static void addLivePictures(Handle h, long tenantId, long n) {
        if (n == 0) return;
        h.createUpdate("UPDATE tenant SET live_pictures = live_pictures + :n WHERE id = :tenant")
                .bind("n", n).bind("tenant", tenantId).execute();
    }

    /** Gives back space; always succeeds. */
    private static void release(Handle h, long tenantId, long bytes) {
        if (bytes == 0) return;
        h.createUpdate("UPDATE tenant SET used_bytes = used_bytes - :n WHERE id = :tenant")
                .bind("n", bytes).bind("tenant", tenantId).execute();
    }

    private static void addBlobReference(Handle h, String key, long size) {
        h.createUpdate("INSERT INTO stored_blob (" + BLOB_COLUMNS + ") VALUES (:key, :size, 1, NULL) "
                        + "ON CONFLICT (blob_key) DO UPDATE SET ref_count = stored_blob.ref_count + 1, zero_since = NULL")
                .bind("key", key).bind("size", size).execute();
    }

    /** Drops {@code n} references; the count that reaches 0 records when (for the sweep's grace period). */
    private static void dropBlobReferences(Handle h, String key, long n, Instant now) {
        h.createUpdate("UPDATE stored_blob SET "
                        + "ref_count = CASE WHEN ref_count > :n THEN ref_count - :n ELSE 0 END, "
                        + "zero_since = CASE WHEN ref_count > :n THEN zero_since ELSE COALESCE(zero_since, :now) END "
                        + "WHERE blob_key = :key")
                .bind("n", n).bind("now", millis(now)).bind("key", key).execute();
    }

    @Override
    public Picture attachBlob(long tenantId, long pictureId, BlobAttachment a) {
        Objects.requireNonNull(a, "attachment");
        BlobKeys.require(a.blobKey());
        Instant now = clock.instant();
        return db.write(h -> {
            Picture old = h.createQuery("SELECT " + PICTURE_COLUMNS + " FROM picture WHERE tenant_id = :tenant "
                            + "AND picture_id = :id AND deleted = " + LIVE + db.dialect().forUpdate())
                    .bind("tenant", tenantId).bind("id", pictureId).map(PICTURE).findOne()
                    .orElseThrow(() -> new PictureNotFoundException("no picture " + pictureId));
            long delta = a.sizeBytes() - (charged(old.status(), false) ? old.sizeBytes() : 0);
            if (delta > 0) charge(h, tenantId, delta);
            else release(h, tenantId, -delta);
            // Two blob rows change: in key order, like everywhere else, or two replaces swapping
            // the same two contents could deadlock on PostgreSQL. The new row must exist before
            // the picture names it (foreign key); dropping a reference never removes a row.
            boolean moves = !a.blobKey().equals(old.blobKey());
            boolean dropsOld = moves && old.blobKey() != null;
            if (dropsOld && old.blobKey().compareTo(a.blobKey()) < 0) {
                dropBlobReferences(h, old.blobKey(), 1, now);
                addBlobReference(h, a.blobKey(), a.sizeBytes());
            } else {
                if (moves) addBlobReference(h, a.blobKey(), a.sizeBytes());
                if (dropsOld) dropBlobReferences(h, old.blobKey(), 1, now);
            }
            h.createUpdate("UPDATE picture SET blob_key = :key, size_bytes = :size, md5 = :md5, format = :format, "
                            + "width = :width, height = :height, frames = :frames, status = :status, modified = :modified "
                            + "WHERE picture_id = :id")
                    .bind("key", a.blobKey())
                    .bind("size", a.sizeBytes())
                    .bind("md5", a.md5())
                    .bind("format", SqlRows.formatCode(a.format()))
                    .bind("width", a.width())
                    .bind("height", a.height())
                    .bind("frames", a.frames())
                    .bind("status", statusCode(PictureStatus.NORMAL))
                    .bind("modified", millis(a.modified()))
                    .bind("id", pictureId)
                    .execute();
            return findPicture(h, tenantId, pictureId).orElseThrow();
        });
    }

    @Override
    public void markUploadFailed(long tenantId, long pictureId, Instant modified) {
        db.write(h -> h.createUpdate("UPDATE picture SET status = :failed, modified = :modified "
                        + "WHERE tenant_id = :tenant AND picture_id = :id AND status = :uploading")
                .bind("failed", statusCode(PictureStatus.UPLOAD_FAIL))
                .bind("uploading", statusCode(PictureStatus.UPLOADING))
                .bind("modified", millis(modified))
                .bind("tenant", tenantId)
                .bind("id", pictureId)
                .execute());
    }

    /** Live or recycled ({@link Picture#deleted()} tells). */
    @Override
    public Optional<Picture> findPicture(long tenantId, long pictureId) {
        return db.read(h -> findPicture(h, tenantId, pictureId));
    }

    private static Optional<Picture> findPicture(Handle h, long tenantId, long pictureId) {
        return h.createQuery("SELECT " + PICTURE_COLUMNS + " FROM picture WHERE tenant_id = :tenant AND picture_id = :id")
                .bind("tenant", tenantId).bind("id", pictureId).map(PICTURE).findOne();
    }

    /** Live or recycled ({@link Picture#deleted()} tells). */
    @Override
    public Optional<Picture> findPictureByImageId(long tenantId, String imageId) {
        return db.read(h -> h.createQuery("SELECT " + PICTURE_COLUMNS + " FROM picture "
                        + "WHERE image_id = :imageId AND tenant_id = :tenant")
                .bind("imageId", imageId).bind("tenant", tenantId).map(PICTURE).findOne());
    }

    /** Live or recycled: serving must refuse a {@link Picture#deleted()} one. */
    @Override
    public Optional<Picture> findPictureByUrlToken(String urlToken) {
        return db.read(h -> h.createQuery("SELECT " + PICTURE_COLUMNS + " FROM picture WHERE url_token = :token")
                .bind("token", urlToken).map(PICTURE).findOne());
    }

    @Override
    public List<Picture> findPictures(long tenantId, PictureQuery query) {
        if (query.pageSize() <= 0) return List.of();
        SqlText select = pictureSelect(db.dialect(), tenantId, query);
        return db.read(h -> h.createQuery(select.sql()).bindMap(select.params()).map(PICTURE).list());
    }

    @Override
    public long countPictures(long tenantId, PictureQuery query) {
        if (isWholeSpace(query))
            return db.read(h -> h.createQuery("SELECT live_pictures FROM tenant WHERE id = :tenant").bind("tenant", tenantId)
                    .mapTo(Long.class).findOne().orElse(0L));
        SqlText where = pictureWhere(db.dialect(), tenantId, query);
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM picture" + where.sql())
                .bindMap(where.params()).mapTo(Long.class).one());
    }

    /** A query for all of a tenant's live pictures: its count is the one the tenant row keeps. */
    static boolean isWholeSpace(PictureQuery q) {
        return q.pictureId() == null && q.categoryId() == null && !Boolean.TRUE.equals(q.deleted()) && q.modifiedAfter() == null
                && (q.titleLike() == null || q.titleLike().isEmpty()) && q.createdFrom() == null && q.createdTo() == null
                && q.clientType() == null && q.urlTokens() == null;
    }

    /** SQL with its named parameters. */
    record SqlText(String sql, Map<String, Object> params) {}

    /** The page of pictures {@code query} asks for; package-visible so tests can check its plan. */
    static SqlText pictureSelect(Database.Dialect dialect, long tenantId, PictureQuery query) {
        SqlText where = pictureWhere(dialect, tenantId, query);
        Map<String, Object> params = new LinkedHashMap<>(where.params());
        params.put("limit", query.pageSize());
        params.put("offset", Math.max(0L, query.offset()));
        // Every order ends with picture_id in the same direction, so pages are stable and each
        // order is exactly one of the picture_by_* indexes read forwards or backwards.
        String order = switch (query.order() == null ? PictureQuery.Order.TIME_DESC : query.order()) {
            case TIME_DESC -> "created DESC, picture_id DESC";
            case TIME_ASC -> "created ASC, picture_id ASC";
            case SIZE_DESC -> "size_bytes DESC, picture_id DESC";
            case SIZE_ASC -> "size_bytes ASC, picture_id ASC";
        };
        return new SqlText("SELECT " + PICTURE_COLUMNS + " FROM picture" + where.sql() + " ORDER BY " + order
                + " LIMIT :limit OFFSET :offset", params);
    }

    static SqlText pictureWhere(Database.Dialect dialect, long tenantId, PictureQuery q) {
        Map<String, Object> params = new LinkedHashMap<>();
        // With URL tokens, the unique url_token index finds the few rows; the unary + keeps SQLite
        // from preferring an index on (tenant_id, deleted) merely because it saves a sort, which
        // for a big tenant would read all its pictures. (+x is plain arithmetic in PostgreSQL too.)
        boolean byToken = q.urlTokens() != null;
        StringBuilder sql = new StringBuilder(byToken ? " WHERE +tenant_id = :tenant AND +deleted = :deleted"
                : " WHERE tenant_id = :tenant AND deleted = :deleted");
        params.put("tenant", tenantId);
        params.put("deleted", Boolean.TRUE.equals(q.deleted()) ? 1 : 0);
        if (q.pictureId() != null) { sql.append(" AND picture_id = :pictureId"); params.put("pictureId", q.pictureId()); }
        if (q.categoryId() != null) { sql.append(" AND category_id = :categoryId"); params.put("categoryId", q.categoryId()); }
        if (q.modifiedAfter() != null) {
            sql.append(" AND modified > :modifiedAfter");
            params.put("modifiedAfter", millis(q.modifiedAfter()));
        }
        if (q.titleLike() != null && !q.titleLike().isEmpty()) {
            String escaped = escapeLike(q.titleLike());
            if (escaped.equals(q.titleLike())) sql.append(" AND ").append(dialect.titleContains("titleLike"));
            else sql.append(" AND ").append(dialect.titleMatches("titleLike", LIKE_ESCAPE));
            params.put("titleLike", "%" + escaped + "%");
        }
        if (q.createdFrom() != null) { sql.append(" AND created >= :createdFrom"); params.put("createdFrom", millis(q.createdFrom())); }
        if (q.createdTo() != null) { sql.append(" AND created <= :createdTo"); params.put("createdTo", millis(q.createdTo())); }
        if (q.clientType() != null) { sql.append(" AND client_type = :clientType"); params.put("clientType", q.clientType()); }
        if (q.urlTokens() != null) {
            List<String> tokens = List.copyOf(new LinkedHashSet<>(q.urlTokens()));
            if (tokens.isEmpty()) sql.append(" AND 1 = 0"); // "one of no tokens": nothing
            else sql.append(" AND url_token IN ").append(inList("token", tokens, params));
        }
        return new SqlText(sql.toString(), params);
    }

    /** Makes {@code %}, {@code _} and the escape character itself match literally. */
    static String escapeLike(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) b.append(LIKE_ESCAPE);
            b.append(c);
        }
        return b.toString();
    }

    /** {@code (:p0, :p1, …)}, adding the values to {@code params}. */
    private static String inList(String prefix, List<?> values, Map<String, Object> params) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(':').append(prefix).append(i);
            params.put(prefix + i, values.get(i));
        }
        return b.append(')').toString();
    }

    private static <T> List<List<T>> chunks(Collection<T> values) {
        List<T> distinct = List.copyOf(new LinkedHashSet<>(values));
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i += IN_LIST_CHUNK)
            chunks.add(distinct.subList(i, Math.min(distinct.size(), i + IN_LIST_CHUNK)));
        return chunks;
    }

    // =============================================================== VOD search (SearchMedia)
    // Kept apart from the TOP queries above: a PictureFilter is a tree of and/or conditions, and
    // pages are by offset or by keyset. Portable SQL: row-value comparisons work on SQLite 3.15+
    // and PostgreSQL, and both serve them from the (…, created|modified, picture_id) indexes.

    @Override
    public List<Picture> searchPictures(long tenantId, PictureSearch search) {
        if (search.limit() <= 0) return List.of();
        SqlText select = searchSelect(db.dialect(), tenantId, search);
        return db.read(h -> h.createQuery(select.sql()).bindMap(select.params()).map(PICTURE).list());
    }

    @Override
    public long countMatching(long tenantId, PictureFilter filter) {
        if (filter.isEverything())
            return db.read(h -> h.createQuery("SELECT live_pictures FROM tenant WHERE id = :tenant").bind("tenant", tenantId)
                    .mapTo(Long.class).findOne().orElse(0L));
        SqlText where = searchWhere(db.dialect(), tenantId, filter);
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM picture" + where.sql())
                .bindMap(where.params()).mapTo(Long.class).one());
    }

    /** The page {@code search} asks for; package-visible so tests can check its plan. */
    static SqlText searchSelect(Database.Dialect dialect, long tenantId, PictureSearch search) {
        SqlText where = searchWhere(dialect, tenantId, search.filter());
        Map<String, Object> params = new LinkedHashMap<>(where.params());
        StringBuilder sql = new StringBuilder("SELECT " + PICTURE_COLUMNS + " FROM picture").append(where.sql());
        PictureSearch.Sort first = search.sorts().get(0);
        if (search.after() != null) {
            // Keyset: strictly after the last row of the previous page in (sort column, picture_id) order.
            sql.append(" AND (").append(timeColumn(first.field())).append(", picture_id) ")
                    .append(first.descending() ? "<" : ">").append(" (:afterValue, :afterId)");
            params.put("afterValue", search.after().sortValueMillis());
            params.put("afterId", search.after().pictureId());
        }
        sql.append(" ORDER BY ");
        for (PictureSearch.Sort s : search.sorts())
            sql.append(timeColumn(s.field())).append(s.descending() ? " DESC, " : " ASC, ");
        // picture_id in the first sort's direction: a single sort is then one index read one way
        sql.append("picture_id").append(first.descending() ? " DESC" : " ASC");
        sql.append(" LIMIT :limit OFFSET :offset");
        params.put("limit", search.limit());
        params.put("offset", search.offset());
        return new SqlText(sql.toString(), params);
    }

    static SqlText searchWhere(Database.Dialect dialect, long tenantId, PictureFilter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("tenant", tenantId);
        StringBuilder sql = new StringBuilder(" WHERE tenant_id = :tenant AND deleted = " + LIVE);
        if (!filter.isEverything()) sql.append(" AND ").append(condition(dialect, filter, params));
        return new SqlText(sql.toString(), params);
    }

    private static String timeColumn(PictureFilter.TimeField f) {
        return f == PictureFilter.TimeField.CREATED ? "created" : "modified";
    }

    /** One filter node as a parenthesised SQL condition; parameters are named p0, p1, … in order. */
    private static String condition(Database.Dialect dialect, PictureFilter f, Map<String, Object> params) {
        if (f instanceof PictureFilter.All all) {
            if (all.parts().isEmpty()) return "1 = 1";
            List<String> parts = new ArrayList<>();
            for (PictureFilter p : all.parts()) parts.add(condition(dialect, p, params));
            return "(" + String.join(" AND ", parts) + ")";
        }
        if (f instanceof PictureFilter.Any any) {
            if (any.parts().isEmpty()) return "1 = 0";
            List<String> parts = new ArrayList<>();
            for (PictureFilter p : any.parts()) parts.add(condition(dialect, p, params));
            return "(" + String.join(" OR ", parts) + ")";
        }
        if (f instanceof PictureFilter.ImageIdIs i) return "image_id = :" + param(params, i.imageId());
        if (f instanceof PictureFilter.CategoryIs c) return "category_id = :" + param(params, c.categoryId());
        if (f instanceof PictureFilter.StatusIn s) {
            if (s.statuses().isEmpty()) return "1 = 0";
            List<String> codes = s.statuses().stream().map(SqlRows::statusCode).sorted().toList();
            List<String> names = new ArrayList<>();
            for (String code : codes) names.add(":" + param(params, code));
            return "status IN (" + String.join(", ", names) + ")";
        }
        if (f instanceof PictureFilter.TextContains t) {
            String escaped = escapeLike(t.term());
            String name = param(params, "%" + escaped + "%");
            return switch (t.field()) {
                // the title has a substring index (SQLite FTS5 trigram), usable for terms without wildcards
                case TITLE -> escaped.equals(t.term()) ? dialect.titleContains(name)
                        : "title LIKE :" + name + " ESCAPE '" + LIKE_ESCAPE + "'";
                case TAGS -> "tags LIKE :" + name + " ESCAPE '" + LIKE_ESCAPE + "'";
                case DESCRIPTION -> "description LIKE :" + name + " ESCAPE '" + LIKE_ESCAPE + "'";
                case ORIGINAL_FILE_NAME -> "original_file_name LIKE :" + name + " ESCAPE '" + LIKE_ESCAPE + "'";
            };
        }
        if (f instanceof PictureFilter.TimeRange r) {
            String col = timeColumn(r.field());
            List<String> parts = new ArrayList<>();
            if (r.from() != null) parts.add(col + (r.fromInclusive() ? " >= :" : " > :") + param(params, millis(r.from())));
            if (r.to() != null) parts.add(col + (r.toInclusive() ? " <= :" : " < :") + param(params, millis(r.to())));
            return parts.isEmpty() ? "1 = 1" : "(" + String.join(" AND ", parts) + ")";
        }
        if (f instanceof PictureFilter.Constant c) return c.matches() ? "1 = 1" : "1 = 0";
        throw new IllegalArgumentException("unknown filter " + f); // PictureFilter is sealed: cannot happen
    }

    private static String param(Map<String, Object> params, Object value) {
        String name = "p" + params.size();
        params.put(name, value);
        return name;
    }

    @Override
    public boolean titleTaken(long tenantId, String title) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM picture WHERE tenant_id = :tenant AND deleted = " + LIVE
                        + " AND title = :title")
                .bind("tenant", tenantId).bind("title", title).mapTo(Long.class).one() > 0);
    }

    @Override
    public boolean updatePictureInfo(long tenantId, long pictureId, String title, String description, String tags,
                                     Long categoryId, Instant modified) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder set = new StringBuilder("modified = :modified");
        params.put("modified", millis(modified));
        if (title != null) { set.append(", title = :title"); params.put("title", title); }
        if (description != null) { set.append(", description = :description"); params.put("description", description); }
        if (tags != null) { set.append(", tags = :tags"); params.put("tags", tags); }
        if (categoryId != null) { set.append(", category_id = :category"); params.put("category", categoryId); }
        params.put("tenant", tenantId);
        params.put("id", pictureId);
        String sql = "UPDATE picture SET " + set + " WHERE tenant_id = :tenant AND picture_id = :id AND deleted = " + LIVE;
        return db.write(h -> h.createUpdate(sql).bindMap(params).execute()) > 0;
    }

    @Override
    public int changeCategory(long tenantId, Collection<Long> pictureIds, long categoryId, Instant modified) {
        if (pictureIds.isEmpty()) return 0;
        return db.write(h -> {
            int moved = 0;
            for (List<Long> chunk : chunks(pictureIds)) {
                Map<String, Object> params = new LinkedHashMap<>();
                String ids = inList("id", chunk, params);
                moved += h.createUpdate("UPDATE picture SET category_id = :category, modified = :modified "
                                + "WHERE tenant_id = :tenant AND deleted = " + LIVE + " AND picture_id IN " + ids)
                        .bindMap(params)
                        .bind("category", categoryId)
                        .bind("modified", millis(modified))
                        .bind("tenant", tenantId)
                        .execute();
            }
            return moved;
        });
    }

    /**
     * Recycled pictures keep their blob reference (until {@link #purgeRecycled}) but stop
     * counting against the space. The rows are selected first (locked on PostgreSQL) so that
     * exactly the pictures this call recycles are the ones whose sizes are released.
     */
    @Override
    public int recyclePictures(long tenantId, Collection<Long> pictureIds, Instant now) {
        if (pictureIds.isEmpty()) return 0;
        return db.write(h -> {
            int recycled = 0;
            long released = 0;
            for (List<Long> chunk : chunks(pictureIds)) {
                Map<String, Object> params = new LinkedHashMap<>();
                String ids = inList("id", chunk, params);
                String where = " WHERE tenant_id = :tenant AND deleted = " + LIVE + " AND picture_id IN " + ids;
                List<Map.Entry<Long, Long>> targets = h.createQuery("SELECT picture_id, status, size_bytes FROM picture"
                                + where + " ORDER BY picture_id" + db.dialect().forUpdate())
                        .bindMap(params).bind("tenant", tenantId)
                        .map((rs, ctx) -> Map.entry(rs.getLong("picture_id"),
                                statusCode(PictureStatus.NORMAL).equals(rs.getString("status")) ? rs.getLong("size_bytes") : 0L))
                        .list();
                if (targets.isEmpty()) continue;
                Map<String, Object> targetParams = new LinkedHashMap<>();
                String targetIds = inList("id", targets.stream().map(Map.Entry::getKey).toList(), targetParams);
                recycled += h.createUpdate("UPDATE picture SET deleted = " + RECYCLED + ", deleted_at = :now "
                                + "WHERE tenant_id = :tenant AND picture_id IN " + targetIds)
                        .bindMap(targetParams).bind("now", millis(now)).bind("tenant", tenantId).execute();
                for (Map.Entry<Long, Long> t : targets) released += t.getValue();
            }
            release(h, tenantId, released);
            addLivePictures(h, tenantId, -recycled);
            return recycled;
        });
    }

    @Override
    public int purgeRecycled(Instant deletedBefore, int limit) {
        if (limit <= 0) return 0;
        Instant now = clock.instant();
        return db.write(h -> {
            List<Map.Entry<Long, String>> victims = h.createQuery("SELECT picture_id, blob_key FROM picture "
                            + "WHERE deleted = " + RECYCLED + " AND deleted_at < :before "
                            + "ORDER BY deleted_at, picture_id LIMIT :limit" + db.dialect().forUpdate())
                    .bind("before", millis(deletedBefore)).bind("limit", limit)
                    .map((rs, ctx) -> Map.entry(rs.getLong("picture_id"), Objects.toString(rs.getString("blob_key"), "")))
                    .list();
            Map<String, Long> droppedReferences = new java.util.TreeMap<>(); // blob rows in key order
            for (Map.Entry<Long, String> v : victims)
                if (!v.getValue().isEmpty()) droppedReferences.merge(v.getValue(), 1L, Long::sum);
            int purged = 0;
            for (List<Long> chunk : chunks(victims.stream().map(Map.Entry::getKey).toList())) {
                Map<String, Object> params = new LinkedHashMap<>();
                purged += h.createUpdate("DELETE FROM picture WHERE picture_id IN " + inList("id", chunk, params))
                        .bindMap(params).execute();
            }
            for (Map.Entry<String, Long> d : droppedReferences.entrySet()) dropBlobReferences(h, d.getKey(), d.getValue(), now);
            return purged;
        });
    }

    // =============================================================== derivatives

    @Override
    public Optional<DerivativeRecord> findDerivative(String key) {
        return db.read(h -> h.createQuery("SELECT " + DERIVATIVE_COLUMNS + " FROM derivative WHERE derivative_key = :key")
                .bind("key", key).map(DERIVATIVE).findOne());
    }

    /**
     * An upsert (ON CONFLICT … DO UPDATE: SQLite 3.24+, PostgreSQL 9.5+), then the source's rows
     * beyond the bound, newest kept: at most {@code maxPerSource} + 1 rows are read.
     */
    @Override
    public int putDerivative(DerivativeRecord d, int maxPerSource) {
        Objects.requireNonNull(d, "derivative");
        if (maxPerSource < 1) throw new IllegalArgumentException("maxPerSource must be at least 1");
        return db.write(h -> {
            h.createUpdate("INSERT INTO derivative (" + DERIVATIVE_COLUMNS + ") VALUES (:key, :source, :ops, :blob, "
                            + ":size, :type, :width, :height, :created) ON CONFLICT (derivative_key) DO UPDATE SET "
                            + "source_key = excluded.source_key, operations = excluded.operations, blob_key = excluded.blob_key, "
                            + "size_bytes = excluded.size_bytes, media_type = excluded.media_type, width = excluded.width, "
                            + "height = excluded.height, created = excluded.created")
                    .bind("key", d.key())
                    .bind("source", d.sourceKey())
                    .bind("ops", d.operations())
                    .bind("blob", d.blobKey())
                    .bind("size", d.sizeBytes())
                    .bind("type", d.mediaType())
                    .bind("width", d.width())
                    .bind("height", d.height())
                    .bind("created", millis(d.created()))
                    .execute();
            List<String> older = h.createQuery("SELECT derivative_key FROM derivative WHERE source_key = :source "
                            + "ORDER BY created DESC, derivative_key LIMIT " + (maxPerSource + 64) + " OFFSET " + maxPerSource)
                    .bind("source", d.sourceKey()).mapTo(String.class).list();
            int dropped = 0;
            for (String key : older)
                dropped += h.createUpdate("DELETE FROM derivative WHERE derivative_key = :key").bind("key", key).execute();
            return dropped;
        });
    }

    @Override
    public boolean deleteDerivative(String key) {
        return db.write(h -> h.createUpdate("DELETE FROM derivative WHERE derivative_key = :key").bind("key", key).execute()) > 0;
    }

    /** One statement, so a picture that starts showing these bytes meanwhile keeps them or gets them re-rendered. */
    @Override
    public int deleteDerivativesIfSourceUnused(String sourceKey) {
        return db.write(h -> h.createUpdate("DELETE FROM derivative WHERE source_key = :source AND NOT EXISTS "
                        + "(SELECT 1 FROM picture WHERE blob_key = :source AND deleted = " + LIVE + ")")
                .bind("source", sourceKey).execute());
    }

    private static final String ORPHAN_DERIVATIVE = "NOT EXISTS (SELECT 1 FROM picture p WHERE p.blob_key = derivative.source_key "
            + "AND p.deleted = " + LIVE + ")";

    @Override
    public int orphanDerivatives(boolean delete) {
        if (!delete)
            return db.read(h -> h.createQuery("SELECT COUNT(*) FROM derivative WHERE " + ORPHAN_DERIVATIVE)
                    .mapTo(Long.class).one()).intValue();
        return db.write(h -> h.createUpdate("DELETE FROM derivative WHERE " + ORPHAN_DERIVATIVE).execute());
    }

    /** Paged by key like {@link #forEachBlobRecord}, so no read stays open while the visitor works. */
    @Override
    public void forEachDerivative(Consumer<DerivativeRecord> visitor) {
        String after = "";
        while (true) {
            String from = after;
            List<DerivativeRecord> page = db.read(h -> h.createQuery("SELECT " + DERIVATIVE_COLUMNS + " FROM derivative "
                            + "WHERE derivative_key > :after ORDER BY derivative_key LIMIT " + BLOB_PAGE)
                    .bind("after", from).map(DERIVATIVE).list());
            page.forEach(visitor);
            if (page.size() < BLOB_PAGE) return;
            after = page.get(page.size() - 1).key();
        }
    }

    @Override
    public boolean derivativeBlobInUse(String blobKey) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM derivative WHERE blob_key = :blob")
                .bind("blob", blobKey).mapTo(Long.class).one()) > 0;
    }

    // =============================================================== blobs and fsck

    @Override
    public Optional<BlobRecord> findBlob(String key) {
        return db.read(h -> h.createQuery("SELECT " + BLOB_COLUMNS + " FROM stored_blob WHERE blob_key = :key")
                .bind("key", key).map(BLOB).findOne());
    }

    /**
     * Pages through the rows in key order, a query per page, so that no read transaction stays
     * open while the visitor works (it may well delete what it visits).
     */
    @Override
    public void forEachBlobRecord(Consumer<BlobRecord> visitor) {
        String after = "";
        while (true) {
            String from = after;
            List<BlobRecord> page = db.read(h -> h.createQuery("SELECT " + BLOB_COLUMNS + " FROM stored_blob "
                            + "WHERE blob_key > :after ORDER BY blob_key LIMIT " + BLOB_PAGE)
                    .bind("after", from).map(BLOB).list());
            page.forEach(visitor);
            if (page.size() < BLOB_PAGE) return;
            after = page.get(page.size() - 1).key();
        }
    }

    /** Also refuses while any picture row still names the blob, whatever its count says. */
    @Override
    public boolean deleteBlobRecordIfUnreferenced(String key) {
        return db.write(h -> h.createUpdate("DELETE FROM stored_blob WHERE blob_key = :key AND ref_count = 0 "
                        + "AND NOT EXISTS (SELECT 1 FROM picture WHERE blob_key = :key)")
                .bind("key", key).execute()) > 0;
    }

    /** The number of picture rows naming each key, against the count the blob row keeps. */
    private static final String REF_COUNT_MISMATCHES =
            "SELECT b.blob_key AS blob_key, b.ref_count AS stored, COALESCE(p.n, 0) AS actual, 1 AS has_row, "
            + "b.size_bytes AS size_bytes FROM stored_blob b "
            + "LEFT JOIN (SELECT blob_key, COUNT(*) AS n FROM picture WHERE blob_key IS NOT NULL GROUP BY blob_key) p "
            + "ON p.blob_key = b.blob_key WHERE b.ref_count <> COALESCE(p.n, 0) "
            + "UNION ALL "
            + "SELECT p.blob_key, 0, COUNT(*), 0, MAX(p.size_bytes) FROM picture p WHERE p.blob_key IS NOT NULL "
            + "AND NOT EXISTS (SELECT 1 FROM stored_blob b WHERE b.blob_key = p.blob_key) GROUP BY p.blob_key "
            + "ORDER BY 1";

    private record RefCountDrift(String key, long stored, long actual, boolean hasRow, long size) {}

    private static List<RefCountDrift> refCountDrift(Handle h) {
        return h.createQuery(REF_COUNT_MISMATCHES)
                .map((rs, ctx) -> new RefCountDrift(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4) != 0, rs.getLong(5)))
                .list();
    }

    /** Subject {@code blob <key>}, or {@code blob <key> (no row)} when pictures name a key that has no row. */
    @Override
    public List<Mismatch> findRefCountMismatches() {
        return db.read(h -> refCountDrift(h).stream()
                .map(d -> new Mismatch("blob " + d.key() + (d.hasRow() ? "" : " (no row)"), d.stored(), d.actual()))
                .toList());
    }

    /**
     * Exact while uploads go on, on both databases. SQLite: this transaction excludes every other
     * writer. PostgreSQL: each drifting row is locked first and its pictures counted afterwards,
     * by a statement that therefore sees every transaction that changed this key's references
     * (they hold the row's lock until they commit); one still waiting for the lock adjusts the
     * count relative to what is written here, so it stays right after it commits too.
     */
    @Override
    public int repairRefCounts() {
        Instant now = clock.instant();
        return db.write(h -> {
            int repaired = 0;
            for (RefCountDrift d : refCountDrift(h)) { // in key order: the lock order of every write
                if (!d.hasRow())
                    h.createUpdate("INSERT INTO stored_blob (" + BLOB_COLUMNS + ") VALUES (:key, :size, 0, NULL) "
                                    + "ON CONFLICT (blob_key) DO NOTHING")
                            .bind("key", d.key()).bind("size", d.size()).execute();
                Optional<Long> stored = h.createQuery("SELECT ref_count FROM stored_blob WHERE blob_key = :key"
                                + db.dialect().forNoKeyUpdate())
                        .bind("key", d.key()).mapTo(Long.class).findOne();
                if (stored.isEmpty()) continue; // deleted meanwhile, which it only is when unreferenced
                long actual = h.createQuery("SELECT COUNT(*) FROM picture WHERE blob_key = :key")
                        .bind("key", d.key()).mapTo(Long.class).one();
                if (actual == stored.get()) continue; // fixed meanwhile
                h.createUpdate("UPDATE stored_blob SET ref_count = :n, "
                                + "zero_since = CASE WHEN :n = 0 THEN COALESCE(zero_since, :now) ELSE NULL END "
                                + "WHERE blob_key = :key")
                        .bind("n", actual).bind("now", millis(now)).bind("key", d.key()).execute();
                repaired++;
            }
            return repaired;
        });
    }

    /** What a tenant's used space should be: the sizes of its live NORMAL pictures. */
    private static final String USAGE_MISMATCHES =
            "SELECT t.id AS id, t.used_bytes AS stored, COALESCE(s.total, 0) AS actual FROM tenant t "
            + "LEFT JOIN (SELECT tenant_id, SUM(size_bytes) AS total FROM picture WHERE deleted = " + LIVE
            + " AND status = '" + statusCode(PictureStatus.NORMAL) + "' GROUP BY tenant_id) s ON s.tenant_id = t.id "
            + "WHERE t.used_bytes <> COALESCE(s.total, 0) ORDER BY t.id";

    /** Tenants whose kept count of live pictures differs from their rows. */
    private static final String LIVE_COUNT_MISMATCHES =
            "SELECT t.id AS id, t.live_pictures AS stored, COALESCE(c.n, 0) AS actual FROM tenant t "
            + "LEFT JOIN (SELECT tenant_id, COUNT(*) AS n FROM picture WHERE deleted = " + LIVE
            + " GROUP BY tenant_id) c ON c.tenant_id = t.id WHERE t.live_pictures <> COALESCE(c.n, 0) ORDER BY t.id";

    private static List<UsageDrift> liveCountDrift(Handle h) {
        return h.createQuery(LIVE_COUNT_MISMATCHES)
                .map((rs, ctx) -> new UsageDrift(rs.getLong("id"), rs.getLong("stored"), rs.getLong("actual")))
                .list();
    }

    private record UsageDrift(long tenantId, long stored, long actual) {}

    private static List<UsageDrift> usageDrift(Handle h) {
        return h.createQuery(USAGE_MISMATCHES)
                .map((rs, ctx) -> new UsageDrift(rs.getLong("id"), rs.getLong("stored"), rs.getLong("actual")))
                .list();
    }

    /** Subject {@code tenant <id>}. */
    @Override
    public List<Mismatch> findUsageMismatches() {
        return db.read(h -> {
            List<Mismatch> m = new java.util.ArrayList<>();
            usageDrift(h).forEach(d -> m.add(new Mismatch("tenant " + d.tenantId(), d.stored(), d.actual())));
            liveCountDrift(h).forEach(d -> m.add(new Mismatch("tenant " + d.tenantId() + " live pictures", d.stored(), d.actual())));
            return m;
        });
    }

    /**
     * Exact while uploads go on, on both databases, as {@link #repairRefCounts}: the tenant row
     * is locked before its pictures are summed, and every transaction that changes the sum or
     * the count of a tenant's live pictures changes its tenant row too (charge, release, the
     * live count), so it has committed before the sum is taken, or waits and applies its change
     * on top of the repaired value.
     */
    @Override
    public int repairUsage() {
        return db.write(h -> {
            java.util.SortedSet<Long> tenants = new java.util.TreeSet<>(); // in id order, one lock each
            usageDrift(h).forEach(d -> tenants.add(d.tenantId()));
            liveCountDrift(h).forEach(d -> tenants.add(d.tenantId()));
            int repaired = 0;
            for (long id : tenants) {
                Optional<long[]> stored = h.createQuery("SELECT used_bytes, live_pictures FROM tenant WHERE id = :id"
                                + db.dialect().forNoKeyUpdate())
                        .bind("id", id).map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne();
                if (stored.isEmpty()) continue;
                long used = h.createQuery("SELECT COALESCE(SUM(size_bytes), 0) FROM picture WHERE tenant_id = :id "
                                + "AND deleted = " + LIVE + " AND status = '" + statusCode(PictureStatus.NORMAL) + "'")
                        .bind("id", id).mapTo(Long.class).one();
                long live = h.createQuery("SELECT COUNT(*) FROM picture WHERE tenant_id = :id AND deleted = " + LIVE)
                        .bind("id", id).mapTo(Long.class).one();
                if (used != stored.get()[0]) {
                    h.createUpdate("UPDATE tenant SET used_bytes = :actual WHERE id = :id")
                            .bind("actual", used).bind("id", id).execute();
                    repaired++;
                }
                if (live != stored.get()[1]) {
                    h.createUpdate("UPDATE tenant SET live_pictures = :actual WHERE id = :id")
                            .bind("actual", live).bind("id", id).execute();
                    repaired++;
                }
            }
            return repaired;
        });
    }

    // =============================================================== multipart uploads (OSS endpoint)
    //
    // Kept apart from the rest on purpose: plain portable SQL on the V9 tables, no dialect-specific
    // statement except forUpdate(). Part rows are not blob references (stored_blob is untouched);
    // fsck asks multipartPartBlobInUse instead.

    private static final String MULTIPART_UPLOAD_COLUMNS = "upload_id, tenant_id, picture_id, object_key, initiated";
    private static final String MULTIPART_PART_COLUMNS = "upload_id, part_number, blob_key, size_bytes, md5, modified";

    private static final org.jdbi.v3.core.mapper.RowMapper<MultipartUpload> MULTIPART_UPLOAD = (rs, ctx) -> new MultipartUpload(
            rs.getString("upload_id"), rs.getLong("tenant_id"), rs.getLong("picture_id"), rs.getString("object_key"),
            Instant.ofEpochMilli(rs.getLong("initiated")));

    private static final org.jdbi.v3.core.mapper.RowMapper<MultipartPart> MULTIPART_PART = (rs, ctx) -> new MultipartPart(
            rs.getString("upload_id"), rs.getInt("part_number"), rs.getString("blob_key"), rs.getLong("size_bytes"),
            rs.getString("md5"), Instant.ofEpochMilli(rs.getLong("modified")));

    @Override
    public void insertMultipartUpload(MultipartUpload u) {
        Objects.requireNonNull(u, "upload");
        db.write(h -> h.createUpdate("INSERT INTO multipart_upload (" + MULTIPART_UPLOAD_COLUMNS + ") "
                        + "VALUES (:id, :tenant, :picture, :key, :initiated)")
                .bind("id", u.uploadId()).bind("tenant", u.tenantId()).bind("picture", u.pictureId())
                .bind("key", u.objectKey()).bind("initiated", millis(u.initiated()))
                .execute());
    }

    @Override
    public Optional<MultipartUpload> findMultipartUpload(String uploadId) {
        return db.read(h -> h.createQuery("SELECT " + MULTIPART_UPLOAD_COLUMNS + " FROM multipart_upload WHERE upload_id = :id")
                .bind("id", uploadId).map(MULTIPART_UPLOAD).findOne());
    }

    /** The upload row is read FOR UPDATE first, so an abort on another node waits or wins, never half-way. */
    @Override
    public boolean putMultipartPart(MultipartPart p) {
        Objects.requireNonNull(p, "part");
        BlobKeys.require(p.blobKey());
        return db.write(h -> {
            boolean open = h.createQuery("SELECT upload_id FROM multipart_upload WHERE upload_id = :id" + db.dialect().forUpdate())
                    .bind("id", p.uploadId()).mapTo(String.class).findOne().isPresent();
            if (!open) return false;
            h.createUpdate("INSERT INTO multipart_part (" + MULTIPART_PART_COLUMNS + ") "
                            + "VALUES (:id, :number, :key, :size, :md5, :modified) "
                            + "ON CONFLICT (upload_id, part_number) DO UPDATE SET blob_key = excluded.blob_key, "
                            + "size_bytes = excluded.size_bytes, md5 = excluded.md5, modified = excluded.modified")
                    .bind("id", p.uploadId()).bind("number", p.partNumber()).bind("key", p.blobKey())
                    .bind("size", p.sizeBytes()).bind("md5", p.md5()).bind("modified", millis(p.modified()))
                    .execute();
            return true;
        });
    }

    @Override
    public List<MultipartPart> findMultipartParts(String uploadId) {
        return db.read(h -> h.createQuery("SELECT " + MULTIPART_PART_COLUMNS + " FROM multipart_part "
                        + "WHERE upload_id = :id ORDER BY part_number")
                .bind("id", uploadId).map(MULTIPART_PART).list());
    }

    @Override
    public boolean deleteMultipartUpload(String uploadId) {
        return db.write(h -> {
            h.createUpdate("DELETE FROM multipart_part WHERE upload_id = :id").bind("id", uploadId).execute();
            return h.createUpdate("DELETE FROM multipart_upload WHERE upload_id = :id").bind("id", uploadId).execute() > 0;
        });
    }

    @Override
    public int purgeMultipartUploads(Instant initiatedBefore) {
        return db.write(h -> {
            h.createUpdate("DELETE FROM multipart_part WHERE upload_id IN "
                            + "(SELECT upload_id FROM multipart_upload WHERE initiated < :before)")
                    .bind("before", millis(initiatedBefore)).execute();
            return h.createUpdate("DELETE FROM multipart_upload WHERE initiated < :before")
                    .bind("before", millis(initiatedBefore)).execute();
        });
    }

    @Override
    public long multipartBytesOfTenant(long tenantId) {
        return db.read(h -> h.createQuery("SELECT COALESCE(SUM(p.size_bytes), 0) FROM multipart_part p "
                        + "JOIN multipart_upload u ON u.upload_id = p.upload_id WHERE u.tenant_id = :tenant")
                .bind("tenant", tenantId).mapTo(Long.class).one());
    }

    @Override
    public boolean multipartPartBlobInUse(String blobKey) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM multipart_part WHERE blob_key = :key")
                .bind("key", blobKey).mapTo(Long.class).one() > 0);
    }

    /** Through the unique picture_image_id index. */
    @Override
    public Optional<Picture> findPictureByImageId(String imageId) {
        return db.read(h -> h.createQuery("SELECT " + PICTURE_COLUMNS + " FROM picture WHERE image_id = :imageId")
                .bind("imageId", imageId).map(PICTURE).findOne());
    }

    @Override
    public void close() {
        db.close();
    }
}
