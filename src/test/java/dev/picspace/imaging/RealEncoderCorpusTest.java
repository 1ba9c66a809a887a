package dev.picspace.imaging;

import dev.picspace.domain.Exceptions;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files written by real encoders (src/test/resources/corpus/README.md), not by this project's own
 * fixture builders: progressive, CMYK, grey and restart-marker JPEGs, 16-bit, interlaced and
 * palette PNGs, GIF87/89 stills and animations, OS/2, V3 and V5 BMPs, lossy, lossless, alpha and
 * animated WebP — and cut-short copies, which must be refused.
 */
class RealEncoderCorpusTest {
    final HeaderImageProbe probe = new HeaderImageProbe();

    static Path corpus(String name) {
        try {
            return Path.of(RealEncoderCorpusTest.class.getResource("/corpus/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "im-baseline.jpg, JPEG, 160, 120, 1", "im-progressive.jpg, JPEG, 160, 120, 1", "im-cmyk.jpg, JPEG, 160, 120, 1",
            "im-gray.jpg, JPEG, 160, 120, 1", "jt-restart.jpg, JPEG, 160, 120, 1", "cj-optimized.jpg, JPEG, 160, 120, 1",
            "im-16bit.png, PNG, 160, 120, 1", "im-interlaced.png, PNG, 160, 120, 1", "im-palette.png, PNG, 160, 120, 1",
            "im-alpha.png, PNG, 60, 40, 1", "im-still.gif, GIF, 160, 120, 1", "im-anim3.gif, GIF, 32, 24, 3",
            "im-v3.bmp, BMP, 160, 120, 1", "im-os2.bmp, BMP, 160, 120, 1", "im-v5.bmp, BMP, 160, 120, 1",
            "cw-lossy.webp, WEBP, 160, 120, 1", "cw-lossless.webp, WEBP, 160, 120, 1", "cw-alpha.webp, WEBP, 60, 40, 1",
            "i2w-anim2.webp, WEBP, 60, 40, 2"})
    void realEncoderOutputIsRead(String file, ImageFormat format, int width, int height, int frames) {
        ImageInfo info = probe.probe(corpus(file), ImageLimits.DEFAULTS);
        assertThat(info).isEqualTo(new ImageInfo(format, width, height, frames));
    }

    @ParameterizedTest
    @CsvSource({"cut-baseline.jpg", "cut-16bit.png", "cut-anim3.gif", "cut-lossy.webp", "im-tiff.tif"})
    void cutShortOrForeignFilesAreRefused(String file) {
        assertThatThrownBy(() -> probe.probe(corpus(file), ImageLimits.DEFAULTS))
                .isInstanceOf(Exceptions.InvalidImageException.class);
    }
}
