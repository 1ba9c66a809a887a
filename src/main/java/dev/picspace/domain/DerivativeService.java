package dev.picspace.domain;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cached derivatives of stored originals (issue "image delivery"): find the rendition of a picture
 * under a normalised list of {@link ImageOperation}s, or render it once with the {@link ImageEngine}
 * and keep it.
 *
 * <p><b>Where and under which key.</b> A derivative is an ordinary content-addressed blob in the
 * {@link BlobStore} (so any blob store holds it, and its sha256 is its strong ETag), found through a
 * {@link MetadataStore.DerivativeRecord} keyed by {@code sha256(sourceBlobKey + "|" + cacheKey(ops))}.
 * The bytes are a pure function of the source bytes and the operations (an image watermark names its
 * picture by blob key, and a tenant's watermark setting is part of the operations), so a row is never
 * wrong, only possibly unused: a replaced picture has a new source key and so new derivatives, and
 * cleaning up is garbage collection, not correctness.
 *
 * <p><b>Clean-up.</b> {@link #sourceReleased} (after a replace or delete) drops the rows of a source
 * no live picture uses; fsck drops any such rows it finds and sweeps blobs no row or picture names,
 * after its grace period (design: Bytes — never a racing delete of bytes an upload may share). Each
 * source keeps at most {@code maxPerSource} derivatives (oldest dropped first), so arbitrary sizes in
 * URLs cannot fill the disk.
 *
 * <p><b>Bounded work.</b> Rendering runs on its own pool of {@code threads} with a queue of
 * {@code queue}; when both are full {@link #render} fails at once with {@link RenderingBusyException}
 * (the gateway answers 503). Identical requests in flight share one render (single flight by key).
 * The caller's thread never renders.
 */
public final class DerivativeService implements AutoCloseable {

    /** A derivative ready to serve. {@code bytes} is set only when it was just rendered (spares a re-read). */
    public record Derivative(String key, String blobKey, long sizeBytes, String mediaType, int width, int height,
                             Instant created, byte[] bytes) {}

    /** The render pool and its queue are full: try again shortly. */
    public static final class RenderingBusyException extends PicspaceException {
        public RenderingBusyException(String m) { super(m); }
    }

    /** The engine failed in a way it did not name (a bug or a resource limit); the cause says what. */
    public static final class RenderingFailedException extends PicspaceException {
        public RenderingFailedException(String m, Throwable cause) { super(m, cause); }
    }

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final ImageEngine engine;
    private final ImageLimits limits;
    private final ImageEngine.OutputLimits output;
    private final int maxPerSource;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final ConcurrentHashMap<String, CompletableFuture<Derivative>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong renders = new AtomicLong();

    /**
     * @param threads      render threads (the cores: rendering is CPU-bound)
     * @param queue        renders that may wait for a thread; 0 = none wait
     * @param maxPerSource derivatives kept per original
     */
    public DerivativeService(MetadataStore metadata, BlobStore blobs, ImageEngine engine, ImageLimits limits,
                             ImageEngine.OutputLimits output, int threads, int queue, int maxPerSource, Clock clock) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.output = Objects.requireNonNull(output, "output");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1) throw new IllegalArgumentException("render threads must be at least 1");
        if (queue < 0) throw new IllegalArgumentException("render queue cannot be negative");
        if (maxPerSource < 1) throw new IllegalArgumentException("derivatives per picture must be at least 1");
        this.maxPerSource = maxPerSource;
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, waiting, r -> {
            Thread t = new Thread(r, "render-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        // all threads up front: with no queue, a task is only accepted by a thread already waiting for one
        pool.prestartAllCoreThreads();
    }

    /** The key of a derivative: sha256 of the source's blob key and the normalised operations. */
    public static String keyOf(String sourceBlobKey, List<ImageOperation> ops) {
        return sha256Hex(sourceBlobKey + "|" + ImageOperation.cacheKey(ops));
    }

    /** How many renders the engine was asked for since start (metrics). */
    public long renders() { return renders.get(); }

    /** Renders running or waiting for a thread now (metrics: how close the pool is to refusing). */
    public int pending() { return pool.getActiveCount() + pool.getQueue().size(); }

    /**
     * The stored derivative of {@code source} under {@code ops}, if there is one and its bytes are
     * still there (a row whose blob went missing is dropped, so the next {@link #render} heals it).
     * Blocks on the stores; never renders.
     */
    public Optional<Derivative> cached(Picture source, List<ImageOperation> ops) {
        String key = keyOf(requireSource(source), ops);
        Optional<MetadataStore.DerivativeRecord> row = metadata.findDerivative(key);
        if (row.isEmpty()) return Optional.empty();
        MetadataStore.DerivativeRecord r = row.get();
        Optional<BlobStore.BlobStat> stat = blobs.stat(r.blobKey());
        if (stat.isEmpty() || stat.get().size() != r.sizeBytes()) {
            metadata.deleteDerivative(key);
            return Optional.empty();
        }
        return Optional.of(new Derivative(key, r.blobKey(), r.sizeBytes(), r.mediaType(), r.width(), r.height(), r.created(), null));
    }

    /**
     * Renders {@code ops} of {@code source} on the pool, or joins the render of the same key already
     * in flight. The future fails with {@link RenderingBusyException} when the pool is saturated,
     * with the engine's named exceptions (invalid argument, limit exceeded, invalid image), or with
     * {@link RenderingFailedException}. Never blocks the caller.
     */
    public CompletableFuture<Derivative> render(Picture source, List<ImageOperation> ops) {
        String sourceKey = requireSource(source);
        List<ImageOperation> chain = List.copyOf(ops);
        String key = keyOf(sourceKey, chain);
        CompletableFuture<Derivative> running = inFlight.get(key);
        if (running != null) return running;
        CompletableFuture<Derivative> mine = new CompletableFuture<>();
        running = inFlight.putIfAbsent(key, mine);
        if (running != null) return running;
        try {
            pool.execute(() -> {
                try {
                    mine.complete(renderNow(key, source, chain));
                } catch (Throwable failure) {
                    mine.completeExceptionally(failure instanceof PicspaceException ? failure
                            : new RenderingFailedException("rendering " + ImageOperation.cacheKey(chain) + " failed: " + failure, failure));
                } finally {
                    // after completing: whoever comes next finds the row (written before completion)
                    inFlight.remove(key, mine);
                }
            });
        } catch (RejectedExecutionException saturated) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(new RenderingBusyException("all " + pool.getMaximumPoolSize()
                    + " render threads are busy and " + pool.getQueue().size() + " renders are waiting"));
        }
        return mine;
    }

    /** On a render thread. */
    private Derivative renderNow(String key, Picture source, List<ImageOperation> ops) {
        // another request (or node) may have stored it between the caller's miss and now
        Optional<Derivative> stored = cached(source, ops);
        if (stored.isPresent()) return stored.get();

        ImageInfo info = new ImageInfo(source.format(), source.width(), source.height(), source.frames());
        ImageEngine.Rendition rendition;
        renders.incrementAndGet();
        try (InputStream in = blobs.open(source.blobKey(), 0, source.sizeBytes())) {
            rendition = engine.render(in, info, ops, this::openOwnBlob, limits, output);
        } catch (IOException e) {
            throw new Exceptions.StorageException("cannot read the original " + source.blobKey() + ": " + e.getMessage(), e);
        }
        byte[] bytes = rendition.bytes();
        if (bytes.length > output.maxBytes())
            throw new Exceptions.ImageLimitExceededException("the result is " + bytes.length + " bytes, the limit is " + output.maxBytes());

        BlobStore.StagedBlob staged = blobs.stage(new ByteArrayInputStream(bytes), output.maxBytes());
        try {
            blobs.commit(staged);
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            MetadataStore.DerivativeRecord row = new MetadataStore.DerivativeRecord(key, source.blobKey(),
                    ImageOperation.cacheKey(ops), staged.sha256(), staged.size(), rendition.mediaType(),
                    rendition.width(), rendition.height(), now);
            metadata.putDerivative(row, maxPerSource);
            return new Derivative(key, staged.sha256(), staged.size(), rendition.mediaType(), rendition.width(),
                    rendition.height(), now, bytes);
        } finally {
            blobs.discard(staged);
        }
    }

    /** Image watermarks read pictures by blob key only: never a URL, never a file name. */
    private InputStream openOwnBlob(String blobKey) {
        BlobStore.BlobStat stat = blobs.stat(blobKey)
                .orElseThrow(() -> new Exceptions.StorageException("watermark blob " + blobKey + " does not exist"));
        return blobs.open(blobKey, 0, stat.size());
    }

    /**
     * After a picture was replaced or recycled: its old bytes' derivatives go if no live picture
     * shows those bytes any more. @return how many rows were dropped
     */
    public int sourceReleased(String sourceBlobKey) {
        if (sourceBlobKey == null) return 0;
        return metadata.deleteDerivativesIfSourceUnused(sourceBlobKey);
    }

    private static String requireSource(Picture source) {
        if (source.blobKey() == null || source.format() == null || source.status() != PictureStatus.NORMAL)
            throw new Exceptions.PictureNotFoundException("picture " + source.pictureId() + " has no bytes to render");
        return source.blobKey();
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Stops taking renders; those running finish on their daemon threads. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
