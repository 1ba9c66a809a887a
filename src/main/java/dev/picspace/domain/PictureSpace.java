package dev.picspace.domain;

import dev.picspace.domain.Exceptions.CategoryNotFoundException;
import dev.picspace.domain.Exceptions.CategoryRuleException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.Exceptions.PictureNotFoundException;
import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.Exceptions.TenantNotFoundException;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The picture space: every operation either dialect offers, in domain terms. Gateways translate
 * their wire formats to these calls and these exceptions to their error codes; nothing here knows
 * of HTTP or SQL.
 */
public final class PictureSpace {
    public static final String CLIENT_COMPUTER = "client:computer";
    public static final String CLIENT_PHONE = "client:phone";
    public static final int MAX_TITLE_LENGTH = 50;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final ImageProbe probe;
    private final IdGenerator ids;
    private final Clock clock;
    private final ImageLimits limits;
    private final int maxCategoriesPerTenant;
    private final java.util.concurrent.CopyOnWriteArrayList<PictureChangeListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public PictureSpace(MetadataStore metadata, BlobStore blobs, ImageProbe probe, IdGenerator ids, Clock clock,
                        ImageLimits limits, int maxCategoriesPerTenant) {
        this.metadata = Objects.requireNonNull(metadata);
        this.blobs = Objects.requireNonNull(blobs);
        this.probe = Objects.requireNonNull(probe);
        this.ids = Objects.requireNonNull(ids);
        this.clock = Objects.requireNonNull(clock);
        this.limits = Objects.requireNonNull(limits);
        this.maxCategoriesPerTenant = maxCategoriesPerTenant;
    }

    public ImageLimits limits() { return limits; }

    /** Registers a listener for replaced and recycled pictures (see {@link PictureChangeListener}). */
    public void addChangeListener(PictureChangeListener listener) { listeners.add(Objects.requireNonNull(listener)); }

    private void changed(Picture before) {
        for (PictureChangeListener l : listeners) l.pictureChanged(before);
    }

    public MetadataStore metadata() { return metadata; }

    public BlobStore blobs() { return blobs; }

