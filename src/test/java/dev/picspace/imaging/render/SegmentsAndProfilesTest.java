package dev.picspace.imaging.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.color.ICC_Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The header facts the engine decides by: JPEG segments, PNG profiles, what counts as sRGB. */
class SegmentsAndProfilesTest {
    @Test
    void jpegSegmentsGiveComponentsQualityAndTheProfile() throws Exception {
        byte[] plain = Pictures.jpeg(Pictures.split(32, 32), 75);
        JpegSegments s = JpegSegments.read(plain);
        assertThat(s.components).isEqualTo(3);
        assertThat(s.quality).isEqualTo(75);
        assertThat(s.icc).isNull();
        assertThat(s.withoutIcc(plain)).isSameAs(plain);

        ICC_Profile linear = Pictures.linearRgb();
        byte[] tagged = Pictures.insertAfterSoi(plain, Pictures.iccSegment(linear));
        JpegSegments t = JpegSegments.read(tagged);
        assertThat(t.icc).isEqualTo(linear.getData());
        byte[] stripped = t.withoutIcc(tagged);
        assertThat(stripped).isEqualTo(plain);

        byte[] cmyk = Files.readAllBytes(Path.of("src/test/resources/corpus/im-cmyk.jpg"));
        assertThat(JpegSegments.read(cmyk).components).isEqualTo(4);
        for (int q : new int[] {10, 30, 50, 90, 100})
            assertThat(JpegSegments.read(Pictures.jpeg(Pictures.split(16, 16), q)).quality).as("q%d", q).isEqualTo(q);
    }

    @Test
    void srgbIsJudgedByPrimariesAndCurvesNotByName() throws Exception {
        assertThat(ColorProfiles.isSrgb(ICC_Profile.getInstance(Pictures.srgb().getData()))).isTrue();
        // Java's linear profile describes itself as "linear sRGB"
        ICC_Profile linear = ICC_Profile.getInstance(Pictures.linearRgb().getData());
        assertThat(new String(linear.getData(ICC_Profile.icSigProfileDescriptionTag), "ISO-8859-1")).contains("sRGB");
        assertThat(ColorProfiles.isSrgb(linear)).isFalse();
        assertThat(ColorProfiles.needsConversion(linear)).isTrue();
        Path ghostscript = Path.of("/usr/share/color/icc/ghostscript/srgb.icc");
        if (Files.exists(ghostscript))
            assertThat(ColorProfiles.isSrgb(ICC_Profile.getInstance(Files.readAllBytes(ghostscript)))).isTrue();
        Path adobe = Path.of("/usr/share/color/icc/ghostscript/a98.icc");
        if (Files.exists(adobe))
            assertThat(ColorProfiles.isSrgb(ICC_Profile.getInstance(Files.readAllBytes(adobe)))).isFalse();
    }

    @Test
    void pngProfilesAreInflatedAndAnSrgbChunkMeansNone() {
        byte[] png = Pictures.png(Pictures.split(8, 8));
        assertThat(ColorProfiles.pngProfile(png)).isNull();
        byte[] tagged = Pictures.pngWithIcc(png, Pictures.linearRgb());
        assertThat(ColorProfiles.pngProfile(tagged)).isEqualTo(Pictures.linearRgb().getData());
    }
}
