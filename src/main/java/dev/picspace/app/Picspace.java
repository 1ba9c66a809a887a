package dev.picspace.app;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.IdGenerator;
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

    public Picspace(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + settings.dataDir(), e);
        }
        this.database = Database.open(settings.jdbcUrl());
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
        this.space = new PictureSpace(metadata, blobs, new HeaderImageProbe(), new IdGenerator(clock, node), clock,
                settings.limits(), settings.maxCategories());
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

    public BlobStore blobs() { return blobs; }

    public Clock clock() { return clock; }

    public Fsck fsck() { return new Fsck(metadata, blobs, clock); }

    @Override
    public void close() {
        blobs.close();
        metadata.close();
        database.close();
    }
}
