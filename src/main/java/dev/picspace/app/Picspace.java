package dev.picspace.app;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.IdGenerator;
import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.PictureSpace;
import dev.picspace.imaging.HeaderImageProbe;
import dev.picspace.store.Database;
import dev.picspace.store.FileSystemBlobStore;
import dev.picspace.store.S3BlobStore;
import dev.picspace.store.S3Location;
import dev.picspace.store.SqlMetadataStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The whole service wired by hand, in one place (as in Dropwizard's example app): settings in,
 * stores, probe and domain out. Every command — {@code serve}, {@code tenant …}, {@code fsck} —
 * opens one of these on the same settings, so they all see the same data.
 */
public final class Picspace implements AutoCloseable {
    private final Settings settings;
    private final Database database;
    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final PictureSpace space;
    private final Clock clock;
    private final IdGenerator ids;
    private final dev.picspace.domain.TemporaryCredentials sts;
    private final dev.picspace.domain.NonceRegistry nonces;
    private final String urlSigningKey;
    private final ImageEngine engine;

    public Picspace(Settings settings, Clock clock) {
        this(settings, clock, Engines.defaultEngine());
    }

    /** @param engine what derivatives are rendered with (tests pass theirs) */
    public Picspace(Settings settings, Clock clock, ImageEngine engine) {
        this.settings = settings;
        this.clock = clock;
        this.engine = java.util.Objects.requireNonNull(engine, "engine");
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + settings.dataDir(), e);
        }
        Database.Settings db = settings.dbPoolSize() > 0
                ? Database.Settings.DEFAULTS.withPoolSize(settings.dbPoolSize()) : Database.Settings.DEFAULTS;
        this.database = Database.open(settings.jdbcUrl(), db);
        this.metadata = new SqlMetadataStore(database);
        BlobStore opened;
        try {
            opened = openBlobs(settings, clock);
        } catch (RuntimeException e) {
            database.close(); // nothing else has been opened yet
            throw e;
        }
        this.blobs = opened;
        int node = settings.nodeId() >= 0 ? settings.nodeId() : IdGenerator.randomNode();
        this.ids = new IdGenerator(clock, node);
        this.space = new PictureSpace(metadata, blobs, new HeaderImageProbe(), ids, clock,
                settings.limits(), settings.maxCategories());
        this.sts = new dev.picspace.domain.TemporaryCredentials(metadata.serviceSecret(
                dev.picspace.domain.TemporaryCredentials.SERVICE_SECRET_NAME,
                dev.picspace.domain.TemporaryCredentials.newKey(ids), clock.instant()), clock, ids);
        // Created on first open, not first use, so that every deployment has it before `migrate` copies it.
        this.urlSigningKey = metadata.serviceSecret("url-signing-key", ids.randomHex(32), clock.instant());
        // One embedded server process answers all requests on SQLite, so its memory is the whole
        // truth; on PostgreSQL many nodes share the database, and so must the nonces.
        this.nonces = database.dialect() == Database.Dialect.SQLITE
                ? dev.picspace.domain.NonceRegistry.inMemory(clock)
                : dev.picspace.domain.NonceRegistry.shared(metadata, clock);
    }

    /**
     * {@code --blobs}: absent for DATA/blobs, {@code file:DIR} for another directory, or
     * {@code s3://BUCKET?…} for an S3-compatible bucket (uploads then stage in DATA/staging).
     */
    static BlobStore openBlobs(Settings s, Clock clock) {
        String uri = s.blobs();
        if (uri == null) return new FileSystemBlobStore(s.blobDir(), clock);
        if (S3Location.isS3(uri)) {
            S3Location location;
            try {
                location = S3Location.parse(uri, System.getenv());
            } catch (IllegalArgumentException e) {
                // the message never repeats the URI: it may hold a secret key
                throw new IllegalArgumentException("bad --blobs S3 URI: " + e.getMessage(), e);
            }
            return new S3BlobStore(location, s.stagingDir(), clock);
        }
        if (uri.startsWith("file:")) {
            Path dir;
            try {
                dir = Path.of(URI.create(uri));
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                throw new IllegalArgumentException("bad --blobs '" + uri + "': expected file:/ABSOLUTE/DIR", e);
            }
            return new FileSystemBlobStore(dir, clock);
        }
        throw new IllegalArgumentException("unsupported --blobs (expected file:/DIR or s3://BUCKET?endpoint=…&region=…&access_key=…&secret_key=…)");
    }

    public Settings settings() { return settings; }

    public PictureSpace space() { return space; }

    public MetadataStore metadata() { return metadata; }

    /** The SQL database behind {@link #metadata()} (for {@code migrate}, which copies it table by table). */
    public Database database() { return database; }

    public BlobStore blobs() { return blobs; }

    public Clock clock() { return clock; }

    public IdGenerator ids() { return ids; }

    /** Signed VOD URLs (CDN auth_key, OSS presigned) for pictures served at {@code publicBaseUrl}. */
    public dev.picspace.gateway.MediaUrls mediaUrls(String publicBaseUrl) {
        return new dev.picspace.gateway.MediaUrls(publicBaseUrl, settings.ossBucket(), urlSigningKey, settings.cdnAuthTtlSeconds(), clock,
                metadata::findVodCredentialsOfTenant);
    }

    /** Issues and verifies the STS-style temporary credentials (UploadAuth, {@code tenant sts}). */
    public dev.picspace.domain.TemporaryCredentials sts() { return sts; }

    /** Replay protection for signed API requests (VOD SignatureNonce). */
    public dev.picspace.domain.NonceRegistry nonces() { return nonces; }
    public ImageEngine engine() { return engine; }

    public Fsck fsck() { return new Fsck(metadata, blobs, clock); }

    @Override
    public void close() {
        blobs.close();
        metadata.close();
        database.close();
    }
}