    /** Millisecond precision: what the stores keep, so a returned picture equals a re-read one. */
    public Instant now() { return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); }

    // ---------------------------------------------------------------- tenants

    /** Creates a tenant with its system categories and fresh TOP credentials. */
    public Tenant createTenant(String nick, long orderedBytes, long freeBytes, LocalDate orderExpiry, boolean signedUrls) {
        if (nick == null || nick.isBlank() || nick.length() > 64)
            throw new InvalidArgumentException("nick", "nick must be 1..64 characters");
        if (orderedBytes < 0 || freeBytes < 0)
            throw new InvalidArgumentException("space", "space sizes cannot be negative");
        Instant now = now();
        List<Category> system = new ArrayList<>();
        int position = 0;
        for (CategoryType t : List.of(CategoryType.AUCTION, CategoryType.FIXED))
            system.add(new Category(ids.nextId(), 0, 0, t.systemName(), t, position++, now, now));
        String appKey = String.valueOf(10_000_000 + (Math.abs(ids.nextId() % 90_000_000)));
        return metadata.createTenant(new MetadataStore.TenantSpec(nick, orderedBytes, freeBytes, orderExpiry, signedUrls,
                appKey, ids.randomHex(16), "ps" + ids.randomHex(20),
                "LTAI" + ids.randomAlphanumeric(20), ids.randomAlphanumeric(30), now, system));
    }

    public Tenant tenant(long tenantId) {
        return metadata.findTenant(tenantId).orElseThrow(() -> new TenantNotFoundException("no tenant " + tenantId));
    }

    // ---------------------------------------------------------------- uploads

    /**
     * Stores an upload (design: Bytes, write order): stage and hash the bytes, probe them from their
     * headers, check limits, category and room, give the bytes their content name, then one
     * metadata transaction charges the quota and inserts the picture. Nothing is acknowledged
     * before that transaction commits; a failure before it leaves at most an unreferenced blob.
     */
    public Picture upload(long tenantId, InputStream bytes, UploadSpec spec) {
        Tenant tenant = tenant(tenantId);
        long categoryId = spec.categoryId();
        requireCategory(tenantId, categoryId);
        String clientType = spec.clientType() == null || spec.clientType().isBlank() ? CLIENT_COMPUTER : spec.clientType();
        if (!clientType.equals(CLIENT_COMPUTER) && !clientType.equals(CLIENT_PHONE))
            throw new InvalidArgumentException("client_type", "client_type must be client:computer or client:phone");
        BlobStore.StagedBlob staged = blobs.stage(bytes, limits.maxBytes());
        try {
            ImageInfo info = probeAndCheck(staged);
            if (clientType.equals(CLIENT_PHONE) && (info.width() < 480 || info.width() > 620 || info.height() > 960))
                throw new InvalidArgumentException("img", "a client:phone picture must be 480..620 px wide and at most 960 px high, this one is "
                        + info.width() + "x" + info.height());
            // Cheap early refusal so that an upload that cannot fit stores nothing; the conditional
            // update in insertPicture is what actually guarantees the quota under concurrency.
            if (tenant.usedBytes() + staged.size() > tenant.availableBytes())
                throw overQuota(tenant, staged.size());
            blobs.commit(staged);
            Instant now = now();
            String title = uniqueTitle(tenantId, defaultTitle(spec));
            Picture p = new Picture(ids.nextId(), ids.nextImageId(), tenantId, categoryId, ids.nextUrlToken(), title,
                    spec.description(), spec.tags(), spec.imageType() == null ? "default" : spec.imageType(),
                    PictureStatus.NORMAL, info.format(), info.width(), info.height(), info.frames(), staged.size(),
                    staged.md5(), staged.sha256(), spec.originalFileName(), clientType, false, null, now, now);
            metadata.insertPicture(p);
            return p;
        } finally {
            blobs.discard(staged);
        }
    }

    /**
     * Replaces a picture's bytes, keeping its id, URL, title and category. The size difference is
     * charged atomically; the picture gets a new blob and therefore a new ETag.
     */
    public Picture replace(long tenantId, long pictureId, InputStream bytes) {
        Picture old = livePicture(tenantId, pictureId);
        BlobStore.StagedBlob staged = blobs.stage(bytes, limits.maxBytes());
        try {
            ImageInfo info = probeAndCheck(staged);
            Tenant tenant = tenant(tenantId);
            long delta = staged.size() - (old.status() == PictureStatus.NORMAL ? old.sizeBytes() : 0);
            if (delta > 0 && tenant.usedBytes() + delta > tenant.availableBytes()) throw overQuota(tenant, delta);
            blobs.commit(staged);
            Picture replaced = metadata.attachBlob(tenantId, pictureId, new MetadataStore.BlobAttachment(staged.sha256(),
                    staged.size(), staged.md5(), info.format(), info.width(), info.height(), info.frames(), now()));
            changed(old);
            return replaced;
        } finally {
            blobs.discard(staged);
        }
    }

    /**
     * Creates a picture whose bytes come later (VOD CreateUploadImage): status Uploading, nothing
     * charged, no blob. It has its picture_id and ImageId at once and is visible in both dialects.
     * {@code expected} is the format the caller announced (ImageExt); the bytes decide in the end.
     * The title is kept as given (each dialect enforces its own length rule before calling).
     */
    public Picture createPending(long tenantId, UploadSpec spec, ImageFormat expected) {
        tenant(tenantId);
        requireCategory(tenantId, spec.categoryId());
        Instant now = now();
        String title = spec.title() == null || spec.title().isBlank() ? defaultTitle(spec) : spec.title();
        Picture p = new Picture(ids.nextId(), ids.nextImageId(), tenantId, spec.categoryId(), ids.nextUrlToken(), title,
                spec.description(), spec.tags(), spec.imageType() == null ? "default" : spec.imageType(),
                PictureStatus.UPLOADING, Objects.requireNonNull(expected), 0, 0, 0, 0, null, null,
                spec.originalFileName(), CLIENT_COMPUTER, false, null, now, now);
        metadata.insertPicture(p);
        return p;
    }

    /**
     * The bytes of a pending picture have arrived (OSS PutObject / CompleteMultipartUpload): the
     * same pipeline as {@link #upload} — stage, format from the bytes, header limits, quota charged
     * atomically, dedup — then the picture turns Normal. Bytes that are refused (not an image, over
     * a limit, over the quota) turn it UploadFail with nothing charged, and the exception says why.
     * A picture that is already Normal gets its bytes replaced (an object overwritten).
     *
     * @throws PictureNotFoundException no such live picture
     */
    public Picture completeUpload(long tenantId, long pictureId, InputStream bytes) {
        Picture pending = livePicture(tenantId, pictureId);
        if (pending.status() == PictureStatus.NORMAL) return replace(tenantId, pictureId, bytes);
        BlobStore.StagedBlob staged;
        try {
            staged = blobs.stage(bytes, limits.maxBytes());
        } catch (Exceptions.ImageLimitExceededException e) {
            metadata.markUploadFailed(tenantId, pictureId, now());
            throw e;
        }
        try {
            ImageInfo info = probeAndCheck(staged);
            Tenant tenant = tenant(tenantId);
            if (tenant.usedBytes() + staged.size() > tenant.availableBytes()) throw overQuota(tenant, staged.size());
            blobs.commit(staged);
            return metadata.attachBlob(tenantId, pictureId, new MetadataStore.BlobAttachment(staged.sha256(),
                    staged.size(), staged.md5(), info.format(), info.width(), info.height(), info.frames(), now()));
        } catch (Exceptions.InvalidImageException | Exceptions.ImageLimitExceededException | QuotaExceededException e) {
            metadata.markUploadFailed(tenantId, pictureId, now());
            throw e;
        } finally {
            blobs.discard(staged);
        }
    }

    private ImageInfo probeAndCheck(BlobStore.StagedBlob staged) {
        if (staged.size() == 0) throw new Exceptions.InvalidImageException("the image is empty (0 bytes)");
        ImageInfo info = probe.probe(staged.file(), limits);
        limits.check(info, staged.size());
        return info;
    }

    private static QuotaExceededException overQuota(Tenant t, long bytes) {
        return new QuotaExceededException("the picture needs " + bytes + " bytes but only " + t.remainingBytes()
                + " of " + t.availableBytes() + " remain");
    }

    private static String defaultTitle(UploadSpec spec) {
        String t = spec.title();
        if (t == null || t.isBlank()) {
            String name = spec.originalFileName() == null ? "" : spec.originalFileName();
            int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
            name = name.substring(slash + 1);
            int dot = name.lastIndexOf('.');
            t = dot > 0 ? name.substring(0, dot) : name;
        }
        if (t.isBlank()) t = "picture";
        return truncate(t.strip(), MAX_TITLE_LENGTH);
    }

    /** Taobao's rule: a duplicate title gets "(1)", or its trailing "(n)" incremented. */
    private String uniqueTitle(long tenantId, String title) {
        if (!metadata.titleTaken(tenantId, title)) return title;
        String base = title;
        int n = 1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*)\\((\\d{1,6})\\)$").matcher(title);
        if (m.matches()) { base = m.group(1); n = Integer.parseInt(m.group(2)) + 1; }
        for (int i = 0; i < 1000; i++, n++) {
            String suffix = "(" + n + ")";
            String candidate = truncate(base, MAX_TITLE_LENGTH - suffix.length()) + suffix;
            if (!metadata.titleTaken(tenantId, candidate)) return candidate;
        }
        return title; // pathological: give up on uniqueness rather than fail the upload
    }

    static String truncate(String s, int codePoints) {
        if (s.codePointCount(0, s.length()) <= codePoints) return s;
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    // ---------------------------------------------------------------- pictures

    public Optional<Picture> picture(long tenantId, long pictureId) { return metadata.findPicture(tenantId, pictureId); }

    public Picture livePicture(long tenantId, long pictureId) {
        return metadata.findPicture(tenantId, pictureId).filter(p -> !p.deleted())
                .orElseThrow(() -> new PictureNotFoundException("no picture " + pictureId));
    }

    public List<Picture> find(long tenantId, PictureQuery q) { return metadata.findPictures(tenantId, q); }

    public long count(long tenantId, PictureQuery q) { return metadata.countPictures(tenantId, q); }

    public void rename(long tenantId, long pictureId, String newTitle) {
        if (newTitle == null || newTitle.isBlank()) throw new InvalidArgumentException("new_name", "the new name is empty");
        if (newTitle.codePointCount(0, newTitle.length()) > MAX_TITLE_LENGTH)
            throw new InvalidArgumentException("new_name", "the new name is longer than " + MAX_TITLE_LENGTH + " characters");
        if (!metadata.updatePictureInfo(tenantId, pictureId, newTitle, null, null, null, now()))
            throw new PictureNotFoundException("no picture " + pictureId);
    }

    public boolean updateInfo(long tenantId, long pictureId, String title, String description, String tags, Long categoryId) {
        if (categoryId != null) requireCategory(tenantId, categoryId);
        return metadata.updatePictureInfo(tenantId, pictureId, title, description, tags, categoryId, now());
    }

    /** @return how many pictures moved */
    public int changeCategory(long tenantId, Collection<Long> pictureIds, long categoryId) {
        requireCategory(tenantId, categoryId);
        return metadata.changeCategory(tenantId, pictureIds, categoryId, now());
    }

    /** Moves pictures to the recycle bin and releases their space. @return how many */
    public int delete(long tenantId, Collection<Long> pictureIds) {
        List<Picture> before = new ArrayList<>();
        if (!listeners.isEmpty())
            for (long id : pictureIds) metadata.findPicture(tenantId, id).filter(p -> !p.deleted()).ifPresent(before::add);
        int n = metadata.recyclePictures(tenantId, pictureIds, now());
        before.forEach(this::changed);
        return n;
    }

    // ---------------------------------------------------------------- categories

    private void requireCategory(long tenantId, long categoryId) {
        if (categoryId != Category.DEFAULT_ID && metadata.findCategory(tenantId, categoryId).isEmpty())
            throw new CategoryNotFoundException("no category " + categoryId);
    }

    /** Adds a user category at level 1 ({@code parentId} 0) or 2 (under a level-1 category). */
    public Category addCategory(long tenantId, String name, long parentId) {
        if (name == null || name.isBlank()) throw new InvalidArgumentException("picture_category_name", "the category name is empty");
        int position = 0;
        if (parentId != 0) {
            Category parent = metadata.findCategory(tenantId, parentId)
                    .orElseThrow(() -> new CategoryNotFoundException("no parent category " + parentId));
            if (parent.parentId() != 0)
                throw new CategoryRuleException("categories are at most two levels deep: " + parentId + " is already level 2");
        }
        Instant now = now();
        return metadata.insertCategory(new Category(ids.nextId(), tenantId, parentId, name, CategoryType.USER_DEFINE,
                position, now, now), maxCategoriesPerTenant);
    }

    /**
     * Adds a user category under {@code parentId} (0: level 1) with the caller's tree rules: at
     * most {@code maxLevels} levels (the new category's level counts, level 1 being under the
     * root) and at most {@code maxChildren} user categories directly under one parent. VOD uses this
     * with 3 levels for its own trees and 2 under the built-in (system) categories; TOP keeps
     * {@link #addCategory(long, String, long)} and its two levels. The sibling count is checked
     * before the insert, not in its transaction: two racing adds can exceed it by one (the
     * tenant-wide limit stays exact).
     *
     * @throws Exceptions.CategoryTooDeepException  the parent is already at the deepest level
     * @throws Exceptions.TooManySubcategoriesException the parent has {@code maxChildren} already
     */
    public Category addCategory(long tenantId, String name, long parentId, int maxLevels, int maxChildren) {
        if (name == null || name.isBlank()) throw new InvalidArgumentException("CateName", "the category name is empty");
        if (parentId != 0) {
            int parentLevel = categoryLevel(tenantId, parentId);
            if (parentLevel + 1 > maxLevels)
                throw new Exceptions.CategoryTooDeepException("category " + parentId + " is at level " + parentLevel
                        + " and this tree has at most " + maxLevels + " levels");
        }
        // user categories only: the root also holds the system ones, which nobody created
        int siblings = metadata.findCategories(tenantId, new CategoryQuery(null, null, CategoryType.USER_DEFINE, parentId, null)).size();
        if (siblings >= maxChildren)
            throw new Exceptions.TooManySubcategoriesException("category " + parentId + " already has " + siblings
                    + " subcategories (at most " + maxChildren + ")");
        Instant now = now();
        return metadata.insertCategory(new Category(ids.nextId(), tenantId, parentId, name, CategoryType.USER_DEFINE,
                0, now, now), maxCategoriesPerTenant);
    }

    /**
     * The level of a category: 1 directly under the root, 2 under a level-1 category, …
     *
     * @throws CategoryNotFoundException it does not exist
     */
    public int categoryLevel(long tenantId, long categoryId) {
        int level = 0;
        long id = categoryId;
        while (id != 0) {
            long current = id;
            Category c = metadata.findCategory(tenantId, current)
                    .orElseThrow(() -> new CategoryNotFoundException("no category " + current));
            if (++level > 64) throw new Exceptions.StorageException("category " + categoryId + " has a cycle of parents");
            id = c.parentId();
        }
        return level;
    }

    /** A page of the tenant's live pictures matching a filter (VOD SearchMedia). */
    public List<Picture> search(long tenantId, PictureSearch search) { return metadata.searchPictures(tenantId, search); }

    public long countMatching(long tenantId, PictureFilter filter) { return metadata.countMatching(tenantId, filter); }

    public List<Category> categories(long tenantId, CategoryQuery q) { return metadata.findCategories(tenantId, q); }

    public Category category(long tenantId, long categoryId) {
        return metadata.findCategory(tenantId, categoryId)
                .orElseThrow(() -> new CategoryNotFoundException("no category " + categoryId));
    }

    /**
     * Renames and/or moves a category. Taobao's rule: only a level-2 category moves, and only
     * under a level-1 category or to level 1; system categories do not move.
     */
    public void updateCategory(long tenantId, long categoryId, String newName, Long newParentId) {
        Category c = category(tenantId, categoryId);
        long parent = c.parentId();
        if (newParentId != null && newParentId != c.parentId()) {
            if (c.parentId() == 0) throw new CategoryRuleException("only level-2 categories can be moved");
            if (newParentId == categoryId) throw new CategoryRuleException("a category cannot be its own parent");
            if (newParentId != 0) {
                Category target = category(tenantId, newParentId);
                if (target.parentId() != 0) throw new CategoryRuleException("categories are at most two levels deep");
            }
            parent = newParentId;
        }
        String name = newName == null || newName.isBlank() ? c.name() : newName;
        metadata.updateCategory(tenantId, categoryId, name, parent, now());
    }

    public boolean deleteCategory(long tenantId, long categoryId) {
        return metadata.deleteCategory(tenantId, categoryId, now());
    }
}
