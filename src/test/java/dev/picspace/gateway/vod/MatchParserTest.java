package dev.picspace.gateway.vod;

import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureFilter.All;
import dev.picspace.domain.PictureFilter.Any;
import dev.picspace.domain.PictureFilter.CategoryIs;
import dev.picspace.domain.PictureFilter.Constant;
import dev.picspace.domain.PictureFilter.ImageIdIs;
import dev.picspace.domain.PictureFilter.StatusIn;
import dev.picspace.domain.PictureFilter.TextContains;
import dev.picspace.domain.PictureFilter.TextField;
import dev.picspace.domain.PictureFilter.TimeField;
import dev.picspace.domain.PictureFilter.TimeRange;
import dev.picspace.domain.PictureStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** SearchMedia's Match syntax for images (vod.md §3.6) into PictureFilter trees. */
class MatchParserTest {
    static PictureFilter parse(String m) { return MatchParser.parse(m, "app-1000000", "picspace.localhost:8080"); }

    @Test
    void everyKindOfCondition() {
        assertThat(parse(null).isEverything()).isTrue();
        assertThat(parse("  ").isEverything()).isTrue();
        assertThat(parse("ImageId = 'abc'")).isEqualTo(new ImageIdIs("abc"));
        assertThat(parse("ImageId = abc")).isEqualTo(new ImageIdIs("abc"));
        assertThat(parse("CateId = 123")).isEqualTo(new CategoryIs(123));
        assertThat(parse("CateId = '-1'")).isEqualTo(new CategoryIs(0));
        assertThat(parse("Title = 'red shoe'")).isEqualTo(new TextContains(TextField.TITLE, "red shoe"));
        assertThat(parse("title='it\\'s'")).isEqualTo(new TextContains(TextField.TITLE, "it's"));
        assertThat(parse("Tags in ('a','b')")).isEqualTo(new Any(List.of(new TextContains(TextField.TAGS, "a"), new TextContains(TextField.TAGS, "b"))));
        assertThat(parse("Description IN ('x')")).isEqualTo(new TextContains(TextField.DESCRIPTION, "x"));
        assertThat(parse("FileName = '.png'")).isEqualTo(new TextContains(TextField.ORIGINAL_FILE_NAME, ".png"));
        assertThat(parse("Status in ('Normal','UploadFail','Blocked')"))
                .isEqualTo(new StatusIn(Set.of(PictureStatus.NORMAL, PictureStatus.UPLOAD_FAIL)));
        assertThat(parse("Status = 'Uploading'")).isEqualTo(new StatusIn(Set.of(PictureStatus.UPLOADING)));
        assertThat(parse("AppId in ('app-1000000','app-2')")).isEqualTo(new Constant(true));
        assertThat(parse("AppId in ('app-2')")).isEqualTo(new Constant(false));
        assertThat(parse("StorageLocation = 'picspace.localhost:8080'")).isEqualTo(new Constant(true));
        assertThat(parse("StorageLocation in ('elsewhere')")).isEqualTo(new Constant(false));
        Instant a = Instant.parse("2024-01-01T00:00:00Z"), b = Instant.parse("2024-12-31T23:59:59Z");
        assertThat(parse("CreationTime = ('2024-01-01T00:00:00Z','2024-12-31T23:59:59Z')"))
                .isEqualTo(new TimeRange(TimeField.CREATED, a, false, b, false));
        assertThat(parse("ModificationTime = ['2024-01-01T00:00:00Z','2024-12-31T23:59:59Z']"))
                .isEqualTo(new TimeRange(TimeField.MODIFIED, a, true, b, true));
        assertThat(parse("CreationTime = ['2024-01-01T08:00:00+08:00',)")).isEqualTo(new TimeRange(TimeField.CREATED, a, true, null, false));
        assertThat(parse("CreationTime = (,'2024-12-31T23:59:59Z']")).isEqualTo(new TimeRange(TimeField.CREATED, null, false, b, true));
    }

    @Test
    void andBindsAndOrNeedsParentheses() {
        PictureFilter f = parse("Title = 'a' and (Tags = 'b' or Description = 'c' and Status = 'Normal') AND CateId = 5");
        assertThat(f).isEqualTo(new All(List.of(
                new TextContains(TextField.TITLE, "a"),
                new Any(List.of(new TextContains(TextField.TAGS, "b"),
                        new All(List.of(new TextContains(TextField.DESCRIPTION, "c"), new StatusIn(Set.of(PictureStatus.NORMAL)))))),
                new CategoryIs(5))));
        assertThat(parse("((Title = 'a'))")).isEqualTo(new TextContains(TextField.TITLE, "a"));
        assertThat(parse("(Title = 'a' or Title = 'b')")).isInstanceOf(Any.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Title", "Title =", "= 'a'", "Title = 'a' or Tags = 'b'", "CateName = 'x'", "URL = 'x'", "Nope = 'x'",
            "Title = ('a','b')", "Title in 'a'", "Title in ('a'", "CreationTime = '2024-01-01T00:00:00Z'", "CreationTime in ('x')",
            "CreationTime = ('nope',)", "CreationTime = ('2024-01-01T00:00:00Z','2024-01-02T00:00:00Z'", "ImageId in ('a')",
            "(Title = 'a'", "Title = 'a')", "Title = 'a' and", "Title = 'unclosed", "CateId = abc", "Title = 'a' Tags = 'b'",
            "Title = 'a' && Tags = 'b'", "Status > 'Normal'", "ImageId = ('a','b')"})
    void anythingElseIsAMatchSyntaxError(String match) {
        VodApiException e = catchThrowableOfType(VodApiException.class, () -> parse(match));
        assertThat(e).as(match).isNotNull();
        assertThat(e.error.code()).isEqualTo("ErrorMatchSyntax");
        assertThat(e.error.status()).isEqualTo(400);
        assertThat(e.error.message()).matches("The parameter Match\\.\\w+ has an error syntax, please check it\\.");
    }
}
