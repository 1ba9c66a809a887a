package dev.picspace.gateway.serve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Gravity;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.gateway.serve.TransformRequest.Convention;

/**
 * Alibaba OSS image processing, {@code x-oss-process=image/<op>,<k>_<v>,…/<op>,…} (vod.md §4.3),
 * applied left to right. Supported, with OSS's parameter names, ranges and defaults:
 * <ul>
 *   <li>{@code resize}: {@code m} lfit (default) | mfit | fill | pad | fixed; {@code w}, {@code h},
 *       {@code l}, {@code s} in [1, max side]; {@code limit} 1 (default: never enlarge) | 0;
 *       {@code color} RRGGBB for pad (default FFFFFF); {@code p} percent [1,1000]. fill, pad and
 *       fixed need both w and h; l and s go with lfit and mfit; p stands alone.</li>
 *   <li>{@code crop}: {@code x}, {@code y} offsets, {@code w}, {@code h} (absent: to the edge),
 *       {@code g} nw (default) | north | ne | west | center | east | sw | south | se.</li>
 *   <li>{@code rotate,<0..360>}, {@code auto-orient,<0|1>}, {@code interlace,<0|1>},
 *       {@code quality,q_<1..100>} (relative) or {@code quality,Q_<1..100>} (absolute),
 *       {@code format,<jpg|png|webp|gif|bmp>}.</li>
 *   <li>{@code watermark}: {@code t} opacity [0,100] (100), {@code g} (se), {@code x}, {@code y}
 *       [0,4096] (10), {@code voffset} [-1000,1000] (0); text: {@code text} (URL-safe Base64 of at
 *       most 64 characters), {@code type} (Base64 font name), {@code color} (000000), {@code size}
 *       [1,1000] (40), {@code shadow} [0,100] (0), {@code rotate} [0,360] (0), {@code fill} 0|1;
 *       image: {@code image} (URL-safe Base64 of the object key, optionally with its own
 *       {@code ?x-oss-process=image/resize,P_<n>}), {@code P} [1,100] percent of the picture. The
 *       object key must name a picture of the same tenant's space (resolved later, never fetched).</li>
 *   <li>{@code info}: JSON about the picture; only after {@code auto-orient}, and last.</li>
 * </ul>
 * Anything else is refused with OSS's {@code InvalidArgument}: unknown operations and parameters,
 * values out of range, duplicates, OSS operations picspace does not do ({@code blur}, {@code circle},
 * …), the mixed-watermark layout parameters ({@code order}, {@code align}, {@code interval}), and
 * named styles ({@code style/…}).
 */
public final class OssProcess {
    private OssProcess() {}

    static final String DEFAULT_FONT = "wqy-zenhei";
    private static final Set<String> NOT_SUPPORTED = Set.of("indexcrop", "circle", "rounded-corners", "blur", "bright",
            "contrast", "sharpen", "average-hue");
    private static final Pattern HEX_COLOR = Pattern.compile("[0-9A-Fa-f]{6}");
    private static final Pattern FONT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_OBJECT_KEY = 512;

