package dev.picspace.domain;

import dev.picspace.domain.TemporaryCredentials.Outcome;
import dev.picspace.domain.TemporaryCredentials.Scope;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TemporaryCredentialsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        public ZoneOffset getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId z) { return this; }
        public Instant instant() { return now.get(); }
    };
    private final IdGenerator ids = new IdGenerator(clock, 1);
    private final TemporaryCredentials sts = new TemporaryCredentials(TemporaryCredentials.newKey(ids), clock, ids);

    @Test
    void anIssuedTokenVerifiesWithItsGrantAndTheSameSecret() {
        TemporaryCredentials.Issued i = sts.issue(42, Scope.OSS_OBJECT, "image/default/abc.png", Duration.ofSeconds(3000));
        TemporaryCredentials.Verification v = sts.verify(i.accessKeyId(), i.securityToken());
        assertThat(v.outcome()).isEqualTo(Outcome.VALID);
        assertThat(v.secret()).isEqualTo(i.accessKeySecret());
        assertThat(v.grant()).isEqualTo(new TemporaryCredentials.Grant(42, Scope.OSS_OBJECT, "image/default/abc.png",
                i.accessKeyId(), Instant.parse("2026-12-01T10:50:00Z")));
        TemporaryCredentials.Issued api = sts.issue(42, Scope.VOD_API, null, Duration.ofHours(1));
        assertThat(sts.verify(api.accessKeyId(), api.securityToken()).grant().objectKey()).isNull();
        assertThat(api.accessKeySecret()).isNotEqualTo(i.accessKeySecret());
    }

    @Test
    void expiredTokensAndOtherAccessKeysAreRefused() {
        TemporaryCredentials.Issued i = sts.issue(1, Scope.VOD_API, null, Duration.ofSeconds(60));
        assertThat(sts.verify("STS.other", i.securityToken()).outcome()).isEqualTo(Outcome.MISMATCH_WITH_ACCESS_KEY);
        now.set(now.get().plusSeconds(59));
        assertThat(sts.verify(i.accessKeyId(), i.securityToken()).valid()).isTrue();
        now.set(now.get().plusSeconds(1));
        assertThat(sts.verify(i.accessKeyId(), i.securityToken()).outcome()).isEqualTo(Outcome.EXPIRED);
    }

    @Test
    void aTokenCannotBeWidenedOrForgedAndGarbageIsMalformed() {
        TemporaryCredentials.Issued i = sts.issue(1, Scope.OSS_OBJECT, "image/default/a.png", Duration.ofSeconds(60));
        String[] parts = i.securityToken().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String widened = payload.replace("\n1\n", "\n2\n").replaceFirst("^1\n", "2\n").replace("OSS_OBJECT", "VOD_API");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(widened.getBytes()) + "." + parts[2];
        assertThat(sts.verify(i.accessKeyId(), forged).outcome()).isEqualTo(Outcome.MALFORMED);
        TemporaryCredentials otherKey = new TemporaryCredentials(TemporaryCredentials.newKey(ids), clock, ids);
        assertThat(otherKey.verify(i.accessKeyId(), i.securityToken()).outcome()).isEqualTo(Outcome.MALFORMED);
        for (String junk : new String[]{"", "PS1.", "PS1..", "x.y.z", "PS1.!!!.###", null})
            assertThat(sts.verify(i.accessKeyId(), junk).outcome()).isEqualTo(Outcome.MALFORMED);
    }
}
