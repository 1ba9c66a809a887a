package dev.picspace.gateway.oss;

/**
 * CRC-64/ECMA-182 as OSS computes it for {@code x-oss-hash-crc64ecma} (the "XZ" variant: reflected
 * polynomial 0xC96C5795D7870F42, initial value and final XOR all ones). OSS answers it on
 * PutObject, UploadPart and CompleteMultipartUpload, and the OSS SDK compares it with the CRC it
 * computed while sending (its {@code crcCheckEnabled} default): a server that sends it lets the
 * client verify the bytes end to end; a wrong one makes every upload fail, hence the test against
 * the SDK's own implementation.
 */
final class Crc64 implements java.util.zip.Checksum {
    private static final long POLY = 0xC96C5795D7870F42L;
    private static final long[] TABLE = new long[256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            TABLE[n] = crc;
        }
    }

    private long value; // the finished CRC of what was seen so far (0 for nothing)

    @Override
    public void update(byte[] b, int off, int len) {
        long crc = ~value;
        for (int i = off; i < off + len; i++) crc = TABLE[(int) ((crc ^ b[i]) & 0xFF)] ^ (crc >>> 8);
        value = ~crc;
    }

    @Override
    public void update(int b) { update(new byte[]{(byte) b}, 0, 1); }

    @Override
    public long getValue() { return value; }

    @Override
    public void reset() { value = 0; }

    /** As OSS writes it in the header: the unsigned decimal value. */
    String headerValue() { return Long.toUnsignedString(value); }
}
