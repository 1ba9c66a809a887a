package dev.picspace.gateway.top;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpaceUnitsTest {
    @Test
    void formatsAsTaobaoDoes() {
        assertThat(SpaceUnits.format(0)).isEqualTo("0K");
        assertThat(SpaceUnits.format(20 * 1024)).isEqualTo("20K");
        assertThat(SpaceUnits.format(30L << 20)).isEqualTo("30M");
        assertThat(SpaceUnits.format(40L << 30)).isEqualTo("40G");
        assertThat(SpaceUnits.format((3L << 29))).isEqualTo("1.5G");
        assertThat(SpaceUnits.format(1500)).isEqualTo("1.4K");
    }

    @Test
    void parsesOperatorSizes() {
        assertThat(SpaceUnits.parse("100M")).isEqualTo(100L << 20);
        assertThat(SpaceUnits.parse("10m")).isEqualTo(10L << 20);
        assertThat(SpaceUnits.parse("1.5G")).isEqualTo(3L << 29);
        assertThat(SpaceUnits.parse("2048")).isEqualTo(2048);
        assertThat(SpaceUnits.parse("512KB")).isEqualTo(512 * 1024);
        assertThatThrownBy(() -> SpaceUnits.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpaceUnits.parse("-1M")).isInstanceOf(IllegalArgumentException.class);
    }
}
