package dev.picspace.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatermarkTest {
    static final String SEED = "false|null|true|0.8|null|16|false|false|false|255,255,255|0|false|-0.21,-0.13|http://img02.taobaocdn.com/imgextra/i2/12345644/T2DFOjdooxX_!!12345644.jpg|3";

    @Test
    void theSeedStringParsesIntoTypedFieldsAndRoundTripsExactly() {
        Watermark w = Watermark.parse(SEED);
        assertThat(w.global()).isFalse();
        assertThat(w.text()).isNull();
        assertThat(w.textFirst()).isTrue();
        assertThat(w.opacity()).isEqualTo(0.8);
        assertThat(w.fontSize()).isEqualTo(16);
        assertThat(w.red()).isEqualTo(255);
        assertThat(w.positionX()).isEqualTo(-0.21);
        assertThat(w.positionY()).isEqualTo(-0.13);
        assertThat(w.imageUrl()).startsWith("http://img02");
        assertThat(w.reference()).isEqualTo(Watermark.Reference.CENTER);
        assertThat(w.toWireString()).isEqualTo(SEED);
        String odd = "true|店铺 水印|false|0.50|宋体|24|true|true|true|0,128,255|45|true|0.1,0.9|null|2";
        assertThat(Watermark.parse(odd).toWireString()).isEqualTo(odd);
        assertThat(Watermark.parse(odd).text()).isEqualTo("店铺 水印");
    }

    @Test
    void malformedSettingsNameTheField() {
        assertThatThrownBy(() -> Watermark.parse("true|x")).hasMessageContaining("15");
        assertThatThrownBy(() -> Watermark.parse(SEED.replace("|0.8|", "|1.8|"))).hasMessageContaining("field 4");
        assertThatThrownBy(() -> Watermark.parse(SEED.replace("255,255,255", "256,0,0"))).hasMessageContaining("field 10");
        assertThatThrownBy(() -> Watermark.parse(SEED.replace("|3", "|7"))).hasMessageContaining("reference");
        assertThatThrownBy(() -> Watermark.parse(SEED.replace("-0.21,-0.13", "left"))).hasMessageContaining("field 13");
    }
}
