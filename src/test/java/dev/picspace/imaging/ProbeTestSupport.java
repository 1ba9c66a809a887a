package dev.picspace.imaging;

import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Writes fixture bytes to a temporary upload file and probes it, as the upload path does. */
abstract class ProbeTestSupport {
    @TempDir
    Path dir;

    final HeaderImageProbe probe = new HeaderImageProbe();

    ImageInfo probe(byte[] data) {
        return probe(data, ImageLimits.DEFAULTS);
    }

    ImageInfo probe(byte[] data, ImageLimits limits) {
        return probe.probe(write(data), limits);
    }

    Path write(byte[] data) {
        Path file = dir.resolve("upload");
        try {
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static ImageLimits withMaxFrames(int maxFrames) {
        ImageLimits d = ImageLimits.DEFAULTS;
        return new ImageLimits(d.maxBytes(), d.maxWidth(), d.maxHeight(), d.maxPixels(), maxFrames);
    }
}
