package dev.picspace.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578, delimiters per RFC 2046 §5.1.1) written
 * to accept what the real TOP SDKs send, which stock parsers do not all accept (top.md §0.10, §2.2):
 * <ul>
 *   <li>a preamble before the first delimiter — the Java SDK starts the body with
 *       {@code \r\n--boundary}; RFC 2046 says to ignore a preamble;</li>
 *   <li>header lines with or without a space after {@code :} and {@code ;} (Java SDK:
 *       {@code Content-Disposition:form-data;name="x"});</li>
 *   <li>the Python SDK's disposition type {@code file} ({@code Content-Disposition: file;
 *       name="img"; filename="a.jpg"}), read like {@code form-data}: any disposition type is, what
 *       decides is the {@code name} and {@code filename} parameters;</li>
 *   <li>{@code Content-Transfer-Encoding} (RFC 7578 §4.7 deprecates it; the Python SDK sends
 *       {@code binary}) is ignored;</li>
 *   <li>LF-only line endings: a delimiter is found as {@code LF "--" boundary} and a CR before it is
 *       taken as part of the line break (for CRLF bodies this is exactly RFC 2046).</li>
 * </ul>
 * A part is a file part when its Content-Disposition has a {@code filename} parameter, even an empty
 * one (RFC 7578 §4.2; a browser sends {@code filename=""} for an empty file input). A part without a
 * {@code name} is skipped.
 *
 * <p>Memory is bounded: part content is streamed from a fixed {@value #BUFFER_SIZE}-byte window in
 * which the delimiter is searched, holding back only as many bytes as a delimiter could span; one
 * part's header section may not exceed {@value #MAX_HEADER_BYTES} bytes and a body may not have more
 * than {@value #MAX_PARTS} parts. A body that ends before the close delimiter
 * ({@code --boundary--}) is refused as truncated. An empty body is read as having no parts.
 *
 * <p>Use: call {@link #nextPart()} until it returns null; read each part's {@link Part#content()}
 * before asking for the next (whatever is left unread is skipped). All format errors are
 * {@link MalformedRequestException}; I/O errors of the underlying stream pass through.
 */
public final class MultipartParser {
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    public static final int MAX_PARTS = 1000;
    /** RFC 2046 §5.1.1 allows 70; a little more is tolerated, the window must stay far larger. */
    public static final int MAX_BOUNDARY_LENGTH = 200;
    static final int BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter; // LF "--" boundary
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int limit;
    private boolean eof;
    /** Next index in buf at which a delimiter could start and has not been looked for. */
    private int scanFrom;

    private boolean started;
    private boolean finished;
    private int partCount;
    private PartContent current;

    public MultipartParser(InputStream body, String boundary) {
        this.in = body;
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH)
            throw new MalformedRequestException("invalid multipart boundary");
        this.delimiter = ("\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter may open the body with no line break before it (RFC 2046 §5.1.1:
        // the CRLF belongs to the delimiter, and there is none before the first): a virtual LF
        // in front makes every delimiter look alike.
        buf[0] = '\n';
        limit = 1;
    }

    /**
     * The {@code boundary} parameter of a multipart Content-Type, quoted or not.
     *
     * @throws MalformedRequestException if there is none, or it is empty or too long
     */
    public static String boundary(String contentType) {
        String b = HeaderValue.parse(contentType).param("boundary");
        if (b == null || b.isEmpty()) throw new MalformedRequestException("multipart Content-Type without boundary");
        if (b.length() > MAX_BOUNDARY_LENGTH) throw new MalformedRequestException("multipart boundary too long");
        return b;
    }

    /** The next part, or null after the close delimiter. Skips what is left of the previous part. */
    public Part nextPart() throws IOException {
        while (true) {
            if (finished) return null;
            if (current != null) {
                current.skipRest();
                current = null;
            } else if (!started) {
                started = true;
                if (!fill()) { // empty body: nothing at all, not even a delimiter
                    finished = true;
                    return null;
                }
                new PartContent().skipRest(); // the preamble
            }
            if (!afterDelimiter()) {
                finished = true;
                return null;
            }
            if (++partCount > MAX_PARTS) throw new MalformedRequestException("too many multipart parts (max " + MAX_PARTS + ")");
            Map<String, String> headers = readHeaders();
            current = new PartContent();
            HeaderValue disposition = HeaderValue.parse(headers.get("content-disposition"));
            String name = disposition.param("name");
            if (name == null || name.isEmpty()) continue; // nothing to file it under: skip the part
            return new Part(name, fileName(disposition), headers, current);
        }
    }

    /**
     * Skips whatever follows the close delimiter (the epilogue), so the request body is read to its
     * end. Call after {@link #nextPart()} returned null.
     */
    public void skipEpilogue() throws IOException {
        pos = limit;
        while (fill()) pos = limit;
    }

    private static String fileName(HeaderValue disposition) {
        String plain = disposition.param("filename");
        if (plain != null) return plain;
        // RFC 7578 §4.2 says senders must not use filename*, but decoding it costs little
        String extended = disposition.param("filename*");
        if (extended == null) return null;
        int q1 = extended.indexOf('\'');
        int q2 = q1 < 0 ? -1 : extended.indexOf('\'', q1 + 1);
        if (q2 < 0) return extended;
        try {
            Charset cs = Charset.forName(extended.substring(0, q1));
            return URLDecoder.decode(extended.substring(q2 + 1).replace("+", "%2B"), cs);
        } catch (RuntimeException e) {
            return extended.substring(q2 + 1);
        }
    }

    /**
     * After a delimiter: {@code --} closes the body; otherwise optional transport padding (spaces,
     * tabs; RFC 2046 §5.1.1) and a line break lead to the next part's headers.
     *
     * @return false for the close delimiter
     */
    private boolean afterDelimiter() throws IOException {
        int c = readByte();
        if (c == '-') {
            int second = readByte();
            if (second == '-') return false;
            if (second < 0) throw truncated();
            throw new MalformedRequestException("invalid multipart delimiter line");
        }
        while (c == ' ' || c == '\t') c = readByte();
        if (c == '\r') c = readByte();
        if (c == '\n') return true;
        if (c < 0) throw truncated();
        throw new MalformedRequestException("invalid multipart delimiter line");
    }

    /** Header lines up to the empty line; names lowercased, the first of a repeated header wins. */
    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        String lastName = null;
        int total = 0;
        while (true) {
            line.reset();
            while (true) {
                int c = readByte();
                if (c < 0) throw truncated();
                if (++total > MAX_HEADER_BYTES)
                    throw new MalformedRequestException("multipart part headers too large (max " + MAX_HEADER_BYTES + " bytes)");
                if (c == '\n') break;
                line.write(c);
            }
            String raw = headerText(line.toByteArray());
            String text = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (text.isEmpty()) return headers;
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && lastName != null) {
                String folded = text.trim(); // obsolete line folding (RFC 5322 §3.2.2): join with a space
                headers.computeIfPresent(lastName, (k, v) -> v + " " + folded);
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0) continue; // not a header line: ignore rather than guess
            lastName = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.putIfAbsent(lastName, text.substring(colon + 1).trim());
        }
    }

    /** RFC 7578 §5.1: header values (file names) may be raw UTF-8; fall back to Latin-1. */
    private static String headerText(byte[] bytes) {
        try {
            return UrlEncodedForm.strictDecode(bytes, StandardCharsets.UTF_8, "header");
        } catch (MalformedRequestException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private MalformedRequestException truncated() {
        return new MalformedRequestException("truncated multipart body");
    }

    private int readByte() throws IOException {
        if (pos >= limit && !fill()) return -1;
        return buf[pos++] & 0xFF;
    }

    /**
     * Reads more of the body into the window, first moving the unread bytes to its start.
     *
     * @return false at the end of the body with nothing new read
     */
    private boolean fill() throws IOException {
        if (eof) return false;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            scanFrom = Math.max(0, scanFrom - pos);
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** Where the next delimiter starts in the window, or -1 if not (yet) there. */
    private int findDelimiter() {
        int last = limit - delimiter.length;
        for (int s = Math.max(scanFrom, pos); s <= last; s++) {
            if (buf[s] != '\n') continue;
            int k = 1;
            while (k < delimiter.length && buf[s + k] == delimiter[k]) k++;
            if (k == delimiter.length) {
                scanFrom = s;
                return s;
            }
        }
        scanFrom = Math.max(pos, last + 1);
        return -1;
    }

    /** One part's content (or the preamble): the bytes up to the next delimiter. */
    private final class PartContent extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (len == 0) return 0;
            while (true) {
                int d = findDelimiter();
                if (d >= 0) {
                    // the CR of a CRLF before the delimiter is the delimiter's, not content (RFC 2046)
                    int end = d > pos && buf[d - 1] == '\r' ? d - 1 : d;
                    if (pos < end) return copy(b, off, len, end);
                    done = true;
                    pos = d + delimiter.length;
                    scanFrom = pos;
                    return -1;
                }
                // Everything before the last delimiter.length bytes cannot start a delimiter, nor be
                // the CR in front of one, so it is content for sure.
                int safeEnd = limit - delimiter.length;
                if (pos < safeEnd) return copy(b, off, len, safeEnd);
                if (!fill()) throw truncated();
            }
        }

        private int copy(byte[] b, int off, int len, int end) {
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) { /* discard */ }
        }

        @Override
        public void close() throws IOException {
            skipRest();
        }
    }

    /** One part: its field name, file name (null for a text part), headers and content. */
    public static final class Part {
        private final String name;
        private final String fileName;
        private final Map<String, String> headers;
        private final InputStream content;

        Part(String name, String fileName, Map<String, String> headers, InputStream content) {
            this.name = name;
            this.fileName = fileName;
            this.headers = Collections.unmodifiableMap(headers);
            this.content = content;
        }

        /** The {@code name} parameter of Content-Disposition. */
        public String name() { return name; }

        /** The {@code filename} parameter as sent (possibly empty), or null for a text part. */
        public String fileName() { return fileName; }

        public boolean isFile() { return fileName != null; }

        /** The part's Content-Type header, or null. */
        public String contentType() { return headers.get("content-type"); }

        /** The charset of the part's Content-Type, else {@code fallback} (also for an unknown name). */
        public Charset charset(Charset fallback) {
            String cs = HeaderValue.parse(contentType()).param("charset");
            if (cs == null || cs.isEmpty()) return fallback;
            try {
                return Charset.forName(cs);
            } catch (RuntimeException e) {
                return fallback;
            }
        }

        /** Header names lowercased. */
        public Map<String, String> headers() { return headers; }

        /** The content, valid until the next {@link MultipartParser#nextPart()}. */
        public InputStream content() { return content; }
    }
}
