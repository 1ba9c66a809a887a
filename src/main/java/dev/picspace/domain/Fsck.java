package dev.picspace.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * <p>Parts of multipart uploads ({@link ObjectUploads}) are blobs no picture refers to yet: while
 * their upload is open they are in use, whatever their age (a large upload may take longer than the
 * grace period), so an orphan candidate that is such a part is not one. With repair, uploads
 * abandoned for {@link ObjectUploads#ABANDONED_AFTER} are forgotten first; their parts, and those of
 * completed and aborted uploads, are then swept like any unreferenced blob, after the grace period.
 */
public final class Fsck {

    public record Report(List<String> orphanBlobs, List<String> missingBlobs, List<MetadataStore.Mismatch> refCounts,
                         List<MetadataStore.Mismatch> usage, int staleStagings, int purgedRecycled, boolean repaired) {
        public boolean clean() {
            return orphanBlobs.isEmpty() && missingBlobs.isEmpty() && refCounts.isEmpty() && usage.isEmpty() && staleStagings == 0;
        }
    }

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final Clock clock;

    public Fsck(MetadataStore metadata, BlobStore blobs, Clock clock) {
        this.metadata = metadata;
        this.blobs = blobs;
        this.clock = clock;
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
        if (repair) metadata.purgeMultipartUploads(now.minus(ObjectUploads.ABANDONED_AFTER));
        List<MetadataStore.Mismatch> refCounts = metadata.findRefCountMismatches();
        List<MetadataStore.Mismatch> usage = metadata.findUsageMismatches();
        if (repair) {
            if (!refCounts.isEmpty()) metadata.repairRefCounts();
            if (!usage.isEmpty()) metadata.repairUsage();
        }

        // Blob records: which keys are referenced, which are free to go.
        Set<String> referenced = new HashSet<>();
        List<String> unreferencedRecords = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        metadata.forEachBlobRecord(r -> {
            if (r.refCount() > 0) referenced.add(r.key());
            else if (r.zeroSince() == null || r.zeroSince().isBefore(now.minus(grace))) unreferencedRecords.add(r.key());
            else referenced.add(r.key()); // recently freed: within grace, leave it
        });
        Set<String> stored = new HashSet<>();
        List<String> orphans = new ArrayList<>();
        blobs.forEach(stat -> {
            stored.add(stat.key());
            if (referenced.contains(stat.key())) return;
            boolean old = stat.lastModified() == null || stat.lastModified().isBefore(now.minus(grace));
            if (old || unreferencedRecords.contains(stat.key())) orphans.add(stat.key());
        });
        // Asked per candidate (an indexed lookup), not by listing every part: orphans are few.
        orphans.removeIf(metadata::multipartPartBlobInUse);
        for (String key : referenced)
            if (!stored.contains(key) && metadata.findBlob(key).map(b -> b.refCount() > 0).orElse(false)) missing.add(key);

        if (repair) {
            for (String key : orphans) {
                // A part may have been stored (same bytes) since the candidates were checked.
                if (metadata.multipartPartBlobInUse(key)) continue;
                // Re-checked in a transaction: an upload may have taken a reference meanwhile.
                boolean hasRecord = metadata.findBlob(key).isPresent();
                if (!hasRecord || metadata.deleteBlobRecordIfUnreferenced(key)) blobs.delete(key);
            }
            for (String key : unreferencedRecords)
                if (!stored.contains(key)) metadata.deleteBlobRecordIfUnreferenced(key);
        }
        // Half-written uploads' temporary files, older than the grace period: no upload still owns them.
        int stale = blobs.staleStagings(grace, repair);
        return new Report(orphans, missing, refCounts, usage, stale, purged, repair);
    }
}
