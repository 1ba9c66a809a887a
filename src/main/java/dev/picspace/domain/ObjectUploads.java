package dev.picspace.domain;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidArgumentException;
import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.MetadataStore.MultipartPart;
import dev.picspace.domain.MetadataStore.MultipartUpload;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The bytes of a pending picture arriving as an object (the OSS-compatible endpoint that VOD's
 * UploadAddress points at, vod.md §3.8 step 2): in one PutObject, or as a multipart upload whose
 * parts any node may receive.
 *
 * <p>Either way the end is {@link PictureSpace#completeUpload}: the same pipeline as a Taobao upload
 * (format from the bytes, header-first limits, md5, quota charged once and atomically, dedup), and
 * bytes refused for what they are turn the picture UploadFail with nothing charged.
 *
 * <p><b>Parts.</b> Several stateless nodes share one database and one blob store, so a part is kept
 * in neither a node's memory nor its disk: it is staged and committed as a content-addressed blob
 * and recorded in the metadata store ({@link MetadataStore#putMultipartPart}). Parts are not
 * reference counted and are charged to no one; while their upload is open fsck counts them as in
 * use, and once it is completed, aborted or abandoned (older than {@link #ABANDONED_AFTER}) they are
 * ordinary unreferenced blobs that fsck removes after its grace period. Complete streams the parts,
 * in order, straight from the blob store into {@code completeUpload}.
 *
 * <p><b>Bounds.</b> An object is at most {@link ImageLimits#maxBytes()}: a part that would take the
 * upload's parts past it is refused (and the picture turns UploadFail: the object is too large
 * whatever comes next). The bytes in the parts of a tenant's open uploads may not exceed its
 * remaining space, so parts cannot be used to store more than the quota allows, even for a while.
 * Both checks are early refusals, not guarantees under races; the guarantee is that Complete reads
 * at most {@code maxBytes} and charges through the quota's conditional update.
 */
public final class ObjectUploads {
    /** OSS: every part but the last must be at least 100 KB (EntityTooSmall otherwise). */
    public static final long MIN_PART_BYTES = 100 * 1024;
    /** OSS part numbers are 1..10000. */
    public static final int MAX_PART_NUMBER = 10_000;
    /** An upload neither completed nor aborted for this long is forgotten by fsck (its parts then swept). */
    public static final Duration ABANDONED_AFTER = Duration.ofDays(7);

    /** No open upload with this id for this tenant and object (never started, completed, aborted or purged). */
    public static final class NoSuchUploadException extends PicspaceException {
        public NoSuchUploadException(String m) { super(m); }
    }

    /** A part Complete names was not uploaded, or its ETag is not the one uploaded, or its bytes are gone. */
    public static final class InvalidPartException extends PicspaceException {
        public InvalidPartException(String m) { super(m); }
    }

    /** Complete must list its parts in strictly ascending part-number order. */
    public static final class InvalidPartOrderException extends PicspaceException {
        public InvalidPartOrderException(String m) { super(m); }
    }

    /** A part other than the last is smaller than {@link #MIN_PART_BYTES}. */
    public static final class PartTooSmallException extends PicspaceException {
        public PartTooSmallException(String m) { super(m); }
    }

    /** One entry of Complete's part list: the number and the ETag (md5 hex, any case) the client was given. */
    public record PartRef(int partNumber, String md5Hex) {}

    private final PictureSpace space;
    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final IdGenerator ids;

    public ObjectUploads(PictureSpace space, IdGenerator ids) {
        this.space = Objects.requireNonNull(space);
        this.metadata = space.metadata();
        this.blobs = space.blobs();
        this.ids = Objects.requireNonNull(ids);
    }

    /**
     * PutObject: the whole object in one body.
     *
     * @param declaredLength the Content-Length, or negative when unknown (chunked): a declared length
     *                       over the limit is refused before a byte is read
     */
    public Picture put(long tenantId, long pictureId, InputStream bytes, long declaredLength) {
        long max = space.limits().maxBytes();
        if (declaredLength > max) {
            space.livePicture(tenantId, pictureId);
            throw tooLarge(tenantId, pictureId, "the object is " + declaredLength + " bytes, the limit is " + max);
        }
        return space.completeUpload(tenantId, pictureId, bytes);
    }

    /** InitiateMultipartUpload into {@code objectKey}, the object that names a live picture. */
    public MultipartUpload initiate(long tenantId, long pictureId, String objectKey) {
        space.livePicture(tenantId, pictureId);
        MultipartUpload u = new MultipartUpload(ids.randomHex(16), tenantId, pictureId, Objects.requireNonNull(objectKey),
                space.now());
        metadata.insertMultipartUpload(u);
        return u;
    }

    /**
     * UploadPart: stores the part as a blob and records it, replacing a part of the same number.
     *
     * @param declaredLength the Content-Length, or negative when unknown
     */
    public MultipartPart uploadPart(long tenantId, String uploadId, String objectKey, int partNumber, InputStream bytes,
                                    long declaredLength) {
        if (partNumber < 1 || partNumber > MAX_PART_NUMBER)
            throw new InvalidArgumentException("partNumber", "partNumber must be 1.." + MAX_PART_NUMBER + ", not " + partNumber);
        MultipartUpload u = open(tenantId, uploadId, objectKey);
        List<MultipartPart> parts = metadata.findMultipartParts(u.uploadId());
        long replaced = parts.stream().filter(p -> p.partNumber() == partNumber).mapToLong(MultipartPart::sizeBytes).sum();
        long others = parts.stream().mapToLong(MultipartPart::sizeBytes).sum() - replaced;
        long room = space.limits().maxBytes() - others;
        if (declaredLength > room)
            throw tooLarge(tenantId, u.pictureId(), "with this part of " + declaredLength + " bytes the object would be "
                    + (others + declaredLength) + " bytes, the limit is " + space.limits().maxBytes());
        Tenant tenant = space.tenant(tenantId);
        long inFlight = metadata.multipartBytesOfTenant(tenantId) - replaced;
        if (declaredLength > 0 && inFlight + declaredLength > tenant.remainingBytes()) throw noRoom(tenant, inFlight, declaredLength);

        BlobStore.StagedBlob staged;
        try {
            staged = blobs.stage(bytes, Math.max(0, room));
        } catch (ImageLimitExceededException e) {
            throw tooLarge(tenantId, u.pictureId(), "the parts would be larger than the limit of "
                    + space.limits().maxBytes() + " bytes");
        }
        try {
            if (inFlight + staged.size() > tenant.remainingBytes()) throw noRoom(tenant, inFlight, staged.size());
            blobs.commit(staged);
            MultipartPart part = new MultipartPart(u.uploadId(), partNumber, staged.sha256(), staged.size(), staged.md5(),
                    space.now());
            // An abort that won meanwhile leaves the blob unreferenced: fsck sweeps it after its grace period.
            if (!metadata.putMultipartPart(part)) throw noSuchUpload(uploadId);
            return part;
        } finally {
            blobs.discard(staged);
        }
    }

    /**
     * CompleteMultipartUpload: checks the list, then streams the parts in order into
     * {@link PictureSpace#completeUpload}. On success the upload is gone; on a refusal of the bytes
     * the picture is UploadFail and the upload stays (abort it, or fsck purges it).
     *
     * @param list    the parts in the client's order, or null for all uploaded parts in order
     *                (OSS {@code x-oss-complete-all: yes})
     * @param observe wraps the object's bytes on their way in (the gateway computes its CRC-64 there);
     *                identity when there is nothing to observe
     */
    public Picture complete(long tenantId, String uploadId, String objectKey, List<PartRef> list,
                            UnaryOperator<InputStream> observe) {
        MultipartUpload u = open(tenantId, uploadId, objectKey);
        List<MultipartPart> uploaded = metadata.findMultipartParts(u.uploadId());
        List<MultipartPart> chosen;
        if (list == null) {
            chosen = uploaded;
        } else {
            Map<Integer, MultipartPart> byNumber = uploaded.stream()
                    .collect(Collectors.toMap(MultipartPart::partNumber, p -> p));
            chosen = new java.util.ArrayList<>(list.size());
            int previous = 0;
            for (PartRef ref : list) {
                if (ref.partNumber() <= previous)
                    throw new InvalidPartOrderException("the parts must be listed in ascending order of part number without repeats; "
                            + ref.partNumber() + " follows " + previous);
                previous = ref.partNumber();
                MultipartPart p = byNumber.get(ref.partNumber());
                if (p == null) throw new InvalidPartException("part " + ref.partNumber() + " was not uploaded");
                String etag = ref.md5Hex() == null ? "" : ref.md5Hex().toLowerCase(Locale.ROOT);
                if (!etag.equals(p.md5()))
                    throw new InvalidPartException("part " + ref.partNumber() + " has ETag " + p.md5().toUpperCase(Locale.ROOT)
                            + ", not " + ref.md5Hex());
                chosen.add(p);
            }
        }
        if (chosen.isEmpty()) throw new InvalidPartException("an upload is completed with at least one part");
        long total = 0;
        for (int i = 0; i < chosen.size(); i++) {
            MultipartPart p = chosen.get(i);
            if (i < chosen.size() - 1 && p.sizeBytes() < MIN_PART_BYTES)
                throw new PartTooSmallException("part " + p.partNumber() + " is " + p.sizeBytes()
                        + " bytes; every part but the last must be at least " + MIN_PART_BYTES);
            if (blobs.stat(p.blobKey()).isEmpty())
                throw new InvalidPartException("the bytes of part " + p.partNumber() + " are gone; upload it again");
            total += p.sizeBytes();
        }
        if (total > space.limits().maxBytes())
            throw tooLarge(tenantId, u.pictureId(), "the object is " + total + " bytes, the limit is " + space.limits().maxBytes());
        Picture done;
        // closed here whatever happens: a refusal half-way leaves a part's blob stream open otherwise
        try (InputStream object = observe.apply(new SequenceInputStream(opener(chosen)))) {
            done = space.completeUpload(tenantId, u.pictureId(), object);
        } catch (java.io.IOException closing) {
            throw new Exceptions.StorageException("cannot close the parts of upload " + uploadId, closing);
        }
        metadata.deleteMultipartUpload(u.uploadId());
        return done;
    }

    /** AbortMultipartUpload: the upload and its part list are forgotten; the part blobs are left to fsck. */
    public void abort(long tenantId, String uploadId, String objectKey) {
        MultipartUpload u = open(tenantId, uploadId, objectKey);
        if (!metadata.deleteMultipartUpload(u.uploadId())) throw noSuchUpload(uploadId);
    }

    /** ListParts. */
    public List<MultipartPart> parts(long tenantId, String uploadId, String objectKey) {
        return metadata.findMultipartParts(open(tenantId, uploadId, objectKey).uploadId());
    }

    /** The open upload with this id, if it is this tenant's and was initiated for this object. */
    public MultipartUpload open(long tenantId, String uploadId, String objectKey) {
        if (uploadId == null || uploadId.isEmpty()) throw noSuchUpload("(none)");
        return metadata.findMultipartUpload(uploadId)
                .filter(u -> u.tenantId() == tenantId && u.objectKey().equals(objectKey))
                .orElseThrow(() -> noSuchUpload(uploadId));
    }

    /** Opens each part's blob only when the previous one has been read: one open stream at a time. */
    private java.util.Enumeration<InputStream> opener(List<MultipartPart> parts) {
        Iterator<MultipartPart> it = parts.iterator();
        return new java.util.Enumeration<>() {
            @Override public boolean hasMoreElements() { return it.hasNext(); }
            @Override public InputStream nextElement() {
                if (!it.hasNext()) throw new NoSuchElementException();
                MultipartPart p = it.next();
                return blobs.open(p.blobKey(), 0, p.sizeBytes());
            }
        };
    }

    /** The object is over the byte limit: the picture turns UploadFail (if still Uploading), nothing is charged. */
    private ImageLimitExceededException tooLarge(long tenantId, long pictureId, String why) {
        metadata.markUploadFailed(tenantId, pictureId, space.now());
        return new ImageLimitExceededException(why);
    }

    private static QuotaExceededException noRoom(Tenant t, long inFlight, long bytes) {
        return new QuotaExceededException("the part needs " + bytes + " bytes but only " + Math.max(0, t.remainingBytes() - inFlight)
                + " of the space's " + t.remainingBytes() + " remaining bytes are not held by other parts in flight");
    }

    private static NoSuchUploadException noSuchUpload(String uploadId) {
        return new NoSuchUploadException("no open multipart upload " + uploadId + " for this object");
    }
}
