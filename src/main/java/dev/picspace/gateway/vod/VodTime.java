package dev.picspace.gateway.vod;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** VOD's times: ISO 8601 in UTC, {@code yyyy-MM-ddTHH:mm:ssZ} (design: Time; the seed's CreationTime). */
final class VodTime {
    private VodTime() {}

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    static String format(Instant t) { return FORMAT.format(t.truncatedTo(ChronoUnit.SECONDS)); }

    /**
     * Reads {@code 2017-10-10T12:02:54Z}, also with fractional seconds or an offset
     * ({@code +08:00}), as signing clients and hand-written Match ranges send them.
     *
     * @throws IllegalArgumentException not such a time
     */
    static Instant parse(String s) {
        try {
            return OffsetDateTime.parse(s.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO 8601 time such as 2017-10-10T12:02:54Z: " + s, e);
        }
    }
}
