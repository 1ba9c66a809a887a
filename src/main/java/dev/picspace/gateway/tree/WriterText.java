package dev.picspace.gateway.tree;

/**
 * Character-level rules shared by the writers: what XML 1.0 can carry at all, and how a string is
 * made safe for it. Kept apart so both writers agree on what happens to text they cannot carry.
 */
final class WriterText {
    private WriterText() {}

    static final char REPLACEMENT = '\uFFFD';

    /**
     * XML 1.0 §2.2 {@code Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]}.
     */
    static boolean isXmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD
                || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    /**
     * Appends {@code s} as XML character data: markup characters escaped, CR kept as a character
     * reference (a parser would otherwise normalise CRLF to LF, XML 1.0 §2.11), and every character
     * XML 1.0 cannot carry — C0 controls, unpaired surrogates, U+FFFE/U+FFFF — replaced by U+FFFD,
     * so the document always parses.
     */
    static void appendEscaped(StringBuilder out, String s) {
        int n = s.length();
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            int width = Character.charCount(cp);
            if (Character.isSurrogate(s.charAt(i)) && width == 1) cp = -1; // unpaired half
            switch (cp) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;"); // needed for "]]>", harmless elsewhere
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\r' -> out.append("&#13;");
                default -> {
                    if (cp >= 0 && isXmlChar(cp)) out.appendCodePoint(cp);
                    else out.append(REPLACEMENT);
                }
            }
            i += width;
        }
    }

    /**
     * Replaces unpaired surrogates (which no UTF-8 encoder can write) by U+FFFD; everything else,
     * control characters included, JSON can carry escaped. Returns {@code s} itself when clean.
     */
    static String withoutLoneSurrogates(String s) {
        int n = s.length();
        StringBuilder fixed = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean lone;
            if (Character.isHighSurrogate(c)) {
                lone = i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!lone) {
                    if (fixed != null) fixed.append(c).append(s.charAt(i + 1));
                    i++;
                    continue;
                }
            } else {
                lone = Character.isLowSurrogate(c);
            }
            if (lone && fixed == null) fixed = new StringBuilder(n).append(s, 0, i);
            if (fixed != null) fixed.append(lone ? REPLACEMENT : c);
        }
        return fixed == null ? s : fixed.toString();
    }

    /** Element names come from code, never from a request; a bad one is a programming error. */
    static String requireElementName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("XML element name is empty");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = Character.isLetter(c) || c == '_'
                    || (i > 0 && (Character.isDigit(c) || c == '-' || c == '.'));
            if (!ok) throw new IllegalArgumentException("not a usable XML element name: " + name);
        }
        return name;
    }
}