    static List<TransformRequest.Step> parse(String process, TransformLimits limits) {
        if (process.length() > TransformLimits.MAX_PROCESS_LENGTH)
            throw bad("x-oss-process is longer than " + TransformLimits.MAX_PROCESS_LENGTH + " characters");
        if (process.startsWith("style/"))
            throw bad("named styles (style/…) are not supported: write the operations out, as image/…");
        if (!process.startsWith("image/"))
            throw bad("x-oss-process must start with image/ (only image processing is supported)");
        String[] ops = process.substring("image/".length()).split("/", -1);
        if (ops.length > limits.maxSteps())
            throw bad("at most " + limits.maxSteps() + " operations may be chained, not " + ops.length);
        List<TransformRequest.Step> steps = new ArrayList<>(ops.length);
        for (int i = 0; i < ops.length; i++) {
            String op = ops[i];
            if (op.isEmpty()) throw bad("empty operation in '" + process + "'");
            String[] parts = op.split(",", -1);
            String name = parts[0];
            TransformRequest.Step step = switch (name) {
                case "resize" -> new TransformRequest.Op(resize(new Params(name, parts), limits));
                case "crop" -> new TransformRequest.Op(crop(new Params(name, parts), limits));
                case "rotate" -> new TransformRequest.Op(new ImageOperation.Rotate(bare(name, parts, 0, 360)));
                case "auto-orient" -> new TransformRequest.Op(new ImageOperation.AutoOrient(bare(name, parts, 0, 1) == 1));
                case "interlace" -> new TransformRequest.Op(new ImageOperation.Interlace(bare(name, parts, 0, 1) == 1));
                case "quality" -> new TransformRequest.Op(quality(new Params(name, parts)));
                case "format" -> new TransformRequest.Op(format(parts));
                case "watermark" -> watermark(new Params(name, parts));
                case "info" -> {
                    if (parts.length != 1) throw bad("info takes no parameters");
                    if (i != ops.length - 1) throw bad("info must be the last operation");
                    for (TransformRequest.Step before : steps)
                        if (!(before instanceof TransformRequest.Op o && o.operation() instanceof ImageOperation.AutoOrient))
                            throw bad("info describes the picture itself: only auto-orient may come before it");
                    yield new TransformRequest.Op(new ImageOperation.Info());
                }
                default -> throw bad(NOT_SUPPORTED.contains(name)
                        ? "the operation '" + name + "' is not supported here"
                        : "unknown operation '" + name + "'");
            };
            steps.add(step);
        }
        return steps;
    }

    // ------------------------------------------------------------------ operations

    private static ImageOperation resize(Params p, TransformLimits limits) {
        String m = p.text("m", "lfit");
        ResizeMode mode = switch (m) {
            case "lfit" -> ResizeMode.LFIT;
            case "mfit" -> ResizeMode.MFIT;
            case "fill" -> ResizeMode.FILL;
            case "pad" -> ResizeMode.PAD;
            case "fixed" -> ResizeMode.FIXED;
            default -> throw bad("resize: m must be lfit, mfit, fill, pad or fixed, not '" + m + "'");
        };
        int w = p.integer("w", 1, limits.maxSide(), 0), h = p.integer("h", 1, limits.maxSide(), 0);
        int l = p.integer("l", 1, limits.maxSide(), 0), s = p.integer("s", 1, limits.maxSide(), 0);
        int percent = p.integer("p", 1, 1000, 0);
        boolean upscale = p.integer("limit", 0, 1, 1) == 0;
        int color = p.has("color") ? p.color("color", 0xFFFFFF) : 0xFFFFFF;
        p.noOthers();
        if (percent != 0) {
            if (w != 0 || h != 0 || l != 0 || s != 0) throw bad("resize: p (percent) cannot be combined with w, h, l or s");
            if (p.has("m") || p.has("color")) throw bad("resize: p (percent) cannot be combined with m or color");
            return new ImageOperation.Resize(ResizeMode.LFIT, 0, 0, 0, 0, percent, upscale, 0);
        }
        if (w == 0 && h == 0 && l == 0 && s == 0) throw bad("resize needs w, h, l, s or p");
        if (mode == ResizeMode.FILL || mode == ResizeMode.PAD || mode == ResizeMode.FIXED) {
            if (w == 0 || h == 0) throw bad("resize: m_" + m + " needs both w and h");
            if (l != 0 || s != 0) throw bad("resize: l and s go with m_lfit or m_mfit, not m_" + m);
        }
        if (mode != ResizeMode.PAD && p.has("color")) throw bad("resize: color only applies to m_pad");
        return new ImageOperation.Resize(mode, w, h, l, s, 0, upscale, mode == ResizeMode.PAD ? color : 0);
    }

    private static ImageOperation crop(Params p, TransformLimits limits) {
        int x = p.integer("x", 0, limits.maxCoordinate(), 0), y = p.integer("y", 0, limits.maxCoordinate(), 0);
        int w = p.integer("w", 1, limits.maxCoordinate(), 0), h = p.integer("h", 1, limits.maxCoordinate(), 0);
        Gravity g = gravity(p.text("g", "nw"));
        p.noOthers();
        return new ImageOperation.Crop(x, y, w, h, g);
    }

