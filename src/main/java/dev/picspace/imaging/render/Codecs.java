package dev.picspace.imaging.render;

import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ImageWriterSpi;

/**
 * The ImageIO plugins the engine uses, each chosen by class rather than by format name.
 *
 * <p>With TwelveMonkeys on the classpath, {@code ImageIO.getImageReadersByFormatName("jpeg")}
 * returns TwelveMonkeys' reader first (it orders itself ahead of the JDK's), and two WebP readers
 * are registered (TwelveMonkeys' and webp-imageio's). Which one {@code ImageIO.read} picks is an
 * accident of registration order, so the engine never asks ImageIO to choose: the JDK's JPEG reader
 * (native libjpeg-turbo on Debian, the fastest here) for ordinary JPEGs, TwelveMonkeys for CMYK/YCCK
 * and for whatever the JDK reader refuses, TwelveMonkeys for WebP input (it reads animated and
 * ICC-tagged files and supports reduced-resolution decoding, which webp-imageio's reader ignores),
 * and webp-imageio for WebP output (TwelveMonkeys cannot write WebP).
 *
 * <p>Service providers are stateless factories and are looked up once; readers and writers are
 * created per use and disposed, because an ImageIO reader or writer must not be shared between threads.
 */
final class Codecs {
    private Codecs() {}

    static final ImageReaderSpi JDK_JPEG = reader("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi");
    static final ImageReaderSpi TWELVEMONKEYS_JPEG = reader("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi");
    static final ImageReaderSpi PNG = reader("com.sun.imageio.plugins.png.PNGImageReaderSpi");
    static final ImageReaderSpi GIF = reader("com.sun.imageio.plugins.gif.GIFImageReaderSpi");
    static final ImageReaderSpi BMP = reader("com.sun.imageio.plugins.bmp.BMPImageReaderSpi");
    static final ImageReaderSpi WEBP = reader("com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi");

    static final ImageWriterSpi JPEG_WRITER = writer("com.sun.imageio.plugins.jpeg.JPEGImageWriterSpi");
    static final ImageWriterSpi PNG_WRITER = writer("com.sun.imageio.plugins.png.PNGImageWriterSpi");
    static final ImageWriterSpi GIF_WRITER = writer("com.sun.imageio.plugins.gif.GIFImageWriterSpi");
    static final ImageWriterSpi BMP_WRITER = writer("com.sun.imageio.plugins.bmp.BMPImageWriterSpi");
    static final ImageWriterSpi WEBP_WRITER = writer("com.luciad.imageio.webp.WebPImageWriterSpi");

    static ImageReader newReader(ImageReaderSpi spi) {
        try {
            return spi.createReaderInstance();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create an image reader from " + spi.getClass().getName(), e);
        }
    }

    static ImageWriter newWriter(ImageWriterSpi spi) {
        try {
            return spi.createWriterInstance();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create an image writer from " + spi.getClass().getName(), e);
        }
    }

    private static ImageReaderSpi reader(String className) {
        // scanForPlugins is not called: the registry already holds the JDK's plugins and every
        // plugin jar on the class path (found through META-INF/services on first use of ImageIO).
        javax.imageio.ImageIO.getImageReadersByFormatName("jpeg"); // initialises the registry
        for (Iterator<ImageReaderSpi> it = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false); it.hasNext(); ) {
            ImageReaderSpi spi = it.next();
            if (spi.getClass().getName().equals(className)) return spi;
        }
        // A missing plugin is a packaging fault: fail at start-up, not on the first request.
        throw new IllegalStateException("ImageIO reader " + className + " is not on the class path");
    }

    private static ImageWriterSpi writer(String className) {
        javax.imageio.ImageIO.getImageWritersByFormatName("jpeg");
        for (Iterator<ImageWriterSpi> it = IIORegistry.getDefaultInstance().getServiceProviders(ImageWriterSpi.class, false); it.hasNext(); ) {
            ImageWriterSpi spi = it.next();
            if (spi.getClass().getName().equals(className)) return spi;
        }
        throw new IllegalStateException("ImageIO writer " + className + " is not on the class path");
    }
}
