package dev.picspace.store;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's s3:// syntax: what it accepts, and the one-line reasons it gives for what it does not. */
class S3LocationTest {

    @Test
    void theFullFormIsReadAsWritten() {
        S3Location l = S3Location.parse("s3://pics.example-1?endpoint=http://minio:9000&region=eu-west-1"
                + "&access_key=AKIA123&secret_key=ab+c/d%2Be&prefix=picspace", Map.of());
        assertThat(l.bucket()).isEqualTo("pics.example-1");
        assertThat(l.endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(l.region()).isEqualTo("eu-west-1");
        assertThat(l.accessKey()).isEqualTo("AKIA123");
        assertThat(l.secretKey()).isEqualTo("ab+c/d+e"); // a pasted '+' stays a '+'
        assertThat(l.prefix()).isEqualTo("picspace/");
        assertThat(l.toString()).doesNotContain("ab+c").contains("***");
        String k = "0123456789abcdef".repeat(4);
        assertThat(l.objectKey(k)).isEqualTo("picspace/01/23/" + k);
        assertThat(l.blobKeyOf("picspace/01/23/" + k)).isEqualTo(k);
        assertThat(l.blobKeyOf("picspace/01/24/" + k)).isNull();
        assertThat(l.blobKeyOf("01/23/" + k)).isNull();
        assertThat(l.blobKeyOf("picspace/01/23/" + k + ".tmp")).isNull();
    }

    @Test
    void aBareBucketUsesTheEnvironment() {
        S3Location l = S3Location.parse("s3://bucket", Map.of("AWS_REGION", "ap-southeast-1"));
        assertThat(l.region()).isEqualTo("ap-southeast-1");
        assertThat(l.endpoint()).isNull();
        assertThat(l.accessKey()).isNull();
        assertThat(l.prefix()).isEmpty();
        assertThat(S3Location.parse("s3://bucket/", Map.of()).region()).isEqualTo("us-east-1");
    }

    @Test
    void badUrisAreRefusedWithAReason() {
        assertBad("s3://", "expected s3://BUCKET");
        assertBad("s3://?endpoint=http://h:1", "bucket");
        assertBad("s3://Upper_Case", "bucket");
        assertBad("s3://bucket?endpoint=http://h:1&access_key=a", "both access_key and secret_key");
        assertBad("s3://bucket?secret_key=only", "both access_key and secret_key");
        assertBad("s3://bucket?endpont=http://h:1", "unknown S3 URI parameter 'endpont'");
        assertBad("s3://bucket?region=a&region=b", "given twice");
        assertBad("s3://bucket?region=", "empty");
        assertBad("s3://bucket?endpoint=minio:9000", "endpoint must be http://");
        assertBad("s3://bucket?endpoint=ftp://h", "endpoint must be http://");
        assertBad("s3://bucket:9000", "not a host");
        assertBad("s3://user@bucket", "not a host");
        assertBad("s3://bucket/some/path", "prefix=");
        assertBad("s3://bucket?prefix=/abs", "prefix");
        assertBad("s3://bucket?prefix=a//b", "prefix");
        assertBad("s3://bucket?prefix=a%20b", "prefix");
        assertBad("s3://buc ket", "malformed");
    }

    @Test
    void aSecretNeverAppearsInARefusal() {
        assertThatThrownBy(() -> S3Location.parse("s3://bucket?secret_key=TOPSECRET&endpoint=nope", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOPSECRET"));
    }

    private static void assertBad(String uri, String reason) {
        assertThatThrownBy(() -> S3Location.parse(uri, Map.of())).as(uri)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
