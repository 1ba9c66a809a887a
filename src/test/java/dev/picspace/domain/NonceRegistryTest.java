package dev.picspace.domain;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class NonceRegistryTest {
    @Test
    void inMemoryRefusesAReplayUntilTheNonceExpires() {
        Instant[] now = {Instant.parse("2026-12-01T10:00:00Z")};
        Clock clock = new Clock() {
            public ZoneOffset getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return now[0]; }
        };
        NonceRegistry r = NonceRegistry.inMemory(clock);
        Instant expiry = now[0].plusSeconds(1800);
        assertThat(r.firstUse("ak", "n", expiry)).isTrue();
        assertThat(r.firstUse("ak", "n", expiry)).isFalse();
        assertThat(r.firstUse("other", "n", expiry)).isTrue();
        now[0] = expiry.plusSeconds(1);
        assertThat(r.firstUse("ak", "n", now[0].plusSeconds(1800))).isTrue();
        assertThat(r.firstUse("ak", "n", now[0].plusSeconds(1800))).isFalse();
    }
}
