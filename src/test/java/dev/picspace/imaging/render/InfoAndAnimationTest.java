package dev.picspace.imaging.render;

import static dev.picspace.imaging.render.Pictures.BLUE;
import static dev.picspace.imaging.render.Pictures.GREEN;
import static dev.picspace.imaging.render.Pictures.RED;
import static dev.picspace.imaging.render.Pictures.assertPixel;
import static dev.picspace.imaging.render.Pictures.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.ImageEngine.Rendition;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation.Format;
import dev.picspace.domain.ImageOperation.Info;
import dev.picspace.domain.ImageOperation.Resize;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.domain.ImageOperation.Rotate;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Test;

class InfoAndAnimationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Resize W20 = new Resize(ResizeMode.LFIT, 20, 0, 0, 0, 0, false, 0);

    @Test
    void infoDescribesTheSourceLikeOssWithExifButNoGps() throws Exception {
        byte[] jpeg = Pictures.insertAfterSoi(Pictures.jpeg(Pictures.split(400, 267), 90), Pictures.exifSegment(6, true));
        Rendition r = render(jpeg, new Info());
        assertThat(r.mediaType()).isEqualTo("application/json");
        assertThat(r.format()).isNull();
        JsonNode info = JSON.readTree(r.bytes());
        assertThat(info.path("FileSize").path("value").asText()).isEqualTo(Integer.toString(jpeg.length));
        assertThat(info.path("Format").path("value").asText()).isEqualTo("jpg");
        assertThat(info.path("ImageWidth").path("value").asText()).isEqualTo("400");
        assertThat(info.path("ImageHeight").path("value").asText()).isEqualTo("267");
        assertThat(info.path("Make").path("value").asText()).isEqualTo("PicspaceCam");
        assertThat(info.path("Orientation").path("value").asText()).isEqualTo("6");
        List<String> names = new ArrayList<>();
        info.fieldNames().forEachRemaining(names::add);
        assertThat(names).isSorted().noneMatch(n -> n.startsWith("GPS"));
        assertThat(new String(r.bytes())).doesNotContain("GPS").doesNotContain("31/1");
        // OSS's sample opens exactly like this
        assertThat(new String(r.bytes())).startsWith("{\"FileSize\":{\"value\":\"" + jpeg.length + "\"},\"Format\":{\"value\":\"jpg\"},");
    }

    @Test
    void infoAfterATransformDescribesTheDerivative() throws Exception {
        byte[] png = Pictures.png(Pictures.split(400, 200));
        Rendition r = render(png, W20, new Format(ImageFormat.WEBP), new Info());
        JsonNode info = JSON.readTree(r.bytes());
        assertThat(info.path("Format").path("value").asText()).isEqualTo("webp");
        assertThat(info.path("ImageWidth").path("value").asText()).isEqualTo("20");
        assertThat(info.path("ImageHeight").path("value").asText()).isEqualTo("10");
        int size = Integer.parseInt(info.path("FileSize").path("value").asText());
        assertThat(size).isEqualTo(render(png, W20, new Format(ImageFormat.WEBP)).bytes().length);
    }

    @Test
    void anAnimatedGifKeepsEveryFrameThroughAResize() throws Exception {
        byte[] gif = Pictures.animatedGif(80, 40, RED, GREEN, BLUE);
        Rendition r = render(gif, W20);
        assertThat(r.format()).isEqualTo(ImageFormat.GIF);
        assertThat(r.frames()).isEqualTo(3);
        assertThat(r.width()).isEqualTo(20);
        assertThat(r.height()).isEqualTo(10);
        List<BufferedImage> frames = frames(r.bytes());
        assertThat(frames).hasSize(3);
        int[] colours = {RED, GREEN, BLUE};
        for (int i = 0; i < 3; i++) {
            assertThat(frames.get(i).getWidth()).isEqualTo(20);
            assertPixel(frames.get(i), 10, 5, colours[i], 8);
        }
        // delays and the loop survive
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(r.bytes())));
        var tree = reader.getImageMetadata(1).getAsTree("javax_imageio_gif_image_1.0");
        var control = GifFrames.child(tree, "GraphicControlExtension");
        assertThat(control.getAttributes().getNamedItem("delayTime").getNodeValue()).isEqualTo("10");
        var apps = GifFrames.child(reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0"), "ApplicationExtensions");
        assertThat(apps).as("NETSCAPE loop extension").isNotNull();
        reader.dispose();
    }

    @Test
    void anAnimatedGifComposesPartialFramesOntoTheCanvas() throws Exception {
        // the corpus animation: ImageMagick frames, later ones only patches of the screen
        byte[] gif = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/corpus/im-anim3.gif"));
        Rendition r = render(gif, new Rotate(90));
        assertThat(r.frames()).isEqualTo(3);
        List<BufferedImage> frames = frames(r.bytes());
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.getWidth()).isEqualTo(r.width());
            assertThat(f.getHeight()).isEqualTo(r.height());
        });
    }

    @Test
    void anAnimationServedAsAnotherFormatIsItsFirstFrameAndSaysSo() {
        byte[] gif = Pictures.animatedGif(80, 40, RED, GREEN, BLUE);
        Rendition png = render(gif, new Format(ImageFormat.PNG));
        assertThat(png.frames()).isEqualTo(1);
        assertPixel(Pictures.decode(png.bytes()), 40, 20, RED, 0);
        Rendition webp = render(gif, W20, new Format(ImageFormat.WEBP));
        assertThat(webp.frames()).isEqualTo(1);
    }

    @Test
    void animatedWebpBecomesItsFirstFrame() throws Exception {
        byte[] webp = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/corpus/i2w-anim2.webp"));
        Rendition r = render(webp, new Format(ImageFormat.PNG));
        assertThat(r.frames()).isEqualTo(1);
        BufferedImage out = Pictures.decode(r.bytes());
        assertThat(out.getWidth()).isEqualTo(r.width());
        assertThat(r.width()).isGreaterThan(0);
    }

    static List<BufferedImage> frames(byte[] gif) throws Exception {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(gif)));
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < reader.getNumImages(true); i++) frames.add(reader.read(i));
        reader.dispose();
        return frames;
    }
}
