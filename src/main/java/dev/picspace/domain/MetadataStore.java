package dev.picspace.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything picspace records about tenants, categories, pictures and blobs. Implementations:
 * SQLite (embedded default) and, later, PostgreSQL, from the same migrations.
 *
 * <p>Methods that change money-like state (used space, reference counts) are each one transaction
 * whose conditions are checked by the database itself, so that any number of callers on any
 * number of nodes cannot overshoot a quota (design: Quota).
 */
public interface MetadataStore extends AutoCloseable {

    /** What a new tenant starts with. {@code systemCategories} get the new tenant's id. */
    record TenantSpec(String nick, long orderedBytes, long freeBytes, LocalDate orderExpiry, boolean signedUrls,
                      String topAppKey, String topAppSecret, String topSession,
                      String vodAccessKeyId, String vodAccessKeySecret, Instant created,
                      List<Category> systemCategories) {}

    /** The bytes a picture now points at, after an upload into an Uploading picture or a replace. */
    record BlobAttachment(String blobKey, long sizeBytes, String md5, ImageFormat format, int width, int height,
                          int frames, Instant modified) {}

    /** A blob row: its key, size and how many picture rows (live or recycled) refer to it. */
    record BlobRecord(String key, long size, long refCount, Instant zeroSince) {}

    /**
     * A rendered derivative of a stored original (issue "image delivery"). {@code key} names the
     * request: sha256 of {@code sourceKey + "|" + operations}; {@code blobKey} names the bytes
     * (their own sha256, so they are an ordinary content-addressed blob and their ETag).
     *
     * @param sourceKey  the original's blob key
     * @param operations the normalised operations ({@link ImageOperation#cacheKey})
     * @param mediaType  the Content-Type of the bytes
     */
    record DerivativeRecord(String key, String sourceKey, String operations, String blobKey, long sizeBytes,
                            String mediaType, int width, int height, Instant created) {}

    /** What fsck found: a number that the store keeps and the number recomputed from the pictures. */
    record Mismatch(String subject, long stored, long actual) {}

    // ---- tenants ----

    /** @throws Exceptions.DuplicateTenantException when the nick is taken */
    Tenant createTenant(TenantSpec spec);

    Optional<Tenant> findTenant(long tenantId);

    Optional<Tenant> findTenantByNick(String nick);

    List<Tenant> listTenants();

    /** @throws Exceptions.TenantNotFoundException */
    void updateQuota(long tenantId, long orderedBytes, long freeBytes, LocalDate orderExpiry);

    /** {@code watermark} null clears the setting. @throws Exceptions.TenantNotFoundException */
    void updateWatermark(long tenantId, Watermark watermark);

    /** @throws Exceptions.TenantNotFoundException */
    void updateSignedUrls(long tenantId, boolean signedUrls);

    Optional<TopCredentials> findTopCredentials(String appKey);

    Optional<TopCredentials> findTopCredentialsOfTenant(long tenantId);

    Optional<VodCredentials> findVodCredentials(String accessKeyId);

    Optional<VodCredentials> findVodCredentialsOfTenant(long tenantId);

    // ---- service-wide state ----

    /**
     * The service secret called {@code name}: stores {@code candidate} if there is none yet and
     * returns whatever is stored, so every node (and every racing first start) agrees on one value.
     */
    String serviceSecret(String name, String candidate, Instant now);

    /** Inserts a nonce unless (scope, nonce) is already there. @return true if it was new */
    boolean recordNonce(String scope, String nonce, Instant expiresAt);

    /** Forgets nonces that expired before {@code now}. @return how many */
    int purgeNonces(Instant now);

    // ---- categories ----

    /**
     * Inserts a category, checking inside the transaction that the tenant has fewer than
     * {@code maxPerTenant} and that no sibling has the same name.
     *
     * @throws Exceptions.DuplicateCategoryNameException
     * @throws Exceptions.CategoryRuleException when the tenant already has {@code maxPerTenant}
     */
    Category insertCategory(Category category, int maxPerTenant);

    Optional<Category> findCategory(long tenantId, long categoryId);

    /** Ordered by position, then id. */
    List<Category> findCategories(long tenantId, CategoryQuery query);

    /** @throws Exceptions.DuplicateCategoryNameException @throws Exceptions.CategoryNotFoundException */
    void updateCategory(long tenantId, long categoryId, String name, long parentId, Instant modified);

    /**
     * Deletes a category and all its descendants (any depth: VOD trees have three levels);
     * their pictures move to the default category.
     * @return false when it did not exist
     */
    boolean deleteCategory(long tenantId, long categoryId, Instant modified);

    /** Live pictures per category id (the default category under key 0). */
    Map<Long, Long> countPicturesByCategory(long tenantId);

    // ---- pictures ----

    /**
     * Inserts a picture. When it has a blob ({@link PictureStatus#NORMAL}), the same transaction
     * charges {@code sizeBytes} to the tenant only if it fits its available space, and adds one
     * reference to the blob row (creating it).
     *
     * @throws Exceptions.QuotaExceededException nothing was written
     */
    void insertPicture(Picture picture);

    /**
     * Points a live picture at new bytes (a replace, or the end of an upload into an Uploading
     * picture) in one transaction: charges the size difference if it fits, moves the reference
     * from the old blob to the new one, sets status NORMAL.
     *
     * @throws Exceptions.QuotaExceededException nothing was written
     * @throws Exceptions.PictureNotFoundException not there, or recycled
     */
    Picture attachBlob(long tenantId, long pictureId, BlobAttachment attachment);

    /** Marks an Uploading picture UploadFail; nothing is charged. */
    void markUploadFailed(long tenantId, long pictureId, Instant modified);

