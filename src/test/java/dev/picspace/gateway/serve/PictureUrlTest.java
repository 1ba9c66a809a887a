package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.picspace.domain.ImageFormat;

class PictureUrlTest {

    static final String TOKEN = "0123456789abcdef0a1b";

    /** The whole grammar, as an independent oracle for the hand-written parser. */
    static final Pattern ORACLE = Pattern.compile("/i/([0-9a-f]{20})\\.(jpg|jpeg|png|gif|webp|bmp)");

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "jpeg", "png", "gif", "webp", "bmp"})
    void everyKnownExtensionParses(String ext) {
        assertThat(PictureUrl.parse("/i/" + TOKEN + "." + ext)).contains(new PictureUrl(TOKEN, ext));
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void theCanonicalPathOfEveryFormatParsesAndNamesThatFormat(ImageFormat format) {
        PictureUrl url = PictureUrl.parse(PictureUrl.pathOf(TOKEN, format)).orElseThrow();
        assertThat(url.token()).isEqualTo(TOKEN);
        assertThat(url.names(format)).isTrue();
        for (ImageFormat other : ImageFormat.values()) {
            if (other != format) assertThat(url.names(other)).as(other.name()).isFalse();
        }
    }

    @Test
    void jpegIsAnotherNameForJpgOnly() {
        PictureUrl jpeg = PictureUrl.parse("/i/" + TOKEN + ".jpeg").orElseThrow();
        assertThat(jpeg.names(ImageFormat.JPEG)).isTrue();
        assertThat(jpeg.names(ImageFormat.PNG)).isFalse();
    }

    @Test
    void hostileAndMalformedPathsDoNotParse() {
        List<String> paths = List.of(
                "", "/", "/i", "/i/", "/i/.jpg", "/i/" + TOKEN, "/i/" + TOKEN + ".", "/i/" + TOKEN + "jpg",
                "/i/../x", "/i/%2e%2e/x", "/i/abc%2fdef.jpg", "/i/..%2f" + TOKEN + ".jpg",
                "/i/" + TOKEN + ".jpg%00", "/i/" + TOKEN + "%00.jpg", "/i/" + TOKEN + "%2ejpg",
                "/i/" + TOKEN + ".jpg/", "/i/" + TOKEN + ".jpg/x", "/i//" + TOKEN + ".jpg", "/i/" + TOKEN + ".jpg;a=b",
                "/i/" + TOKEN.toUpperCase() + ".jpg", "/i/" + TOKEN + ".JPG", "/i/" + TOKEN + ".Jpg",
                "/i/" + TOKEN.substring(1) + ".jpg", "/i/" + TOKEN + "0.jpg", "/i/" + TOKEN + ".jpg.jpg",
                "/i/" + TOKEN + ".exe", "/i/" + TOKEN + ".svg", "/i/" + TOKEN + ".tiff", "/i/" + TOKEN + ". jpg",
                "/I/" + TOKEN + ".jpg", "//i/" + TOKEN + ".jpg", "i/" + TOKEN + ".jpg", "/x/" + TOKEN + ".jpg",
                "/i/" + "g".repeat(20) + ".jpg", "/i/" + TOKEN.replace('a', 'G') + ".jpg",
                "/i/" + TOKEN + "\u0000jpg", "/i/" + TOKEN.substring(0, 19) + "\u0661.jpg",
                "/i/" + "a".repeat(10_000) + ".jpg", "/i/" + TOKEN + "." + "jpg".repeat(1000));
        for (String path : paths) assertThat(PictureUrl.parse(path)).as(path).isEmpty();
        assertThat(PictureUrl.parse(null)).isEmpty();
    }

    @Test
    void everySingleCharacterChangeAgreesWithTheGrammar() {
        String[] valid = {"/i/" + TOKEN + ".jpg", "/i/" + TOKEN + ".jpeg", "/i/" + TOKEN + ".webp"};
        String alphabet = "0123456789abcdefgABCDEFG./\\%;?#&=: \t\u0000\u00ff\u2215\u002e-_~jpegnwbmi";
        int checked = 0;
        for (String base : valid) {
            for (int at = 0; at < base.length(); at++) {
                for (char c : alphabet.toCharArray()) {
                    String replaced = base.substring(0, at) + c + base.substring(at + 1);
                    String inserted = base.substring(0, at) + c + base.substring(at);
                    String deleted = base.substring(0, at) + base.substring(at + 1);
                    for (String candidate : List.of(replaced, inserted, deleted)) {
                        assertThat(PictureUrl.parse(candidate).isPresent()).as(candidate)
                                .isEqualTo(ORACLE.matcher(candidate).matches());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(5000);
    }

    @Test
    void randomPathsAgreeWithTheGrammar() {
        Random random = new Random(42);
        String alphabet = "0123456789abcdef/.%ijpgnwbmeIJ";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder path = new StringBuilder(random.nextBoolean() ? "/i/" : "");
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String candidate = path.toString();
            assertThat(PictureUrl.parse(candidate).isPresent()).as(candidate)
                    .isEqualTo(ORACLE.matcher(candidate).matches());
        }
    }

    @Test
    void theTokenIsTheTwentyHexCharacters() {
        PictureUrl url = PictureUrl.parse("/i/ffffffffffffffffffff.png").orElseThrow();
        assertThat(url.token()).isEqualTo("ffffffffffffffffffff");
        assertThat(url.extension()).isEqualTo("png");
    }
}
