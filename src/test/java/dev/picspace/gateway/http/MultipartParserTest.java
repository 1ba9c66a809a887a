package dev.picspace.gateway.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser on its own, fed from memory, including reads cut at every awkward place. */
class MultipartParserTest {

    record Read(String name, String fileName, String contentType, byte[] content) {
        String text() { return new String(content, StandardCharsets.UTF_8); }
    }

    static List<Read> parse(byte[] body, String boundary, int maxChunk) throws IOException {
        InputStream in = maxChunk > 0 ? new Trickle(new ByteArrayInputStream(body), maxChunk) : new ByteArrayInputStream(body);
        MultipartParser parser = new MultipartParser(in, boundary);
        List<Read> parts = new ArrayList<>();
        MultipartParser.Part p;
        while ((p = parser.nextPart()) != null)
            parts.add(new Read(p.name(), p.fileName(), p.contentType(), p.content().readAllBytes()));
        parser.skipEpilogue();
        return parts;
    }

    static List<Read> parse(String body, String boundary) throws IOException {
        return parse(body.getBytes(StandardCharsets.UTF_8), boundary, 0);
    }

    /** Hands out at most {@code max} bytes per read, to cut delimiters and CRLFs across reads. */
    static final class Trickle extends FilterInputStream {
        final int max;

