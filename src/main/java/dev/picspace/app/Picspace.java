package dev.picspace.app;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.IdGenerator;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.PictureSpace;
import dev.picspace.imaging.HeaderImageProbe;
import dev.picspace.store.Database;
import dev.picspace.store.FileSystemBlobStore;
import dev.picspace.store.SqlMetadataStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
        Database.Settings db = settings.dbPoolSize() > 0
                ? Database.Settings.DEFAULTS.withPoolSize(settings.dbPoolSize()) : Database.Settings.DEFAULTS;
        this.database = Database.open(settings.jdbcUrl(), db);
        this.metadata = new SqlMetadataStore(database);
        this.blobs = openBlobs(settings);
        int node = settings.nodeId() >= 0 ? settings.nodeId() : IdGenerator.randomNode();
        this.space = new PictureSpace(metadata, blobs, new HeaderImageProbe(), new IdGenerator(clock, node), clock,
                settings.limits(), settings.maxCategories());
    }

    private static BlobStore openBlobs(Settings s) {
        if (s.blobs() != null && !s.blobs().startsWith("file:"))
            throw new IllegalArgumentException("unsupported --blobs '" + s.blobs() + "': this build stores blobs in a local directory (file:DIR)");
        java.nio.file.Path dir = s.blobs() == null ? s.blobDir() : java.nio.file.Path.of(java.net.URI.create(s.blobs()));
        return new FileSystemBlobStore(dir);
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
