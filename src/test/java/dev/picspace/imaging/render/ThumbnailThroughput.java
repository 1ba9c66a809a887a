package dev.picspace.imaging.render;

import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageEngine.OutputLimits;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;

/**
 * A quick throughput measurement, not a test (no JMH, run by hand): 12 MP JPEG to a 200 px wide
 * JPEG, images per second on the calling thread, with and without reduced-resolution decoding.
 * Pin it to one core to read "per core":
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * taskset -c 1 java -Xms1g -Xmx1g -XX:+UseParallelGC -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.picspace.imaging.render.ThumbnailThroughput [rounds [seconds per round]]
 * </pre>
 */
public final class ThumbnailThroughput {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        byte[] plain = photo(4000, 3000);
        byte[] tagged = Pictures.insertAfterSoi(plain, Pictures.iccSegment(Pictures.srgb()));
        System.out.printf("source: 4000x3000 JPEG q90, %d bytes (%d with an sRGB profile, as cameras write)%n", plain.length, tagged.length);
        System.out.printf("load average before: %s%n", loadAverage());
        List<ImageOperation> thumb = List.of(new ImageOperation.Resize(ImageOperation.ResizeMode.LFIT, 200, 0, 0, 0, 0, false, 0));
        ImageEngine reduced = new Java2dImageEngine(85, true), full = new Java2dImageEngine(85, false);
        String[] names = {"reduced-resolution decode", "full decode", "reduced, sRGB-tagged", "full, sRGB-tagged"};
        ImageEngine[] engines = {reduced, full, reduced, full};
        byte[][] sources = {plain, plain, tagged, tagged};
        for (int i = 0; i < names.length; i++) run(engines[i], sources[i], thumb, 2); // warm-up
        // Configurations alternate in short rounds, so load from elsewhere on the machine falls on
        // all of them alike; the median round is reported.
        double[][] rates = new double[names.length][rounds];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < names.length; i++) rates[i][r] = run(engines[i], sources[i], thumb, seconds);
        for (int i = 0; i < names.length; i++) {
            double[] sorted = rates[i].clone();
            java.util.Arrays.sort(sorted);
            System.out.printf("%-26s median %5.1f images/s (rounds: %s)%n", names[i], sorted[rounds / 2],
                    java.util.Arrays.toString(java.util.Arrays.stream(rates[i]).map(v -> Math.round(v * 10) / 10.0).toArray()));
        }
        System.out.printf("load average after: %s%n", loadAverage());
    }

    private static double run(ImageEngine engine, byte[] source, List<ImageOperation> ops, double seconds) {
        long start = System.nanoTime(), deadline = start + (long) (seconds * 1e9);
        int n = 0;
        while (System.nanoTime() < deadline) {
            engine.render(new ByteArrayInputStream(source), null, ops, null, ImageLimits.DEFAULTS, OutputLimits.DEFAULTS);
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** A photo-like picture: gradients, translucent discs and sensor-like noise (so it compresses like a photo). */
    static byte[] photo(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(30, 80, 160), w, h, new Color(240, 200, 90)));
        g.fillRect(0, 0, w, h);
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 120));
            int s = 20 + r.nextInt(300);
            g.fillOval(r.nextInt(w), r.nextInt(h), s, s);
        }
        g.dispose();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int n = r.nextInt(24) - 12, p = row[x];
                row[x] = clamp((p >> 16 & 255) + n) << 16 | clamp((p >> 8 & 255) + n) << 8 | clamp((p & 255) + n);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        return Pictures.jpeg(image, 90);
    }

    private static int clamp(int v) { return v < 0 ? 0 : Math.min(255, v); }
}