        Trickle(InputStream in, int max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, max));
        }
    }

    static final String JAVA_SDK = "\r\n--4028509908175\r\n"
            + "Content-Disposition:form-data;name=\"picture_category_id\"\r\n"
            + "Content-Type:text/plain\r\n\r\n"
            + "0\r\n--4028509908175\r\n"
            + "Content-Disposition:form-data;name=\"image_input_title\"\r\n"
            + "Content-Type:text/plain\r\n\r\n"
            + "a b.jpg\r\n--4028509908175\r\n"
            + "Content-Disposition:form-data;name=\"img\";filename=\"x.jpg\"\r\n"
            + "Content-Type:image/jpeg\r\n\r\n"
            + "JPEGBYTES\r\n--4028509908175--\r\n";

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 16})
    void javaSdkLayout(int chunk) throws IOException {
        List<Read> parts = parse(JAVA_SDK.getBytes(StandardCharsets.UTF_8), "4028509908175", chunk);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).name()).isEqualTo("picture_category_id");
        assertThat(parts.get(0).fileName()).isNull();
        assertThat(parts.get(0).text()).isEqualTo("0");
        assertThat(parts.get(1).text()).isEqualTo("a b.jpg");
        assertThat(parts.get(2).name()).isEqualTo("img");
        assertThat(parts.get(2).fileName()).isEqualTo("x.jpg");
        assertThat(parts.get(2).contentType()).isEqualTo("image/jpeg");
        assertThat(parts.get(2).text()).isEqualTo("JPEGBYTES");
    }

    @Test
    void pythonSdkLayout() throws IOException {
        String body = String.join("\r\n",
                "--PYTHON_SDK_BOUNDARY",
                "Content-Disposition: form-data; name=\"title\"",
                "Content-Type: text/plain; charset=UTF-8",
                "",
                "标题",
                "--PYTHON_SDK_BOUNDARY",
                "Content-Disposition: file; name=\"img\"; filename=\"a.jpg\"",
                "Content-Type: image/jpeg",
                "Content-Transfer-Encoding: binary",
                "",
                "DATA",
                "--PYTHON_SDK_BOUNDARY--",
                "");
        List<Read> parts = parse(body, "PYTHON_SDK_BOUNDARY");
        assertThat(parts).extracting(Read::name).containsExactly("title", "img");
        assertThat(parts.get(0).text()).isEqualTo("标题");
        assertThat(parts.get(1).fileName()).isEqualTo("a.jpg");
        assertThat(parts.get(1).text()).isEqualTo("DATA");
    }

    @Test
    void lfOnlyLineEndings() throws IOException {
        String body = "--b\nContent-Disposition: form-data; name=\"a\"\n\nx\ny\n--b\n"
                + "Content-Disposition: form-data; name=\"f\"; filename=\"\"\n\n\n--b--\n";
        List<Read> parts = parse(body, "b");
        assertThat(parts.get(0).text()).isEqualTo("x\ny");
        assertThat(parts.get(1).fileName()).isEmpty();
        assertThat(parts.get(1).content()).isEmpty();
    }

    @Test
    void emptyValuesAndContentThatLooksLikeABoundary() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"tricky\"\r\n\r\n--b is not here\r\n-b\r\n--c\r\n--b--";
        List<Read> parts = parse(body, "b");
        assertThat(parts.get(0).text()).isEmpty();
        // "--b" at the start of the content has no line break before it, so it is content
        assertThat(parts.get(1).text()).isEqualTo("--b is not here\r\n-b\r\n--c");
    }

    @Test
    void quotedBoundaryAndTransportPaddingAndEpilogue() throws IOException {
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=\"a:b c\"")).isEqualTo("a:b c");
        assertThat(MultipartParser.boundary("multipart/form-data;charset=UTF-8;boundary=4028509908175")).isEqualTo("4028509908175");
        assertThat(MultipartParser.boundary("Multipart/Form-Data; BOUNDARY=xyz")).isEqualTo("xyz");
        String body = "preamble\r\n--a:b c  \t\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n--a:b c--\r\nepilogue junk";
        assertThat(parse(body, "a:b c")).extracting(Read::text).containsExactly("v");
    }

    @Test
    void headerQuirks() throws IOException {
        String body = "--b\r\n"
                + "content-disposition:   FORM-DATA ;NAME=\"x\" ; filename=C:\\dir\\a \"b\".jpg\r\n"
                + "Content-Type:image/png\r\n\r\nP\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"q\"; filename=\"say \\\"hi\\\".png\"\r\n\r\nQ\r\n--b\r\n"
                + "Content-Disposition: form-data;\r\n name=\"folded\"\r\n\r\nF\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"ext\"; filename*=UTF-8''%E5%9B%BE.png\r\n\r\nE\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"图片\"; filename=\"图.jpg\"\r\n\r\nC\r\n--b\r\n"
                + "Content-Disposition: form-data\r\n\r\nno name: skipped\r\n--b--\r\n";
        List<Read> parts = parse(body, "b");
        assertThat(parts).extracting(Read::name).containsExactly("x", "q", "folded", "ext", "图片");
        assertThat(parts.get(0).fileName()).isEqualTo("C:\\dir\\a \"b\".jpg");
        assertThat(parts.get(0).contentType()).isEqualTo("image/png");
        assertThat(parts.get(1).fileName()).isEqualTo("say \"hi\".png");
        assertThat(parts.get(2).fileName()).isNull();
        assertThat(parts.get(3).fileName()).isEqualTo("图.png");
        assertThat(parts.get(4).fileName()).isEqualTo("图.jpg");
    }

    @Test
    void textCharsetFromPartContentType() throws IOException {
        byte[] gbk = "标题".getBytes("GBK");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--b\r\nContent-Disposition: form-data; name=\"t\"\r\nContent-Type: text/plain; charset=GBK\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(gbk);
        body.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body.toByteArray()), "b");
        MultipartParser.Part part = parser.nextPart();
        assertThat(part.charset(StandardCharsets.UTF_8).name()).isEqualTo("GBK");
        assertThat(new String(part.content().readAllBytes(), part.charset(StandardCharsets.UTF_8))).isEqualTo("标题");
        assertThat(parser.nextPart()).isNull();
    }

    @Test
    void binaryContentSurvivesAnyCut() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        for (int i = 0; i < data.length; i += 997) { data[i] = '\r'; data[i + 1] = '\n'; data[i + 2] = '-'; } // near-delimiters
        data[data.length - 1] = '\r'; // content ending in CR must keep it
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"r.bin\"\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(data);
        body.writeBytes("\r\n--XyZ--\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int chunk : new int[]{0, 1, 5, 4093, 65536}) {
            List<Read> parts = parse(body.toByteArray(), "XyZ", chunk);
            assertThat(parts).hasSize(1);
            assertThat(parts.get(0).content()).as("chunk %d", chunk).isEqualTo(data);
        }
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(JAVA_SDK.getBytes(StandardCharsets.UTF_8)), "4028509908175");
        assertThat(parser.nextPart().name()).isEqualTo("picture_category_id");
        assertThat(parser.nextPart().name()).isEqualTo("image_input_title");
        assertThat(parser.nextPart().name()).isEqualTo("img");
        assertThat(parser.nextPart()).isNull();
        assertThat(parser.nextPart()).isNull();
    }

    @Test
    void emptyBodyHasNoParts() throws IOException {
        assertThat(parse("", "b")).isEmpty();
        assertThat(parse("--b--\r\n", "b")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue without end",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b-",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n",
            "no delimiter at all",
            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"})
    void truncatedBodies(String body) {
        assertThatThrownBy(() -> parse(body, "b"))
                .isInstanceOf(MalformedRequestException.class).hasMessage("truncated multipart body");
    }

    @Test
    void garbageAfterADelimiterIsMalformed() {
        assertThatThrownBy(() -> parse("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--bX\r\n--b--", "b"))
                .isInstanceOf(MalformedRequestException.class).hasMessageContaining("delimiter");
    }

    @Test
    void headerSectionIsBounded() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: " + "p".repeat(MultipartParser.MAX_HEADER_BYTES)
                + "\r\n\r\nv\r\n--b--\r\n";
        assertThatThrownBy(() -> parse(body, "b")).isInstanceOf(MalformedRequestException.class).hasMessageContaining("headers too large");
    }

    @Test
    void partCountIsBounded() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i <= MultipartParser.MAX_PARTS; i++)
            body.append("--b\r\nContent-Disposition: form-data; name=\"p").append(i).append("\"\r\n\r\nv\r\n");
        body.append("--b--\r\n");
        assertThatThrownBy(() -> parse(body.toString(), "b")).isInstanceOf(MalformedRequestException.class).hasMessageContaining("too many");
    }

    @Test
    void boundaryMustBeThere() {
        assertThatThrownBy(() -> MultipartParser.boundary("multipart/form-data")).isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> MultipartParser.boundary("multipart/form-data; boundary=")).isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(201)))
                .isInstanceOf(MalformedRequestException.class);
    }
}
