package dev.picspace.bench;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * {@code MakePhotoJpeg MEGAPIXELS SEED FILE}: a 4:3 JPEG (quality 90) that compresses like a
 * photograph rather than like noise: smooth gradients and soft blobs with mild grain, about
 * 0.3–0.6 bytes per pixel. Decoders do the same work per pixel as for a photo (the entropy decoder's
 * share follows the byte count), so thumbnailers are compared on realistic input, not worst case.
 */
public final class MakePhotoJpeg {
    private MakePhotoJpeg() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) throw new IllegalArgumentException("usage: MakePhotoJpeg MEGAPIXELS SEED FILE");
        double mp = Double.parseDouble(args[0]);
        long seed = Long.parseLong(args[1]);
        int w = (int) Math.round(Math.sqrt(mp * 1e6 * 4 / 3));
        int h = (int) Math.round(w * 3.0 / 4);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(seed);
        // a few soft colour blobs over a diagonal gradient
        int blobs = 12;
        double[] bx = new double[blobs], by = new double[blobs], br = new double[blobs];
        int[] bc = new int[blobs];
        for (int i = 0; i < blobs; i++) {
            bx[i] = r.nextDouble() * w; by[i] = r.nextDouble() * h; br[i] = (0.05 + r.nextDouble() * 0.25) * w;
            bc[i] = r.nextInt(0xffffff);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double red = 255.0 * x / w, green = 255.0 * y / h, blue = 128;
                for (int i = 0; i < blobs; i++) {
                    double dx = x - bx[i], dy = y - by[i];
                    double a = Math.exp(-(dx * dx + dy * dy) / (2 * br[i] * br[i]));
                    red += a * (((bc[i] >> 16) & 0xff) - red);
                    green += a * (((bc[i] >> 8) & 0xff) - green);
                    blue += a * ((bc[i] & 0xff) - blue);
                }
                int grain = r.nextInt(9) - 4;
                row[x] = clamp(red + grain) << 16 | clamp(green + grain) << 8 | clamp(blue + grain);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Path.of(args[2]).toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }
}
