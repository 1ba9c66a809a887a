package dev.picspace.bench;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** JPEGs made here, never downloaded: noise, because noise compresses badly and so size follows pixel count. */
final class BenchImages {
    private BenchImages() {}

    private static final float QUALITY = 0.9f;

    /**
     * A noisy 4:3 JPEG within about 5% of {@code targetBytes}: noise at quality 0.9 costs a near
     * constant number of bytes per pixel, so two or three encodes converge.
     */
    static byte[] noisyJpeg(int targetBytes, long seed) {
        double bytesPerPixel = 0.93;
        byte[] best = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            double pixels = targetBytes / bytesPerPixel;
            int width = Math.max(16, (int) Math.round(Math.sqrt(pixels * 4 / 3)));
            int height = Math.max(16, (int) Math.round(width * 3.0 / 4));
            byte[] jpeg = encode(noise(width, height, seed));
            if (best == null || Math.abs(jpeg.length - targetBytes) < Math.abs(best.length - targetBytes)) best = jpeg;
            if (Math.abs(jpeg.length - targetBytes) <= targetBytes * 0.05) break;
            bytesPerPixel = jpeg.length / (double) (width * height);
        }
        return best;
    }

    private static BufferedImage noise(int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(seed);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) row[x] = r.nextInt() & 0xffffff;
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    private static byte[] encode(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * The same picture with a comment segment (COM, FF FE) naming {@code n} right after SOI: a
     * valid JPEG with its own sha256, so content addressing cannot deduplicate the uploads, at the
     * cost of one array copy instead of an encode.
     */
    static byte[] distinctVariant(byte[] jpeg, long n) {
        if ((jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) throw new IllegalArgumentException("not a JPEG");
        byte[] comment = ("picspace-bench " + n).getBytes(StandardCharsets.US_ASCII);
        int segmentLength = comment.length + 2; // the length field counts itself
        byte[] out = new byte[jpeg.length + 2 + segmentLength];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        out[4] = (byte) (segmentLength >> 8);
        out[5] = (byte) segmentLength;
        System.arraycopy(comment, 0, out, 6, comment.length);
        System.arraycopy(jpeg, 2, out, 6 + comment.length, jpeg.length - 2);
        return out;
    }
}
