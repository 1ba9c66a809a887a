package dev.picspace.imaging;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageProbe;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@link ImageProbe} that reads JPEG, PNG, GIF, WebP and BMP headers without decoding pixels.
 *
 * <p>The format is decided from the file's leading bytes alone (design.md, "Limits and hostile
 * input"). The format's reader then reads the dimensions, checks them against the limits at once,
 * and walks the rest of the file's structure (marker segments, chunks with their CRCs, block
 * streams) to count frames and to reject truncated or corrupt files, skipping over pixel data. It
 * holds a single 16 KiB window of the file, so memory does not grow with the file or with any size
 * the file declares.
 *
 * <p>The only exceptions it throws are {@link InvalidImageException} (messages start with
 * {@code "not a supported image"}, {@code "truncated"} or {@code "corrupt"}) and
 * {@link ImageLimitExceededException}. Stateless and safe to share between threads.
 */
public final class HeaderImageProbe implements ImageProbe {

    /** Leading bytes of each format; {@code -1} matches any byte (the RIFF size field). */
    private enum Signature {
        JPEG(ImageFormat.JPEG, new JpegHeaderReader(), 0xFF, 0xD8, 0xFF),
        PNG(ImageFormat.PNG, new PngHeaderReader(), 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'),
        GIF87A(ImageFormat.GIF, new GifHeaderReader(), 'G', 'I', 'F', '8', '7', 'a'),
        GIF89A(ImageFormat.GIF, new GifHeaderReader(), 'G', 'I', 'F', '8', '9', 'a'),
        WEBP(ImageFormat.WEBP, new WebpHeaderReader(), 'R', 'I', 'F', 'F', -1, -1, -1, -1, 'W', 'E', 'B', 'P'),
        BMP(ImageFormat.BMP, new BmpHeaderReader(), 'B', 'M');

        static final int LONGEST = 12;

        final ImageFormat format;
        final FormatReader reader;
        final int[] bytes;

        Signature(ImageFormat format, FormatReader reader, int... bytes) {
            this.format = format;
            this.reader = reader;
            this.bytes = bytes;
        }

        /** Whether {@code head}, the file's first {@code length} bytes, agrees with this signature where both have bytes. */
        boolean matches(byte[] head, int length) {
            for (int i = 0; i < Math.min(length, bytes.length); i++)
                if (bytes[i] >= 0 && (head[i] & 0xFF) != bytes[i]) return false;
            return true;
        }
    }

    @Override
    public ImageInfo probe(Path file, ImageLimits limits) {
        Objects.requireNonNull(file, "file");
        return probe(() -> ImageInput.open(file), limits);
    }

    /**
     * The same checks over bytes already in memory (the engine re-probes every source and
     * watermark before decoding it). Does not check {@link ImageLimits#maxBytes()}: the caller,
     * which had to bound its read anyway, does.
     */
    public ImageInfo probe(byte[] bytes, ImageLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        return probe(() -> ImageInput.of(bytes), limits);
    }

    private interface Opener {
        ImageInput open() throws IOException;
    }

    private ImageInfo probe(Opener opener, ImageLimits limits) {
        Objects.requireNonNull(limits, "limits");
        ImageFormat format = null;
        try (ImageInput in = opener.open()) {
            Signature signature = sniff(in);
            format = signature.format;
            in.seek(0);
            return signature.reader.read(in, limits);
        } catch (InvalidImageException | ImageLimitExceededException e) {
            throw e;
        } catch (EOFException e) {
            throw new InvalidImageException("truncated: " + (format == null ? "" : format + " ")
                    + "ends in the middle of a header (" + e.getMessage() + ")");
        } catch (IOException e) {
            // Not a fact about the bytes, but the port names no other failure; the cause keeps the
            // detail for logs without putting a server path into a client-facing message.
            InvalidImageException wrapped = new InvalidImageException(
                    "unreadable: the image file cannot be read (" + e.getClass().getSimpleName() + ")");
            wrapped.initCause(e);
            throw wrapped;
        } catch (RuntimeException e) {
            // Safety net: a reader bug on a crafted file must still look like a bad upload, never
            // like a server fault. The cause is kept so tests can prove the net never fires.
            InvalidImageException wrapped = new InvalidImageException("corrupt: "
                    + (format == null ? "" : format + " ") + "file could not be parsed");
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    private static Signature sniff(ImageInput in) throws IOException {
        if (in.size() == 0) throw ProbeFailures.unsupported("the file is empty");
        int length = (int) Math.min(Signature.LONGEST, in.size());
        byte[] head = new byte[length];
        in.readFully(head);
        for (Signature signature : Signature.values())
            if (length >= signature.bytes.length && signature.matches(head, length)) return signature;
        // A file shorter than a signature it begins with was most likely cut off while uploading.
        for (Signature signature : Signature.values())
            if (length >= 2 && length < signature.bytes.length && signature.matches(head, length))
                throw ProbeFailures.truncated(signature.format, "file is only " + length + " bytes long");
        throw ProbeFailures.unsupported();
    }
}
