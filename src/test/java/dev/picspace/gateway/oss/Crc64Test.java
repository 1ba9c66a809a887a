package dev.picspace.gateway.oss;

import com.aliyun.oss.common.utils.CRC64;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Our CRC-64 against the OSS SDK's own (which it compares with x-oss-hash-crc64ecma) and the XZ check value. */
class Crc64Test {
    @Test
    void matchesTheStandardCheckValueAndTheOssSdkForAnySplitOfTheInput() {
        Crc64 check = new Crc64();
        byte[] nine = "123456789".getBytes(StandardCharsets.US_ASCII);
        check.update(nine, 0, nine.length);
        assertThat(check.getValue()).isEqualTo(0x995DC9BBDF1939FAL); // CRC-64/XZ check value
        assertThat(new Crc64().headerValue()).isEqualTo("0");

        Random r = new Random(5);
        for (int round = 0; round < 50; round++) {
            byte[] data = new byte[r.nextInt(100_000)];
            r.nextBytes(data);
            CRC64 sdk = new CRC64();
            sdk.update(data, data.length);
            Crc64 ours = new Crc64();
            int off = 0;
            while (off < data.length) { // in uneven pieces, as a body arrives
                int n = Math.min(data.length - off, 1 + r.nextInt(9000));
                ours.update(data, off, n);
                off += n;
            }
            assertThat(ours.getValue()).isEqualTo(sdk.getValue());
            assertThat(ours.headerValue()).isEqualTo(new java.math.BigInteger(Long.toUnsignedString(sdk.getValue())).toString());
        }
    }
}
