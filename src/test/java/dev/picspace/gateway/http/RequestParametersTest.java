package dev.picspace.gateway.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RequestParameters without a server: failure paths and limits that are awkward to provoke over HTTP. */
class RequestParametersTest {

    @TempDir
    Path spoolDir;

    @BeforeEach
    void spoolHere() { RequestParameters.setSpoolDirectory(spoolDir); }

    @AfterEach
    void reset() { RequestParameters.setSpoolDirectory(null); }

    static RequestParameters read(String query, String contentType, InputStream body, long max) {
        return RequestParameters.read(query, contentType, -1, () -> body, max);
    }

    static InputStream stream(String s) { return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)); }

    long spooledFiles() throws IOException {
        try (Stream<Path> s = Files.list(spoolDir)) {
            return s.count();
        }
    }

    @Test
    void ioFailureMidUploadDeletesTheSpooledFile() {
        InputStream head = stream("--b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"a\"\r\n\r\n");
        InputStream failing = new InputStream() {
            int left = 1024 * 1024;

            @Override
            public int read() throws IOException {
                if (left-- > 0) return 'x';
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> read(null, "multipart/form-data; boundary=b", new SequenceInputStream(head, failing), Long.MAX_VALUE))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("connection reset");
        assertThat(spoolDir).isEmptyDirectory();
    }

    @Test
    void bodyIsNotOpenedForTypesThatAreNotRead() {
        RequestParameters p = RequestParameters.read("a=1", "application/json", 10, () -> {
            throw new AssertionError("body opened");
        }, 100);
        assertThat(p.text()).containsExactly(java.util.Map.entry("a", "1"));
    }

    @Test
    void declaredLengthOverLimitIsRefusedWithoutOpeningTheBody() {
        assertThatThrownBy(() -> RequestParameters.read(null, "application/x-www-form-urlencoded", 101, () -> {
            throw new AssertionError("body opened");
        }, 100)).isInstanceOf(MalformedRequestException.class).hasMessageStartingWith("body too large");
    }

    @Test
    void tooManyParameters() {
        String form = "p=1&".repeat(RequestParameters.MAX_PARAMETERS) + "p=1";
        assertThatThrownBy(() -> read(null, "application/x-www-form-urlencoded", stream(form), Long.MAX_VALUE))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("too many parameters");
    }

    @Test
    void textBudgetCoversMultipartTextParts() {
        String big = "x".repeat(RequestParameters.MAX_TEXT_BYTES / 2 + 1);
        String body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + big
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n" + big + "\r\n--b--\r\n";
        assertThatThrownBy(() -> read(null, "multipart/form-data; boundary=b", stream(body), Long.MAX_VALUE))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("text parameters exceed");
    }

    @Test
    void firstFilePartOfANameWinsAndCloseDeletesSpooledFiles() throws IOException {
        String big = "y".repeat(RequestParameters.IN_MEMORY_FILE_LIMIT + 10);
        String body = "--b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"first\"\r\n\r\n" + big
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"img\"; filename=\"second\"\r\n\r\n" + big + "\r\n--b--\r\n";
        RequestParameters p = read(null, "multipart/form-data; boundary=b", stream(body), Long.MAX_VALUE);
        FilePart img = p.file("img").orElseThrow();
        assertThat(img.fileName()).isEqualTo("first");
        assertThat(img.isSpooled()).isTrue();
        assertThat(spooledFiles()).as("the second part is skipped, not spooled").isEqualTo(1);
        try (InputStream in = img.open()) {
            assertThat(in.readAllBytes()).hasSize(big.length());
        }
        assertThat(p.fileNames()).containsExactly("img");
        assertThat(p.file("other")).isEmpty();
        p.close();
        p.close();
        assertThat(spoolDir).isEmptyDirectory();
        assertThatThrownBy(img::open).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void multipartCharsetIsTheDefaultForTextParts() throws Exception {
        byte[] head = "--b\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] gbk = "标题".getBytes("GBK");
        byte[] body = new byte[head.length + gbk.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(gbk, 0, body, head.length, gbk.length);
        System.arraycopy(tail, 0, body, head.length + gbk.length, tail.length);
        RequestParameters p = read(null, "multipart/form-data; charset=GBK; boundary=b", new ByteArrayInputStream(body), 1000);
        assertThat(p.get("t")).isEqualTo("标题");
    }

    @Test
    void textMapIsUnmodifiable() {
        RequestParameters p = read("a=1", null, stream(""), 0);
        assertThatThrownBy(() -> p.text().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(p.get("missing")).isNull();
    }

    @Test
    void invalidQueryIsMalformed() {
        assertThatThrownBy(() -> read("a=%G1", null, stream(""), 0)).isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> read("a=%", null, stream(""), 0)).isInstanceOf(MalformedRequestException.class);
    }
}
