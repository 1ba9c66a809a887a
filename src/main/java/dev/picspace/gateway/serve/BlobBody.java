package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.PicspaceException;

/**
 * A stored blob as a {@link ContentResponder.Body}, by content hash: what every original picspace
 * serves (picture URLs, OSS GetObject) is read through this. Store failures become IOExceptions,
 * which {@link ContentResponder} turns into a 500 before the response is committed.
 */
public record BlobBody(BlobStore blobs, String key) implements ContentResponder.Body {
    @Override
    public InputStream open(long offset, long length) throws IOException {
        try {
            return blobs.open(key, offset, length);
        } catch (PicspaceException e) {
            throw new IOException("blob " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Path> file() {
        return blobs.localFile(key);
    }
}
