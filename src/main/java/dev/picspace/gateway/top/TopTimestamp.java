package dev.picspace.gateway.top;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;

/**
 * TOP's time formats (top.md §2.4, §6.3).
 *
 * <p>Zone: a fixed UTC+08:00, which is what the SDK's {@code TimeZone.getTimeZone("GMT+8")} is. It
 * equals Asia/Shanghai for every date since 1991; Asia/Shanghai's 1986–1991 summer time is not
 * something any TOP client applies.
 */
public final class TopTimestamp {
    private TopTimestamp() {}

    public static final ZoneOffset GMT_PLUS_8 = ZoneOffset.ofHours(8);

    /** {@code yyyy-MM-dd HH:mm:ss}; STRICT so 2016-02-30 or 24:00:00 are refused, not rolled over. */
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /**
     * Reads a {@code timestamp} (or any TOP date parameter): {@code yyyy-MM-dd HH:mm:ss} in GMT+8 as
     * the Java SDK sends, or a string of digits as epoch milliseconds as the Python SDK sends
     * ({@code str(int(time.time()*1000))}). No surrounding whitespace is accepted.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Instant parse(String s) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("empty timestamp");
        if (allDigits(s)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(s));
            } catch (NumberFormatException | DateTimeException e) {
                throw new IllegalArgumentException("timestamp out of range: " + s);
            }
        }
        try {
            return LocalDateTime.parse(s, DATE_TIME).toInstant(GMT_PLUS_8);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not a TOP timestamp (yyyy-MM-dd HH:mm:ss or epoch ms): " + s);
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss} in GMT+8 (sub-second part dropped), as TOP writes dates. */
    public static String format(Instant t) {
        return DATE_TIME.format(t.atOffset(GMT_PLUS_8).toLocalDateTime());
    }

    /** E.g. {@code 2011年9月5日}, no zero padding, as {@code user_info.order_expiry_date} (top.md §6.3). */
    public static String formatChineseDate(LocalDate d) {
        return d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日";
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