    private static ImageOperation quality(Params p) {
        boolean relative = p.has("q"), absolute = p.has("Q");
        if (relative == absolute) throw bad("quality needs exactly one of q (relative) and Q (absolute)");
        int v = relative ? p.integer("q", 1, 100, 0) : p.integer("Q", 1, 100, 0);
        p.noOthers();
        return new ImageOperation.Quality(v, absolute);
    }

    private static ImageOperation format(String[] parts) {
        if (parts.length != 2) throw bad("format takes one value, e.g. format,webp");
        String f = parts[1];
        ImageFormat format = switch (f) {
            case "jpg" -> ImageFormat.JPEG;
            case "png" -> ImageFormat.PNG;
            case "webp" -> ImageFormat.WEBP;
            case "gif" -> ImageFormat.GIF;
            case "bmp" -> ImageFormat.BMP;
            default -> throw bad(f.equals("tiff") || f.equals("heic") || f.equals("avif")
                    ? "the output format '" + f + "' is not supported here (jpg, png, webp, gif, bmp are)"
                    : "format must be jpg, png, webp, gif or bmp, not '" + f + "'");
        };
        return new ImageOperation.Format(format);
    }

    private static TransformRequest.Step watermark(Params p) {
        for (String layout : List.of("order", "align", "interval"))
            if (p.has(layout)) throw bad("watermark: the mixed-watermark layout parameter '" + layout + "' is not supported here");
        int opacity = p.integer("t", 0, 100, 100);
        Gravity g = gravity(p.text("g", "se"));
        int x = p.integer("x", 0, 4096, 10), y = p.integer("y", 0, 4096, 10);
        int voffset = p.integer("voffset", -1000, 1000, 0);
        String text = p.has("text") ? base64Text(p.text("text", null), "text") : null;
        String image = p.has("image") ? base64Text(p.text("image", null), "image") : null;
        if (text == null && image == null) throw bad("watermark needs text or image");

        String font = null;
        int size = 0, color = 0, shadow = 0, rotate = 0;
        boolean fill = false;
        if (text != null) {
            if (text.isEmpty()) throw bad("watermark: text is empty");
            if (text.codePointCount(0, text.length()) > TransformLimits.MAX_WATERMARK_TEXT)
                throw bad("watermark: text has more than " + TransformLimits.MAX_WATERMARK_TEXT + " characters");
            if (text.codePoints().anyMatch(Character::isISOControl)) throw bad("watermark: text contains control characters");
            if (p.has("type")) {
                String name = base64Text(p.text("type", null), "type");
                if (!FONT_NAME.matcher(name).matches()) throw bad("watermark: type is not a font name");
                font = name.equals(DEFAULT_FONT) ? null : name;
            }
            color = p.color("color", 0x000000);
            size = p.integer("size", 1, 1000, 40);
            shadow = p.integer("shadow", 0, 100, 0);
            rotate = p.integer("rotate", 0, 360, 0) % 360;
            fill = p.integer("fill", 0, 1, 0) == 1;
        } else {
            for (String textOnly : List.of("type", "color", "size", "shadow", "rotate", "fill"))
                if (p.has(textOnly)) throw bad("watermark: " + textOnly + " applies to a text watermark, and there is no text");
        }

        int percent = 0;
        String objectKey = null;
        if (image != null) {
            objectKey = image;
            int q = image.indexOf('?');
            if (q >= 0) {
                objectKey = image.substring(0, q);
                String own = image.substring(q + 1);
                // OSS lets the watermark picture carry its own scaling; that is the only processing kept
                java.util.regex.Matcher m = Pattern.compile("x-oss-process=image/resize,P_(\\d{1,3})").matcher(own);
                if (!m.matches()) throw bad("watermark: the image's own processing may only be ?x-oss-process=image/resize,P_<1..100>");
                percent = Integer.parseInt(m.group(1));
                if (percent < 1 || percent > 100) throw bad("watermark: P must be within 1..100, not " + percent);
            }
            if (objectKey.isEmpty() || objectKey.length() > MAX_OBJECT_KEY) throw bad("watermark: image names no picture");
            if (p.has("P")) {
                if (percent != 0) throw bad("watermark: P is given twice");
                percent = p.integer("P", 1, 100, 0);
            }
        } else if (p.has("P")) {
            throw bad("watermark: P applies to an image watermark, and there is no image");
        }
        p.noOthers();
        ImageOperation.Watermark w = new ImageOperation.Watermark(opacity, g, x, y, voffset, text, font, size, color,
                false, false, false, shadow, rotate, fill, null, percent);
        return objectKey == null ? new TransformRequest.Op(w) : new TransformRequest.WatermarkImage(w, objectKey);
    }

