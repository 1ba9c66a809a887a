package dev.picspace.app;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.store.MetadataCopy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code picspace migrate}: moves a deployment to other stores — typically the embedded default
 * (SQLite + a blob directory) to PostgreSQL + S3 — without losing a picture.
 *
 * <p>Order: blobs first, then metadata, so that the target never has a picture row whose bytes it
 * lacks. Both halves are resumable: a blob already in the target with the right size is skipped,
 * rows are upserted by key. Every copied blob is verified on the way (the sha256 of what the
 * source gave equals the sha256 of what the target stored, and equals the content key); the
 * metadata is verified table by table (row count and an order-independent row digest) at the end.
 * The source can keep serving during a first pass; a last pass with it stopped makes the copy exact.
 */
final class Migrate {
    /** What a run did. {@code failedBlobs}: keys that could not be copied or did not verify. */
    record Report(long blobs, long blobsCopied, long blobsSkipped, long bytesCopied, List<String> failedBlobs,
                  List<MetadataCopy.TableReport> tables) {
        boolean ok() { return failedBlobs.isEmpty() && tables.stream().allMatch(MetadataCopy.TableReport::matches); }
    }

    private final Picspace source;
    private final Picspace target;
    private final ProgressBar progress;

    Migrate(Picspace source, Picspace target, PrintStream progressOut) {
        this.source = source;
        this.target = target;
        this.progress = new ProgressBar(progressOut);
    }

    Report run() {
        // Two passes over the source listing, a page at a time (a first one for the progress bar's
        // total): never the whole listing in memory, however many blobs there are.
        long[] totalBytes = {0};
        forEachSourceBlob(b -> totalBytes[0] += b.size());
        long[] done = {0, 0, 0, 0}; // copied, skipped, bytes copied, bytes seen
        List<String> failed = new ArrayList<>();
        progress.start("blobs", totalBytes[0], true);
        forEachSourceBlob(b -> {
            try {
                if (target.blobs().stat(b.key()).filter(t -> t.size() == b.size()).isPresent()) {
                    done[1]++;
                } else {
                    copyBlob(b);
                    done[0]++;
                    done[2] += b.size();
                }
            } catch (RuntimeException e) {
                failed.add(b.key() + ": " + e.getMessage());
            }
            done[3] += b.size();
            progress.update(done[3]);
        });
        long copied = done[0], skipped = done[1], bytes = done[2], blobs = copied + skipped + failed.size();
        progress.finish();

        long rows = MetadataCopy.countRows(source.database());
        progress.start("metadata rows", rows, false);
        MetadataCopy.copy(source.database(), target.database(), progress::update);
        progress.finish();
        List<MetadataCopy.TableReport> tables = MetadataCopy.verify(source.database(), target.database());
        return new Report(blobs, copied, skipped, bytes, failed, tables);
    }

    private static final int PAGE = 1000;

    private void forEachSourceBlob(java.util.function.Consumer<BlobStore.BlobStat> visitor) {
        String after = null;
        List<BlobStore.BlobStat> page;
        do {
            page = source.blobs().listAfter(after, PAGE);
            for (BlobStore.BlobStat b : page) visitor.accept(b);
            if (!page.isEmpty()) after = page.get(page.size() - 1).key();
        } while (page.size() == PAGE);
    }

    private void copyBlob(BlobStore.BlobStat b) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BlobStore.StagedBlob staged;
        try (InputStream in = new java.security.DigestInputStream(source.blobs().open(b.key(), 0, b.size()), sha)) {
            staged = target.blobs().stage(in, b.size());
        } catch (IOException e) {
            throw new StorageException("reading blob " + b.key() + " from the source: " + e.getMessage(), e);
        }
        try {
            String read = HexFormat.of().formatHex(sha.digest());
            if (!read.equals(staged.sha256()))
                throw new StorageException("the bytes changed in transit (source sha256 " + read + ", target " + staged.sha256() + ")");
            if (dev.picspace.store.BlobKeys.isValid(b.key()) && !b.key().equals(staged.sha256()))
                throw new StorageException("the source blob is corrupt: its content hashes to " + staged.sha256());
            if (staged.size() != b.size())
                throw new StorageException("the source blob is " + staged.size() + " bytes, its listing said " + b.size());
            target.blobs().commit(staged);
        } finally {
            target.blobs().discard(staged);
        }
    }

    /** A one-line progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
    static final class ProgressBar {
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private String what;
        private long total;
        private boolean bytes;
        private long startNanos;
        private int lastDecile;
        private long lastDraw;

        ProgressBar(PrintStream out) { this.out = out; }

        void start(String what, long total, boolean bytes) {
            this.what = what;
            this.total = total;
            this.bytes = bytes;
            this.startNanos = System.nanoTime();
            this.lastDecile = -1;
            update(0);
        }

        void update(long done) {
            if (out == null) return;
            int decile = total == 0 ? 10 : (int) Math.min(10, done * 10 / total);
            long now = System.nanoTime();
            if (terminal ? now - lastDraw < 100_000_000L && done < total : decile == lastDecile) return;
            lastDraw = now;
            lastDecile = decile;
            out.print((terminal ? "\r" : "") + line(done) + (terminal ? "" : "\n"));
            out.flush();
        }

        void finish() {
            if (out != null && terminal) out.println();
        }

        private String line(long done) {
            int width = 30;
            int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
            double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            String rate = bytes ? String.format("%.1f MB/s", done / 1e6 / secs) : String.format("%.0f/s", done / secs);
            String amount = bytes ? String.format("%.1f/%.1f MB", done / 1e6, total / 1e6) : done + "/" + total;
            return String.format("%-14s [%s%s] %3d%% %s %s", what, "#".repeat(filled), " ".repeat(width - filled),
                    total == 0 ? 100 : done * 100 / total, amount, rate);
        }
    }
}
