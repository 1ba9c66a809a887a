package dev.picspace.gateway.vod;

import dev.picspace.domain.PictureFilter.TimeField;
import dev.picspace.domain.PictureSearch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScrollTokenTest {
    static final PictureSearch.Sort CREATED_DESC = new PictureSearch.Sort(TimeField.CREATED, true);

    @Test
    void aTokenCarriesItsPositionAndOnlyFitsItsOwnTraversal() {
        String traversal = ScrollToken.traversal(7, CREATED_DESC, "Title = 'a'");
        PictureSearch.Position p = new PictureSearch.Position(1_795_348_165_123L, 0x7fff_1234_5678_9abcL);
        String token = ScrollToken.encode(p, traversal);
        assertThat(token).matches("[0-9a-f]{32}");
        assertThat(ScrollToken.decode(token, traversal)).hasValue(p);
        assertThat(ScrollToken.decode(token.toUpperCase(), traversal)).hasValue(p);
        assertThat(ScrollToken.decode(token, ScrollToken.traversal(8, CREATED_DESC, "Title = 'a'"))).isEmpty();
        assertThat(ScrollToken.decode(token, ScrollToken.traversal(7, new PictureSearch.Sort(TimeField.CREATED, false), "Title = 'a'"))).isEmpty();
        assertThat(ScrollToken.decode(token, ScrollToken.traversal(7, new PictureSearch.Sort(TimeField.MODIFIED, true), "Title = 'a'"))).isEmpty();
        assertThat(ScrollToken.decode(token, ScrollToken.traversal(7, CREATED_DESC, "Title = 'b'"))).isEmpty();
        for (int i = 0; i < 32; i++) { // any single changed character is noticed (here: every position)
            char c = token.charAt(i);
            String changed = token.substring(0, i) + (c == '0' ? '1' : '0') + token.substring(i + 1);
            assertThat(ScrollToken.decode(changed, traversal)).as("position " + i).isEmpty();
        }
        assertThat(ScrollToken.decode(token.substring(1), traversal)).isEmpty();
        assertThat(ScrollToken.decode("zz" + token.substring(2), traversal)).isEmpty();
        assertThat(ScrollToken.decode(null, traversal)).isEmpty();
        PictureSearch.Position zero = new PictureSearch.Position(0, 0);
        assertThat(ScrollToken.decode(ScrollToken.encode(zero, traversal), traversal)).hasValue(zero);
    }
}
