package dev.picspace.domain;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdGeneratorTest {
    @Test
    void idsAreIncreasingUniqueAndAbove2To53() {
        IdGenerator g = new IdGenerator(Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC), 5);
        Set<Long> seen = new HashSet<>();
        long last = 0;
        for (int i = 0; i < 20_000; i++) { // more than one millisecond's sequence: borrows ahead
            long id = g.nextId();
            assertThat(id).isGreaterThan(last);
            assertThat(seen.add(id)).isTrue();
            last = id;
        }
        assertThat(last).isGreaterThan(1L << 53);
    }

    @Test
    void twoNodesInTheSameMillisecondNeverCollide() {
        Clock c = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
        IdGenerator a = new IdGenerator(c, 1), b = new IdGenerator(c, 2);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            assertThat(seen.add(a.nextId())).isTrue();
            assertThat(seen.add(b.nextId())).isTrue();
        }
    }

    @Test
    void imageIdsAre32LowercaseHex() {
        IdGenerator g = new IdGenerator(Clock.systemUTC(), 0);
        assertThat(g.nextImageId()).matches("[0-9a-f]{32}");
        assertThat(g.nextUrlToken()).matches("[0-9a-f]{20}");
        assertThat(g.nextImageId()).isNotEqualTo(g.nextImageId());
    }
}
