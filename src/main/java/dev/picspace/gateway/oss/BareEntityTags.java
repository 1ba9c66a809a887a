package dev.picspace.gateway.oss;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * OSS clients send entity tags without quotes: the OSS SDK writes {@code If-None-Match: 5EB6…}
 * ({@code OSSUtils.joinETags} joins the bare values it was given), and OSS compares them as text.
 * RFC 9110 §8.8.3 requires the quotes, and {@code ContentResponder} evaluates conditionals by the
 * RFC, where a bare value matches nothing. This view of a request quotes each bare member of
 * If-Match and If-None-Match (and a bare If-Range, which has no space, unlike the HTTP-date it could
 * otherwise be), so that both kinds of client get the RFC's answers.
 */
final class BareEntityTags {
    private BareEntityTags() {}

    static Request quoted(Request request) {
        HttpFields fields = request.getHeaders();
        boolean bare = false;
        for (HttpField f : fields) {
            HttpHeader h = f.getHeader();
            if (h == HttpHeader.IF_MATCH || h == HttpHeader.IF_NONE_MATCH || h == HttpHeader.IF_RANGE) {
                String q = h == HttpHeader.IF_RANGE ? quoteIfRange(f.getValue()) : quoteList(f.getValue());
                if (!q.equals(f.getValue())) { bare = true; break; }
            }
        }
        if (!bare) return request;
        HttpFields.Mutable copy = HttpFields.build(fields.size());
        for (HttpField f : fields) {
            HttpHeader h = f.getHeader();
            if (h == HttpHeader.IF_MATCH || h == HttpHeader.IF_NONE_MATCH) copy.add(h, quoteList(f.getValue()));
            else if (h == HttpHeader.IF_RANGE) copy.add(h, quoteIfRange(f.getValue()));
            else copy.add(f);
        }
        HttpFields headers = copy.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() { return headers; }
        };
    }

    /** Quotes the members of an entity-tag list that are bare tokens; {@code *} and quoted members stay. */
    static String quoteList(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (String member : value.split(",", -1)) {
            String m = member.strip();
            if (m.isEmpty()) continue;
            if (b.length() > 0) b.append(", ");
            b.append(m.equals("*") || m.startsWith("\"") || m.startsWith("W/") || !isBare(m) ? m : '"' + m + '"');
        }
        return b.toString();
    }

    private static String quoteIfRange(String value) {
        String v = value.strip();
        return isBare(v) && !v.startsWith("\"") && !v.startsWith("W/") ? '"' + v + '"' : value;
    }

    /** etagc characters only (RFC 9110 §8.8.3), no space: an HTTP-date always has spaces. */
    private static boolean isBare(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == '"' || c == ',' || c >= 0x7f) return false;
        }
        return true;
    }
}
