package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Entity-tag comparison (RFC 9110 §8.8.3.2) and list handling. */
class EntityTagsTest {

    static final String TAG = "9f86d081884c7d65";

    @Test
    void weakComparisonMatchesStrongAndWeakForms() {
        assertThat(EntityTags.listContains("\"" + TAG + "\"", TAG, true)).isTrue();
        assertThat(EntityTags.listContains("W/\"" + TAG + "\"", TAG, true)).isTrue();
        assertThat(EntityTags.listContains("\"x\", W/\"" + TAG + "\"", TAG, true)).isTrue();
        assertThat(EntityTags.listContains("*", TAG, true)).isTrue();
        assertThat(EntityTags.listContains(" * ", TAG, true)).isTrue();
    }

    @Test
    void strongComparisonRefusesWeakTags() {
        assertThat(EntityTags.listContains("W/\"" + TAG + "\"", TAG, false)).isFalse();
        assertThat(EntityTags.listContains("\"" + TAG + "\"", TAG, false)).isTrue();
        assertThat(EntityTags.listContains("*", TAG, false)).isTrue();
    }

    @Test
    void nearMissesDoNotMatch() {
        assertThat(EntityTags.listContains("\"" + TAG.substring(1) + "\"", TAG, true)).isFalse();
        assertThat(EntityTags.listContains("\"" + TAG + "x\"", TAG, true)).isFalse();
        assertThat(EntityTags.listContains("\"" + TAG + "--gzip\"", TAG, true)).isFalse(); // not Jetty's suffix rule
        assertThat(EntityTags.listContains(TAG, TAG, true)).isFalse(); // unquoted is not an entity-tag
        assertThat(EntityTags.listContains("\"" + TAG, TAG, true)).isFalse();
        assertThat(EntityTags.listContains("w/\"" + TAG + "\"", TAG, true)).isFalse(); // W is case-sensitive
        assertThat(EntityTags.listContains("*x", TAG, true)).isFalse();
        assertThat(EntityTags.listContains("", TAG, true)).isFalse();
    }

    @Test
    void commasInsideATagDoNotSplitIt() {
        assertThat(EntityTags.listContains("\"a," + TAG + "\"", TAG, true)).isFalse();
        assertThat(EntityTags.listContains("\"a,b\",\"" + TAG + "\"", TAG, true)).isTrue();
        assertThat(EntityTags.listContains("\"a,b\"", "a,b", true)).isTrue();
    }

    @Test
    void garbageMembersAreSkipped() {
        assertThat(EntityTags.listContains("junk, ,,\"" + TAG + "\"", TAG, true)).isTrue();
    }

    @Test
    void ifRangeTakesOneStrongTag() {
        assertThat(EntityTags.strongSingleMatch(" \"" + TAG + "\" ", TAG)).isTrue();
        assertThat(EntityTags.strongSingleMatch("W/\"" + TAG + "\"", TAG)).isFalse();
        assertThat(EntityTags.strongSingleMatch("\"" + TAG + "\", \"x\"", TAG)).isFalse();
        assertThat(EntityTags.looksLikeEntityTag("W/\"x\"")).isTrue();
        assertThat(EntityTags.looksLikeEntityTag("Mon, 06 May 2024 07:08:09 GMT")).isFalse();
    }
}
