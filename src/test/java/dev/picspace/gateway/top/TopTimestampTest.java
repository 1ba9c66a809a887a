package dev.picspace.gateway.top;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopTimestampTest {

    @Test
    void parsesGmtPlus8() {
        assertThat(TopTimestamp.parse("2016-01-01 12:00:00")).isEqualTo(Instant.parse("2016-01-01T04:00:00Z"));
        assertThat(TopTimestamp.parse("1970-01-01 08:00:00")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void parsesEpochMillisAsThePythonSdkSends() {
        assertThat(TopTimestamp.parse("1451620800000")).isEqualTo(Instant.parse("2016-01-01T04:00:00Z"));
        assertThat(TopTimestamp.parse("0")).isEqualTo(Instant.EPOCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 2016-01-01 12:00:00", "2016-01-01 12:00:00 ", "2016-01-01T12:00:00", "2016-1-1 12:00:00",
            "2016-02-30 12:00:00", "2016-01-01 24:00:00", "2016-01-01+12:00:00", "-1", "1451620800000.5",
            "99999999999999999999", "now"})
    void refusesAnythingElse(String s) {
        assertThatThrownBy(() -> TopTimestamp.parse(s)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> TopTimestamp.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsInGmtPlus8() {
        assertThat(TopTimestamp.format(Instant.parse("2021-09-22T07:23:23.999Z"))).isEqualTo("2021-09-22 15:23:23");
        assertThat(TopTimestamp.format(Instant.parse("2021-12-31T16:00:00Z"))).isEqualTo("2022-01-01 00:00:00");
        Instant t = Instant.parse("2026-11-22T10:41:35Z");
        assertThat(TopTimestamp.parse(TopTimestamp.format(t))).isEqualTo(t);
    }

    @Test
    void chineseDateHasNoZeroPadding() {
        assertThat(TopTimestamp.formatChineseDate(LocalDate.of(2011, 9, 5))).isEqualTo("2011年9月5日");
        assertThat(TopTimestamp.formatChineseDate(LocalDate.of(2026, 12, 31))).isEqualTo("2026年12月31日");
    }

    @Test
    void agreesWithTheJavaSdkDateFormat() throws Exception {
        // the SDK's own formatter: yyyy-MM-dd HH:mm:ss in TimeZone "GMT+8" (top.md §2.2)
        java.text.SimpleDateFormat sdk = new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        sdk.setTimeZone(java.util.TimeZone.getTimeZone("GMT+8"));
        Instant t = Instant.parse("1988-06-01T00:00:00Z"); // inside Asia/Shanghai's old summer time
        assertThat(TopTimestamp.format(t)).isEqualTo(sdk.format(java.util.Date.from(t)));
    }
}
