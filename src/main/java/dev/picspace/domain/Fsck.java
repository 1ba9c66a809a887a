package dev.picspace.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds, and on request repairs, what a crash can leave behind (design: Bytes): blobs no picture
 * refers to, reference counts and used space that drifted from the pictures, and pictures whose
 * bytes are missing (which the write order makes impossible unless the disk lost them; reported,
 * never "repaired" by deleting a picture).
 *
 * <p>An unreferenced blob is removed only when it has been unreferenced for longer than the grace
 * period: an upload in flight names its bytes a moment before its metadata commits, and must not
 * lose them to a concurrent sweep.
 *
 * <p>Blob records and stored blobs are compared as two streams sorted by key, a page at a time (a
 * merge join), not by collecting either side's keys: at object-store scale a set of every key
 * would cost about 120 MB per million blobs. Both streams are checked to be ascending, and every
 * finding that could be an artefact of reading them at different moments is looked at again.
 *
 * <p>Derivatives (cached renditions, {@link DerivativeService}) are blobs too: a blob a derivative
 * row names is in use. Rows whose original no live picture shows are garbage; with repair they go
 * first, so their blobs are swept in the same run once past the grace period. A derivative whose
 * bytes are missing is not reported: it is re-rendered on the next request. (The derivative blob
 * keys are held in a set for the run: bounded by max-derivatives-per-picture × pictures, and
 * usually far fewer; a third merged stream would remove that.)
 * <p>Parts of multipart uploads ({@link ObjectUploads}) are blobs no picture refers to yet: while
 * their upload is open they are in use, whatever their age (a large upload may take longer than the
 * grace period), so an orphan candidate that is such a part is not one. With repair, uploads
 * abandoned for {@link ObjectUploads#ABANDONED_AFTER} are forgotten first; their parts, and those of
 * completed and aborted uploads, are then swept like any unreferenced blob, after the grace period.
 */
public final class Fsck {

    /** @param orphanDerivatives derivative rows whose original no live picture shows (dropped when repaired) */
    public record Report(List<String> orphanBlobs, List<String> missingBlobs, List<MetadataStore.Mismatch> refCounts,
                         List<MetadataStore.Mismatch> usage, int staleStagings, int purgedRecycled,
                         int orphanDerivatives, boolean repaired) {
        public boolean clean() {
            return orphanBlobs.isEmpty() && missingBlobs.isEmpty() && refCounts.isEmpty() && usage.isEmpty() && staleStagings == 0;
        }
    }

    /** Stored blobs read per {@link BlobStore#listAfter} call: S3's largest listing page. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final Clock clock;
    private final int pageSize;

    public Fsck(MetadataStore metadata, BlobStore blobs, Clock clock) {
        this(metadata, blobs, clock, DEFAULT_PAGE_SIZE);
    }

    /** @param pageSize stored blobs read at a time (small ones let tests cross many page boundaries) */
    public Fsck(MetadataStore metadata, BlobStore blobs, Clock clock, int pageSize) {
        if (pageSize < 1) throw new IllegalArgumentException("page size must be positive");
        this.metadata = metadata;
        this.blobs = blobs;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    /**
     * @param repair           fix what can be fixed
     * @param grace            how long a blob must have been unreferenced before it counts as orphaned
     * @param recycleRetention with repair: purge pictures recycled longer ago than this (null: keep)
     */
    public Report run(boolean repair, Duration grace, Duration recycleRetention) {
        Instant now = clock.instant();
        int purged = 0;
        if (repair && recycleRetention != null) {
            int n;
            do { n = metadata.purgeRecycled(now.minus(recycleRetention), 1000); purged += n; } while (n == 1000);
        }
        int orphanDerivatives = metadata.orphanDerivatives(repair);
        if (repair) metadata.purgeMultipartUploads(now.minus(ObjectUploads.ABANDONED_AFTER));
        List<MetadataStore.Mismatch> refCounts = metadata.findRefCountMismatches();
        List<MetadataStore.Mismatch> usage = metadata.findUsageMismatches();
        if (repair) {
            if (!refCounts.isEmpty()) metadata.repairRefCounts();
            if (!usage.isEmpty()) metadata.repairUsage();
        }

        // One pass over two key-ordered streams (blob records, stored blobs), like a merge join:
        // memory stays at a page of each plus what is found, however many blobs there are.
        Instant cutoff = now.minus(grace);
        // bytes of cached renditions: in use while a row names them
        java.util.Set<String> derivativeBlobs = new java.util.HashSet<>();
        metadata.forEachDerivative(d -> derivativeBlobs.add(d.blobKey()));
        Scan scan = new Scan(cutoff, derivativeBlobs);
        StoredBlobs stored = new StoredBlobs(blobs, pageSize);
        String[] previous = {null};
        metadata.forEachBlobRecord(record -> {
            requireAscending("the metadata store's blob records", previous[0], record.key());
            previous[0] = record.key();
            BlobStore.BlobStat blob;
            while ((blob = stored.peek()) != null && blob.key().compareTo(record.key()) < 0) scan.blobWithoutRecord(stored.next());
            scan.record(record, blob != null && blob.key().equals(record.key()) ? stored.next() : null);
        });
        while (stored.peek() != null) scan.blobWithoutRecord(stored.next());

        List<String> missing = new ArrayList<>();
        for (String key : scan.missingCandidates) {
            // Re-checked: the two streams are read at different moments, and an upload that lands
            // in between has its record seen but its bytes not listed.
            if (metadata.findBlob(key).map(b -> b.refCount() > 0).orElse(false) && blobs.stat(key).isEmpty()) missing.add(key);
        }

        // Parts of open multipart uploads: asked per candidate (an indexed lookup), not by listing every part.
        scan.orphans.removeIf(metadata::multipartPartBlobInUse);

        if (repair) {
            for (String key : scan.orphans) {
                // A part may have been stored (same bytes) since the candidates were checked.
                if (metadata.multipartPartBlobInUse(key)) continue;
                // A render may have stored these bytes again since the rows were read.
                if (metadata.derivativeBlobInUse(key)) continue;
                // Re-checked in a transaction: an upload may have taken a reference meanwhile.
                boolean hasRecord = metadata.findBlob(key).isPresent();
                if (!hasRecord && recentlyCommitted(key, cutoff)) continue;
                if (!hasRecord || metadata.deleteBlobRecordIfUnreferenced(key)) blobs.delete(key);
            }
            for (String key : scan.recordsWithoutBlob) metadata.deleteBlobRecordIfUnreferenced(key);
        }
        // Half-written uploads' temporary files, older than the grace period: no upload still owns them.
        int stale = blobs.staleStagings(grace, repair);
        return new Report(scan.orphans, missing, refCounts, usage, stale, purged, orphanDerivatives, repair);
    }

    /**
     * An unreferenced blob without a record is only ever deleted when it is old; the listing's date
     * may be from before an upload of the same bytes re-dated it (commit refreshes a stored blob's
     * date for exactly this), so look again just before deleting.
     */
    private boolean recentlyCommitted(String key, Instant cutoff) {
        return blobs.stat(key).map(s -> s.lastModified() != null && !s.lastModified().isBefore(cutoff)).orElse(false);
    }

    /**
     * The merge is only right if both streams really are in the same order; a store that is not
     * (say a database collation that sorts differently) must stop fsck rather than make it see
     * every blob as an orphan.
     */
    private static void requireAscending(String what, String previous, String key) {
        if (previous != null && previous.compareTo(key) >= 0)
            throw new Exceptions.StorageException(what + " are not in ascending key order (" + key + " after " + previous
                    + "): fsck cannot compare them with the blob store");
    }

    /** What the merge found, key by key. */
    private static final class Scan {
        private final Instant cutoff;
        final List<String> orphans = new ArrayList<>();
        final List<String> missingCandidates = new ArrayList<>();
        final List<String> recordsWithoutBlob = new ArrayList<>();

        private final java.util.Set<String> derivativeBlobs;

        Scan(Instant cutoff, java.util.Set<String> derivativeBlobs) {
            this.cutoff = cutoff;
            this.derivativeBlobs = derivativeBlobs;
        }

        /** Referenced, or freed so recently that an upload may be about to reference it again. */
        private boolean inUse(MetadataStore.BlobRecord r) {
            return r.refCount() > 0 || (r.zeroSince() != null && !r.zeroSince().isBefore(cutoff));
        }

        /** Bytes no record knows: an upload that crashed before its transaction, or one still in flight (then young). */
        void blobWithoutRecord(BlobStore.BlobStat blob) {
            if (derivativeBlobs.contains(blob.key())) return;
            if (blob.lastModified() == null || blob.lastModified().isBefore(cutoff)) orphans.add(blob.key());
        }

        /** A record, with its stored blob or null. */
        void record(MetadataStore.BlobRecord r, BlobStore.BlobStat blob) {
            if (inUse(r)) {
                if (blob == null) missingCandidates.add(r.key());
            } else if (blob != null) {
                if (derivativeBlobs.contains(r.key())) return; // the same bytes cached as a rendition
                orphans.add(r.key()); // unreferenced for longer than the grace: the blob goes, whatever its age
            } else {
                recordsWithoutBlob.add(r.key());
            }
        }
    }

    /** The blob store's listing as a cursor, a page at a time, checked for order. */
    private static final class StoredBlobs {
        private final BlobStore blobs;
        private final int pageSize;
        private List<BlobStore.BlobStat> page = List.of();
        private int index;
        private boolean exhausted;
        private String last;

        StoredBlobs(BlobStore blobs, int pageSize) {
            this.blobs = blobs;
            this.pageSize = pageSize;
        }

        BlobStore.BlobStat peek() {
            if (index == page.size()) {
                if (exhausted) return null;
                page = blobs.listAfter(last, pageSize);
                index = 0;
                exhausted = page.size() < pageSize;
                if (page.isEmpty()) return null;
                for (BlobStore.BlobStat s : page) {
                    requireAscending("the blob store's blobs", last, s.key());
                    last = s.key();
                }
            }
            return page.get(index);
        }

        BlobStore.BlobStat next() {
            BlobStore.BlobStat s = peek();
            index++;
            return s;
        }
    }
}
