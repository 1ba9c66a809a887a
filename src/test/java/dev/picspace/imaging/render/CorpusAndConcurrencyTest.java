package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.picspace.domain.ImageEngine.Rendition;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Format;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CorpusAndConcurrencyTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");
    static final Resize W50 = new Resize(ResizeMode.LFIT, 50, 0, 0, 0, 0, false, 0);

    /** Every real encoder's output in the corpus renders, and looks like the same plasma. */
    @ParameterizedTest
    @ValueSource(strings = {"cj-optimized.jpg", "im-baseline.jpg", "im-progressive.jpg", "jt-restart.jpg", "im-gray.jpg",
            "im-cmyk.jpg", "im-16bit.png", "im-interlaced.png", "im-palette.png", "im-still.gif", "im-os2.bmp",
            "im-v3.bmp", "im-v5.bmp", "cw-lossy.webp", "cw-lossless.webp"})
    void realEncoderOutputRenders(String file) throws Exception {
        byte[] source = Files.readAllBytes(CORPUS.resolve(file));
        BufferedImage reference = Pictures.decode(render(Files.readAllBytes(CORPUS.resolve("im-v3.bmp")), W50,
                new Format(ImageFormat.PNG)).bytes());
        for (ImageFormat f : ImageFormat.values()) {
            Rendition r = render(source, W50, new Format(f));
            BufferedImage out = Pictures.decode(r.bytes());
            assertThat(out.getWidth()).isEqualTo(50);
            assertThat(out.getHeight()).isEqualTo(r.height());
            if (file.equals("im-gray.jpg") || file.equals("im-cmyk.jpg") || file.equals("im-still.gif")) continue;
            // the same 160x120 plasma in every file: the thumbnails agree (lossy formats and palettes aside)
            assertThat(meanDifference(out, reference)).as("%s as %s", file, f).isLessThan(25);
        }
    }

    static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        int n = 0;
        for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++)
            for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++, n++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) sum += Math.abs((p >> s & 0xFF) - (q >> s & 0xFF));
            }
        return sum / (3.0 * n);
    }

    /** The engine is shared by the decode pool: concurrent renders give the same bytes as one at a time. */
    @Test
    void concurrentRendersAreIndependent() throws Exception {
        byte[] jpeg = Pictures.jpeg(OutputTest.noise(640, 480), 90);
        byte[] png = Pictures.png(Pictures.transparentWithRedSquare(300, 300));
        byte[] gif = Pictures.animatedGif(60, 60, 0xFF0000, 0x00FF00);
        List<List<ImageOperation>> chains = List.of(
                List.of(W50),
                List.of(W50, new Format(ImageFormat.WEBP)),
                List.of(new ImageOperation.Rotate(33), new Format(ImageFormat.PNG)),
                List.of(new ImageOperation.Watermark(60, ImageOperation.Gravity.SE, 10, 10, 0, "concurrent", null, 24, 0xFFFFFF,
                        true, false, false, 50, 10, false, null, 0)));
        List<byte[]> sources = List.of(jpeg, png, gif);
        List<byte[]> expected = new ArrayList<>();
        for (byte[] s : sources) for (List<ImageOperation> c : chains) expected.add(render(s, c.toArray(ImageOperation[]::new)).bytes());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++)
                for (byte[] s : sources)
                    for (List<ImageOperation> c : chains)
                        futures.add(pool.submit(() -> render(s, c.toArray(ImageOperation[]::new)).bytes()));
            for (int i = 0; i < futures.size(); i++)
                assertThat(futures.get(i).get()).as("job %d", i).isEqualTo(expected.get(i % expected.size()));
        } finally {
            pool.shutdownNow();
        }
    }
}
