package dev.picspace.gateway.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An uploaded file: one multipart part that had a {@code filename}. Exactly one of {@code spooled}
 * and {@code inMemory} is set: parts up to {@link RequestParameters#IN_MEMORY_FILE_LIMIT} bytes are
 * kept in memory, larger ones are written to a temporary file as they arrive (so a 20 MB upload is
 * never held in the heap). The temporary file lives until {@link RequestParameters#close()}.
 *
 * @param name        the form field name (Content-Disposition {@code name}), e.g. {@code img}
 * @param fileName    the client's file name as sent, possibly empty, never null; path parts are kept
 * @param contentType the part's Content-Type header as sent, or null
 * @param size        the content length in bytes
 * @param spooled     the temporary file holding the content, or null
 * @param inMemory    the content, or null
 */
public record FilePart(String name, String fileName, String contentType, long size, Path spooled, byte[] inMemory) {
    public FilePart {
        if ((spooled == null) == (inMemory == null))
            throw new IllegalArgumentException("exactly one of spooled and inMemory must be given");
    }

    /** A fresh stream over the content, from the start. */
    public InputStream open() {
        if (inMemory != null) return new ByteArrayInputStream(inMemory);
        try {
            return Files.newInputStream(spooled);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spooled upload " + spooled, e);
        }
    }

    /** Whether the content is in a temporary file rather than in memory. */
    public boolean isSpooled() { return spooled != null; }
}