    // ------------------------------------------------------------------ values

    private static int bare(String op, String[] parts, int min, int max) {
        if (parts.length != 2) throw bad(op + " takes one value, e.g. " + op + "," + max);
        return number(op, parts[1], min, max);
    }

    private static Gravity gravity(String g) {
        return switch (g) {
            case "nw" -> Gravity.NW;
            case "north" -> Gravity.NORTH;
            case "ne" -> Gravity.NE;
            case "west" -> Gravity.WEST;
            case "center" -> Gravity.CENTER;
            case "east" -> Gravity.EAST;
            case "sw" -> Gravity.SW;
            case "south" -> Gravity.SOUTH;
            case "se" -> Gravity.SE;
            default -> throw bad("g must be nw, north, ne, west, center, east, sw, south or se, not '" + g + "'");
        };
    }

    private static int number(String what, String v, int min, int max) {
        // digits only (and a leading minus where negatives are allowed): no "+5", no " 5", no "5.0"
        if (v.isEmpty() || v.length() > 6 || !v.matches(min < 0 ? "-?\\d+" : "\\d+"))
            throw bad(what + " must be a whole number within " + min + ".." + max + ", not '" + v + "'");
        int n = Integer.parseInt(v);
        if (n < min || n > max) throw bad(what + " must be within " + min + ".." + max + ", not " + n);
        return n;
    }

    /** URL-safe Base64 (padding optional, as OSS strips it) of UTF-8 text. */
    private static String base64Text(String b64, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw bad("watermark: " + what + " is not URL-safe Base64 (+ → -, / → _, no =)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw bad("watermark: " + what + " is not UTF-8 text");
        }
    }

    static InvalidTransformException bad(String message) {
        return new InvalidTransformException(Convention.OSS, message);
    }

    /** An operation's {@code k_v} parameters: each at most once, each one consumed, none unknown. */
    private static final class Params {
        private final String op;
        private final Map<String, String> values = new LinkedHashMap<>();

        Params(String op, String[] parts) {
            this.op = op;
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i];
                int u = part.indexOf('_');
                if (u <= 0) throw bad(op + ": '" + part + "' is not a parameter (name_value)");
                String name = part.substring(0, u);
                if (values.put(name, part.substring(u + 1)) != null) throw bad(op + ": " + name + " is given twice");
            }
        }

        boolean has(String name) { return values.containsKey(name); }

        String text(String name, String otherwise) {
            String v = values.get(name);
            seen.add(name);
            return v == null ? otherwise : v;
        }

        int integer(String name, int min, int max, int otherwise) {
            String v = text(name, null);
            return v == null ? otherwise : number(op + ": " + name, v, min, max);
        }

        int color(String name, int otherwise) {
            String v = text(name, null);
            if (v == null) return otherwise;
            if (!HEX_COLOR.matcher(v).matches()) throw bad(op + ": " + name + " must be RRGGBB in hex, not '" + v + "'");
            return Integer.parseInt(v.toUpperCase(Locale.ROOT), 16);
        }

        private final java.util.Set<String> seen = new java.util.HashSet<>();

        void noOthers() {
            for (String name : values.keySet())
                if (!seen.contains(name)) throw bad(op + ": unknown parameter '" + name + "'");
        }
    }
}