    Optional<Picture> findPicture(long tenantId, long pictureId);

    Optional<Picture> findPictureByImageId(long tenantId, String imageId);

    /** For serving: any tenant's picture by the token in its URL. */
    Optional<Picture> findPictureByUrlToken(String urlToken);

    List<Picture> findPictures(long tenantId, PictureQuery query);

    long countPictures(long tenantId, PictureQuery query);

    // ---- VOD search (SearchMedia): live pictures only ----

    /** The page of the tenant's live pictures that {@code search} asks for, in its order. */
    List<Picture> searchPictures(long tenantId, PictureSearch search);

    /** How many of the tenant's live pictures match {@code filter}. */
    long countMatching(long tenantId, PictureFilter filter);

    /** Whether a live picture of the tenant already has this exact title. */
    boolean titleTaken(long tenantId, String title);

    /** Updates the given non-null fields of a live picture. @return false when it is not there */
    boolean updatePictureInfo(long tenantId, long pictureId, String title, String description, String tags,
                              Long categoryId, Instant modified);

    /** Moves live pictures to a category. @return how many moved */
    int changeCategory(long tenantId, Collection<Long> pictureIds, long categoryId, Instant modified);

    /**
     * Moves live pictures to the recycle bin and releases their space, in one transaction.
     * @return how many were moved
     */
    int recyclePictures(long tenantId, Collection<Long> pictureIds, Instant now);

    /**
     * Removes pictures recycled before {@code deletedBefore} (at most {@code limit}), dropping
     * their blob references. @return the number purged
     */
    int purgeRecycled(Instant deletedBefore, int limit);

    // ---- derivatives (cached renditions; see DerivativeService) ----

    Optional<DerivativeRecord> findDerivative(String key);

    /**
     * Records a derivative (replacing a row of the same key), then drops the oldest derivatives of
     * the same source beyond {@code maxPerSource}, in one transaction. Their blobs are left for
     * the sweep (design: Bytes — blobs are removed only by a sweep that re-checks references).
     *
     * @return how many older derivatives were dropped
     */
    int putDerivative(DerivativeRecord derivative, int maxPerSource);

    /** @return false when there was no such row */
    boolean deleteDerivative(String key);

    /**
     * Drops every derivative of {@code sourceKey} if no live picture refers to that blob any more
     * (checked in the same statement). Called after a replace or delete. @return how many
     */
    int deleteDerivativesIfSourceUnused(String sourceKey);

    /**
     * Derivatives whose source no live picture refers to (fsck). With {@code delete}, drops them.
     * @return how many there were
     */
    int orphanDerivatives(boolean delete);

    /** Visits every derivative row (fsck: their blobs are in use). */
    void forEachDerivative(Consumer<DerivativeRecord> visitor);

    /** Whether any derivative row names {@code blobKey} as its bytes. */
    boolean derivativeBlobInUse(String blobKey);

    // ---- blobs and fsck ----

    Optional<BlobRecord> findBlob(String key);

    /**
     * Visits every blob row in ascending key order ({@link String#compareTo}: byte order for these
     * hex keys; on PostgreSQL that means an {@code ORDER BY} the column's collation does not reorder):
     * fsck merges this with the blob store's listing, which is in that order.
     */
    void forEachBlobRecord(Consumer<BlobRecord> visitor);

    /** Deletes a blob row only if nothing refers to it (re-checked in the transaction). */
    boolean deleteBlobRecordIfUnreferenced(String key);

    /** Blob rows whose reference count differs from the pictures that refer to them (also missing rows). */
    List<Mismatch> findRefCountMismatches();

    /** Sets every blob row's count to the number of pictures referring to it (creating missing rows). */
    int repairRefCounts();

    /** Tenants whose used space differs from the sum of their live pictures' sizes. */
    List<Mismatch> findUsageMismatches();

    /** Sets every tenant's used space to the sum of its live pictures' sizes. */
    int repairUsage();

    // ---- multipart uploads (the OSS-compatible endpoint; see ObjectUploads) ----

    /** An open multipart upload into the object {@code objectKey}, which names picture {@code pictureId}. */
    record MultipartUpload(String uploadId, long tenantId, long pictureId, String objectKey, Instant initiated) {}

    /** One uploaded part: its bytes are the blob {@code blobKey} (not reference counted, see V9). */
    record MultipartPart(String uploadId, int partNumber, String blobKey, long sizeBytes, String md5, Instant modified) {}

    /** Records a new upload. */
    void insertMultipartUpload(MultipartUpload upload);

    Optional<MultipartUpload> findMultipartUpload(String uploadId);

    /**
     * Records a part, replacing the part of the same number, in one transaction that first checks
     * the upload is still open. @return false (nothing written) when the upload is not there
     */
    boolean putMultipartPart(MultipartPart part);

    /** The parts of an upload in part-number order (empty when it is not there). */
    List<MultipartPart> findMultipartParts(String uploadId);

    /** Forgets an upload and its parts (completed or aborted). @return false when it was not there */
    boolean deleteMultipartUpload(String uploadId);

    /** Forgets uploads initiated before {@code initiatedBefore}, with their parts (abandoned ones). @return how many */
    int purgeMultipartUploads(Instant initiatedBefore);

    /** Bytes in the parts of the tenant's open uploads: held against its remaining space, not charged. */
    long multipartBytesOfTenant(long tenantId);

    /** Whether a part of an open upload is this blob (fsck: then it is in use, whatever its age). */
    boolean multipartPartBlobInUse(String blobKey);

    /** Any tenant's picture by its ImageId (ImageIds are unique across tenants); live or recycled. */
    Optional<Picture> findPictureByImageId(String imageId);

    @Override
    void close();
}
