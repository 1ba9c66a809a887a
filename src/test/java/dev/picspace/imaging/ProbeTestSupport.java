package dev.picspace.imaging;

import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Writes fixture bytes to a temporary upload file and probes it, as the upload path does. */
abstract class ProbeTestSupport {
    @TempDir
    Path dir;

    final HeaderImageProbe probe = new HeaderImageProbe();

    /**
     * The upload file stays open and is overwritten in place: re-creating it costs ~20 times more,
     * which matters to the robustness test's thousands of probes on a shared machine.
     */
    private FileChannel upload;

    ImageInfo probe(byte[] data) {
        return probe(data, ImageLimits.DEFAULTS);
    }

    ImageInfo probe(byte[] data, ImageLimits limits) {
        return probe.probe(write(data), limits);
    }

    Path write(byte[] data) {
        Path file = dir.resolve("upload");
        try {
            if (upload == null) upload = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) upload.write(buffer, buffer.position());
            upload.truncate(data.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @AfterEach
    void closeUpload() throws IOException {
        if (upload != null) upload.close();
    }

    static ImageLimits withMaxFrames(int maxFrames) {
        ImageLimits d = ImageLimits.DEFAULTS;
        return new ImageLimits(d.maxBytes(), d.maxWidth(), d.maxHeight(), d.maxPixels(), maxFrames);
    }
}
