package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.imaging.Fixtures.Gif;
import dev.picspace.imaging.Fixtures.Png;
import dev.picspace.imaging.Fixtures.Webp;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to valid files of every format: whatever the bytes, the probe returns an
 * {@link ImageInfo} or throws one of the two image exceptions, never anything else, and never
 * through its own safety net (which would mean a reader bug was hidden), and always quickly.
 */
class HeaderImageProbeRobustnessTest extends ProbeTestSupport {
    private static final int MUTATIONS_PER_FORMAT = 2_000;
    private static final int TRUNCATIONS_PER_FORMAT = 300;
    private static final long SEED = 0x5EED_1A6EL;
    /** 32-bit values that sit on the boundaries readers get wrong. */
    private static final long[] INTERESTING = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L,
            0xFFFF_FFFFL, 0xFFFF_FFFEL, 0x0100_0000L};

    private record Seed(String name, byte[] bytes) {}

    private record Outcomes(int accepted, int invalid, int limited, long slowestNanos) {}

    private static Map<ImageFormat, List<Seed>> seeds() {
        Map<ImageFormat, List<Seed>> seeds = new EnumMap<>(ImageFormat.class);
        seeds.put(ImageFormat.JPEG, List.of(
                new Seed("baseline", Fixtures.jpeg(24, 16)),
                new Seed("progressive", Fixtures.jpeg(Fixtures.picture(24, 16, BufferedImage.TYPE_INT_RGB), true)),
                new Seed("grey", Fixtures.jpeg(Fixtures.picture(16, 16, BufferedImage.TYPE_BYTE_GRAY), false))));
        seeds.put(ImageFormat.PNG, List.of(
                new Seed("imageio", Fixtures.png(12, 8)),
                new Seed("apng", Fixtures.apng(3)),
                new Seed("paletted", Fixtures.imageIo(new BufferedImage(5, 5, BufferedImage.TYPE_BYTE_INDEXED), "png"))));
        seeds.put(ImageFormat.GIF, List.of(
                new Seed("animated", Fixtures.animatedGif(8, 8, 3)),
                new Seed("extensions", new Gif(2, 2).netscapeLoop().comment("x").graphicControl(5).frame()
                        .graphicControl(5).frame().trailer().toArray())));
        seeds.put(ImageFormat.WEBP, List.of(
                new Seed("lossy", Webp.faq(Webp.FAQ_LOSSY)),
                new Seed("alpha", Webp.faq(Webp.FAQ_ALPHA)),
                new Seed("faq animated", Webp.faq(Webp.FAQ_ANIMATED)),
                new Seed("animated", Webp.animated(8, 8, 2)),
                new Seed("extended still", Webp.riff(Webp.vp8x(false, 9, 7), Webp.chunk("ICCP", new byte[3]), Webp.vp8l(9, 7)))));
        seeds.put(ImageFormat.BMP, List.of(
                new Seed("imageio", Fixtures.bmp(7, 5, false)),
                new Seed("core", Fixtures.bmp(12, 3, 3, 8)),
                new Seed("v5 top-down", Fixtures.bmp(124, 4, -4, 32)),
                new Seed("1 bit", Fixtures.bmp(40, 9, 3, 1))));
        return seeds;
    }

    @Test
    void damagedFilesOnlyEverYieldAnInfoOrAnImageException() {
        Map<ImageFormat, List<Seed>> seeds = seeds();
        for (List<Seed> list : seeds.values())
            for (Seed seed : list) assertThat(probe(seed.bytes())).as(seed.name()).isNotNull();

        long start = System.nanoTime();
        Map<ImageFormat, Outcomes> outcomes = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Map<ImageFormat, Outcomes> result = new EnumMap<>(ImageFormat.class);
            for (Map.Entry<ImageFormat, List<Seed>> entry : seeds.entrySet())
                result.put(entry.getKey(), damage(entry.getKey(), entry.getValue()));
            return result;
        });
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("robustness: %d probes in %d ms%n",
                seeds.size() * (MUTATIONS_PER_FORMAT + TRUNCATIONS_PER_FORMAT), elapsed.toMillis());
        outcomes.forEach((format, o) -> System.out.printf("  %-4s accepted %4d, invalid %4d, limited %3d, slowest %.2f ms%n",
                format, o.accepted(), o.invalid(), o.limited(), o.slowestNanos() / 1e6));
        assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
        // The damage must reach past the headers: some mutants are still accepted, most are refused.
        outcomes.forEach((format, o) -> assertThat(o.invalid()).as("%s refused", format).isGreaterThan(MUTATIONS_PER_FORMAT / 10));
    }

    private Outcomes damage(ImageFormat format, List<Seed> seeds) {
        Random random = new Random(SEED ^ format.ordinal());
        int accepted = 0;
        int invalid = 0;
        int limited = 0;
        long slowest = 0;
        for (int i = 0; i < MUTATIONS_PER_FORMAT + TRUNCATIONS_PER_FORMAT; i++) {
            Seed seed = seeds.get(i % seeds.size());
            StringBuilder how = new StringBuilder(format + " '" + seed.name() + "' case " + i + ":");
            byte[] damaged = i < MUTATIONS_PER_FORMAT
                    ? mutate(seed.bytes(), random, how)
                    : truncate(seed.bytes(), random, how);
            // Mutated PNGs mostly die at the first CRC; re-sealing half of them tests what lies behind.
            if (format == ImageFormat.PNG && random.nextBoolean()) {
                resealPngCrcs(damaged);
                how.append(" crc-resealed");
            }

            long t0 = System.nanoTime();
            try {
                ImageInfo info = probe(damaged);
                assertThat(info.format()).as(how.toString()).isEqualTo(format);
                assertThat(info.width()).as(how.toString()).isPositive();
                assertThat(info.height()).as(how.toString()).isPositive();
                assertThat(info.frames()).as(how.toString()).isPositive();
                accepted++;
            } catch (InvalidImageException e) {
                if (e.getCause() != null) fail(how + " reached the probe's safety net", e.getCause());
                assertThat(e.getMessage()).as(how.toString())
                        .matches("(not a supported image|truncated|corrupt)(:| ).*");
                invalid++;
            } catch (ImageLimitExceededException e) {
                limited++;
            } catch (Throwable t) {
                fail(how + " threw " + t, t);
            }
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        return new Outcomes(accepted, invalid, limited, slowest);
    }

    private static byte[] mutate(byte[] original, Random random, StringBuilder how) {
        byte[] data = original.clone();
        int operations = 1 + random.nextInt(3);
        for (int op = 0; op < operations && data.length > 0; op++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(7)) {
                case 0 -> {
                    data[at] = (byte) random.nextInt(256);
                    how.append(" set@").append(at);
                }
                case 1 -> {
                    at = random.nextInt(Math.min(64, data.length));
                    data[at] = (byte) random.nextInt(256);
                    how.append(" set-head@").append(at);
                }
                case 2 -> {
                    data[at] ^= (byte) (1 << random.nextInt(8));
                    how.append(" flip@").append(at);
                }
                case 3 -> {
                    long value = INTERESTING[random.nextInt(INTERESTING.length)];
                    boolean bigEndian = random.nextBoolean();
                    for (int k = 0; k < 4 && at + k < data.length; k++)
                        data[at + k] = (byte) (bigEndian ? value >>> (24 - 8 * k) : value >>> (8 * k));
                    how.append(" u32@").append(at).append('=').append(Long.toHexString(value));
                }
                case 4 -> {
                    int length = Math.min(1 + random.nextInt(16), data.length - at);
                    byte[] shorter = new byte[data.length - length];
                    System.arraycopy(data, 0, shorter, 0, at);
                    System.arraycopy(data, at + length, shorter, at, data.length - at - length);
                    data = shorter;
                    how.append(" delete@").append(at).append('+').append(length);
                }
                case 5 -> {
                    byte[] inserted = new byte[1 + random.nextInt(16)];
                    random.nextBytes(inserted);
                    data = Bytes.concat(Arrays.copyOf(data, at), inserted, Arrays.copyOfRange(data, at, data.length));
                    how.append(" insert@").append(at).append('+').append(inserted.length);
                }
                default -> {
                    int length = Math.min(1 + random.nextInt(64), data.length - at);
                    byte[] repeat = Arrays.copyOfRange(data, at, at + length);
                    data = Bytes.concat(Arrays.copyOf(data, at + length), repeat, Arrays.copyOfRange(data, at + length, data.length));
                    how.append(" repeat@").append(at).append('+').append(length);
                }
            }
        }
        return data;
    }

    private static byte[] truncate(byte[] original, Random random, StringBuilder how) {
        int length = random.nextInt(original.length);
        how.append(" cut to ").append(length);
        return Arrays.copyOf(original, length);
    }

    /** Recomputes every chunk CRC that lies inside the file, so damage reaches the chunk logic. */
    private static void resealPngCrcs(byte[] png) {
        int at = Png.SIGNATURE.length;
        while (at + 12 <= png.length) {
            long length = (png[at] & 0xFFL) << 24 | (png[at + 1] & 0xFF) << 16 | (png[at + 2] & 0xFF) << 8 | (png[at + 3] & 0xFF);
            if (length > png.length - at - 12) return;
            CRC32 crc = new CRC32();
            crc.update(png, at + 4, 4 + (int) length);
            long value = crc.getValue();
            int crcAt = at + 8 + (int) length;
            for (int k = 0; k < 4; k++) png[crcAt + k] = (byte) (value >>> (24 - 8 * k));
            at = crcAt + 4;
        }
    }
}
