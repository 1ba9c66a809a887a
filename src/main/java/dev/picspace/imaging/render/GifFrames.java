package dev.picspace.imaging.render;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A GIF's frames as the viewer sees them: each frame drawn at its offset onto the logical screen,
 * with the previous frame's disposal (leave, clear to transparent, restore) applied first. The JDK
 * reader only returns each frame's own rectangle, which for most animations is a small patch.
 *
 * <p>Holds the canvas, one saved canvas for "restore to previous" and the current frame: memory
 * is a few canvases, whatever the frame count, so frames are processed one at a time.
 */
final class GifFrames implements AutoCloseable {
    /** One composed frame; {@code delay} in hundredths of a second as in the file. */
    record Frame(BufferedImage image, int delay) {}

    private final ImageReader reader;
    private final ByteArrayImageInputStream input;
    private final int frames;
    private final BufferedImage canvas;
    private BufferedImage saved;
    private int index;
    private String previousDisposal = "none";
    private int prevX, prevY, prevW, prevH;
    /** The NETSCAPE2.0 loop count (0 = forever), or -1 when the file has none (play once). */
    final int loops;

    private GifFrames(byte[] bytes, int frames) {
        this.frames = frames;
        reader = Codecs.newReader(Codecs.GIF);
        input = new ByteArrayImageInputStream(bytes);
        try {
            reader.setInput(input, false, true);
            int w = 0, h = 0;
            IIOMetadata stream = reader.getStreamMetadata();
            if (stream != null) {
                Node screen = child(stream.getAsTree("javax_imageio_gif_stream_1.0"), "LogicalScreenDescriptor");
                w = intAttr(screen, "logicalScreenWidth", 0);
                h = intAttr(screen, "logicalScreenHeight", 0);
            }
            if (w <= 0 || h <= 0) { w = reader.getWidth(0); h = reader.getHeight(0); }
            canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            loops = loopCount(reader.getImageMetadata(0));
        } catch (IOException | RuntimeException e) {
            close();
            throw corrupt(e);
        }
    }

    /** Opens the frames of a GIF the probe counted {@code frames} frames in. */
    static GifFrames open(byte[] bytes, int frames) {
        return new GifFrames(bytes, Math.max(1, frames));
    }

    /** The first frame on the logical screen (what a still derivative of an animation shows). */
    static BufferedImage first(byte[] bytes) {
        try (GifFrames f = open(bytes, 1)) {
            return f.next().image();
        }
    }

    int width() { return canvas.getWidth(); }
    int height() { return canvas.getHeight(); }

    /** The next composed frame (a copy the caller owns), or null after the last. */
    Frame next() {
        if (index >= frames) return null;
        try {
            BufferedImage patch = reader.read(index);
            Node tree = reader.getImageMetadata(index).getAsTree("javax_imageio_gif_image_1.0");
            Node descriptor = child(tree, "ImageDescriptor");
            Node control = child(tree, "GraphicControlExtension");
            int x = intAttr(descriptor, "imageLeftPosition", 0), y = intAttr(descriptor, "imageTopPosition", 0);
            String disposal = control == null ? "none" : attr(control, "disposalMethod", "none");
            int delay = intAttr(control, "delayTime", 0);

            Graphics2D g = canvas.createGraphics();
            try {
                if (previousDisposal.equals("restoreToBackgroundColor")) {
                    g.setComposite(AlphaComposite.Clear);
                    g.fillRect(prevX, prevY, prevW, prevH);
                } else if (previousDisposal.equals("restoreToPrevious") && saved != null) {
                    g.setComposite(AlphaComposite.Src);
                    g.drawImage(saved, 0, 0, null);
                }
                if (disposal.equals("restoreToPrevious")) saved = Pixels.copy(canvas);
                g.setComposite(AlphaComposite.SrcOver);
                g.drawImage(patch, x, y, null);
            } finally {
                g.dispose();
            }
            previousDisposal = disposal;
            prevX = x; prevY = y; prevW = patch.getWidth(); prevH = patch.getHeight();
            index++;
            return new Frame(Pixels.copy(canvas), delay);
        } catch (IOException | RuntimeException e) {
            throw corrupt(e);
        }
    }

    private static InvalidImageException corrupt(Exception e) {
        InvalidImageException wrapped = new InvalidImageException("corrupt: " + ImageFormat.GIF + " could not be decoded");
        wrapped.initCause(e);
        return wrapped;
    }

    private static int loopCount(IIOMetadata metadata) {
        Node apps = child(metadata.getAsTree("javax_imageio_gif_image_1.0"), "ApplicationExtensions");
        if (apps == null) return -1;
        for (Node n = apps.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!"NETSCAPE".equals(attr(n, "applicationID", null))) continue;
            if (n instanceof javax.imageio.metadata.IIOMetadataNode m && m.getUserObject() instanceof byte[] b && b.length >= 3)
                return (b[1] & 0xFF) | (b[2] & 0xFF) << 8;
        }
        return -1;
    }

    static Node child(Node parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
            if (n.getNodeName().equals(name)) return n;
        return null;
    }

    private static String attr(Node node, String name, String fallback) {
        if (node == null) return fallback;
        NamedNodeMap attributes = node.getAttributes();
        Node a = attributes == null ? null : attributes.getNamedItem(name);
        return a == null ? fallback : a.getNodeValue();
    }

    private static int intAttr(Node node, String name, int fallback) {
        try {
            return Integer.parseInt(attr(node, name, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public void close() {
        reader.dispose();
        try {
            input.close();
        } catch (IOException ignored) {
            // a byte array stream has nothing to release
        }
    }
}
