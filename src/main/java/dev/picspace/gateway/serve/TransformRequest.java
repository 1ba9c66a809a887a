package dev.picspace.gateway.serve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;

/**
 * What a request for a picture asks for (issue "image delivery"): which picture ({@link #base}),
 * which transform, in which URL convention, and whether it is the owner's signed request for the
 * untouched original.
 *
 * <ul>
 *   <li>Taobao size suffixes appended to the picture's full path: {@code /i/<token>.jpg_90x90.jpg},
 *       {@code …_Q90.jpg}, {@code …_180x180q90.jpg}, {@code …_.webp}, chained
 *       {@code …jpg_310x310.jpg_.webp} ({@link TaobaoSuffix});</li>
 *   <li>OSS processing in the query: {@code /i/<token>.jpg?x-oss-process=image/resize,w_100/format,webp}
 *       ({@link OssProcess});</li>
 *   <li>{@code ?original=EXPIRES-SIGNATURE}: the owner's link to the unwatermarked original ({@link OwnerLinks}).</li>
 * </ul>
 * One convention per request: a suffix and {@code x-oss-process} together are refused, as is a
 * transform on an owner link. Other query parameters (signatures, cache busters) are left to others.
 *
 * @param base      the picture's own URL, {@code /i/<token>.<ext>}
 * @param steps     the requested operations in order; empty for the picture as stored
 * @param owner     the {@code original} parameter, or null
 * @param variant   what distinguishes this URL's answer from the plain one's (suffix and
 *                  {@code x-oss-process}), "" for the plain URL: the serving handler's memory key
 */
public record TransformRequest(PictureUrl base, Convention convention, List<Step> steps, String owner, String variant) {

    /** Which convention a request used: it decides how its errors are written. */
    public enum Convention { NONE, TAOBAO, OSS }

    /** One requested operation; image watermarks still name their picture as the URL did. */
    public sealed interface Step {}

    /** An operation complete as parsed. */
    public record Op(ImageOperation operation) implements Step {}

    /**
     * An image watermark whose picture is named by an object key (picture path, ImageId, or our own
     * picture URL): {@link #resolve} turns it into a blob key of the same tenant's space, or refuses.
     */
    public record WatermarkImage(ImageOperation.Watermark template, String objectKey) implements Step {}

    public static final String PROCESS_PARAMETER = "x-oss-process";
    public static final String OWNER_PARAMETER = "original";

    public TransformRequest {
        steps = List.copyOf(steps);
    }

    public boolean transforms() { return !steps.isEmpty(); }

    /**
     * Reads the raw (still percent-encoded) path and query. Empty when the path is not a picture
     * URL at all (answered 404, like any unknown path under {@code /i/}).
     *
     * @throws InvalidTransformException the path is a picture URL but the transform is not one we honour
     */
    public static Optional<TransformRequest> parse(String rawPath, String rawQuery, TransformLimits limits) {
        if (rawPath == null || !rawPath.startsWith(PictureUrl.PREFIX)) return Optional.empty();
        PictureUrl base;
        String suffix;
        Optional<PictureUrl> plain = PictureUrl.parse(rawPath);
        if (plain.isPresent()) {
            base = plain.get();
            suffix = "";
        } else {
            int from = PictureUrl.PREFIX.length() + PictureUrl.TOKEN_LENGTH + 1;
            int underscore = rawPath.length() > from ? rawPath.indexOf('_', from) : -1;
            if (underscore < 0) return Optional.empty();
            Optional<PictureUrl> b = PictureUrl.parse(rawPath.substring(0, underscore));
            if (b.isEmpty()) return Optional.empty();
            base = b.get();
            suffix = rawPath.substring(underscore);
        }

        String process = null;
        String owner = null;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            if (rawQuery.length() > 4 * TransformLimits.MAX_PROCESS_LENGTH)
                throw new InvalidTransformException(Convention.OSS, "the query string is too long");
            for (String pair : rawQuery.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (name.equals(PROCESS_PARAMETER)) {
                    if (process != null) throw new InvalidTransformException(Convention.OSS, "x-oss-process is given twice");
                    process = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
                } else if (name.equals(OWNER_PARAMETER)) {
                    if (owner != null) throw new InvalidTransformException(Convention.NONE, "original is given twice");
                    owner = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
                }
            }
        }

        List<Step> steps;
        Convention convention;
        if (!suffix.isEmpty() && process != null) {
            throw new InvalidTransformException(Convention.OSS, "use either a size suffix or x-oss-process, not both");
        } else if (!suffix.isEmpty()) {
            convention = Convention.TAOBAO;
            steps = TaobaoSuffix.parse(suffix, limits);
        } else if (process != null) {
            convention = Convention.OSS;
            steps = OssProcess.parse(process, limits);
        } else {
            convention = Convention.NONE;
            steps = List.of();
        }
        if (owner != null && !steps.isEmpty())
            throw new InvalidTransformException(convention, "an owner link (original=…) serves the original only, without operations");
        return Optional.of(new TransformRequest(base, convention, steps, owner, variant(suffix, process)));
    }

    /**
     * {@code x-oss-process} (decoded) on the picture at {@code base}: what OSS GetObject asks for,
     * and the {@code /i/} query form. The variant names the answer, so both give the same rendition.
     *
     * @throws InvalidTransformException the value is not one we honour
     */
    public static TransformRequest ofOssProcess(PictureUrl base, String process, TransformLimits limits) {
        return new TransformRequest(base, Convention.OSS, OssProcess.parse(process, limits), null, variant("", process));
    }

    /** Only what changes the answer: cache busters and signatures do not make a new variant. */
    private static String variant(String suffix, String process) {
        return process == null ? suffix : suffix + "?" + PROCESS_PARAMETER + "=" + process;
    }

    /**
     * The operations with every image watermark resolved to a blob of the tenant's own space.
     *
     * @param ownBlobKey an object key → the blob key of a live picture of the same tenant, or empty
     * @throws InvalidTransformException a watermark names anything else
     */
    public List<ImageOperation> resolve(Function<String, Optional<String>> ownBlobKey) {
        List<ImageOperation> ops = new ArrayList<>(steps.size());
        for (Step step : steps) {
            if (step instanceof Op op) {
                ops.add(op.operation());
            } else if (step instanceof WatermarkImage w) {
                String blobKey = ownBlobKey.apply(w.objectKey()).orElseThrow(() -> new InvalidTransformException(convention,
                        "the watermark image '" + w.objectKey() + "' is not a picture of this picture space"));
                ImageOperation.Watermark t = w.template();
                ops.add(new ImageOperation.Watermark(t.opacity(), t.gravity(), t.x(), t.y(), t.voffset(), t.text(), t.font(),
                        t.fontSize(), t.color(), t.bold(), t.italic(), t.underline(), t.shadow(), t.rotate(), t.fill(),
                        blobKey, t.imagePercent()));
            }
        }
        return ops;
    }

    /**
     * The canonical chain for a source of format {@code source}, so that requests that mean the same
     * thing give equal lists and so equal cache keys, whichever convention and spelling they used:
     * <ol>
     *   <li>first, {@code AutoOrient}: the last one asked for, else on (EXIF orientation applied);</li>
     *   <li>then the geometry and watermarks in the order asked, less no-ops (rotate 0/360, an empty crop);</li>
     *   <li>then the output: {@code Quality} (the last one; only for JPEG and WebP, where it means
     *       something), {@code Interlace} (only when on, and only for JPEG: OSS defines it as
     *       progressive JPEG), and always one {@code Format}: the last one asked for, else the source's.</li>
     * </ol>
     * {@code Info} answers JSON about the picture: its chain is {@code [AutoOrient, Info]}.
     */
    public static List<ImageOperation> normalise(List<ImageOperation> ops, ImageFormat source) {
        Boolean orient = null;
        ImageOperation.Quality quality = null;
        boolean interlace = false;
        ImageFormat format = null;
        boolean info = false;
        List<ImageOperation> middle = new ArrayList<>();
        for (ImageOperation op : ops) {
            if (op instanceof ImageOperation.AutoOrient a) orient = a.apply();
            else if (op instanceof ImageOperation.Quality q) quality = q;
            else if (op instanceof ImageOperation.Interlace i) interlace = i.on();
            else if (op instanceof ImageOperation.Format f) format = f.format();
            else if (op instanceof ImageOperation.Info) info = true;
            else if (op instanceof ImageOperation.Rotate r) {
                int degrees = r.degrees() % 360;
                if (degrees != 0) middle.add(new ImageOperation.Rotate(degrees));
            } else if (op instanceof ImageOperation.Crop c) {
                if (c.x() != 0 || c.y() != 0 || c.width() != 0 || c.height() != 0) middle.add(c);
            } else {
                middle.add(op);
            }
        }
        List<ImageOperation> out = new ArrayList<>(middle.size() + 4);
        out.add(new ImageOperation.AutoOrient(orient == null || orient));
        if (info) {
            out.add(new ImageOperation.Info());
            return List.copyOf(out);
        }
        out.addAll(middle);
        ImageFormat target = format == null ? source : format;
        if (quality != null && (target == ImageFormat.JPEG || target == ImageFormat.WEBP)) out.add(quality);
        if (interlace && target == ImageFormat.JPEG) out.add(new ImageOperation.Interlace(true));
        out.add(new ImageOperation.Format(target));
        return List.copyOf(out);
    }

    /** Whether {@code ops} ends in {@link ImageOperation.Info} (JSON, not an image: no watermark). */
    public static boolean isInfo(List<ImageOperation> ops) {
        return !ops.isEmpty() && ops.get(ops.size() - 1) instanceof ImageOperation.Info;
    }

    /**
     * RFC 3986 percent-decoding to UTF-8; {@code +} stays {@code +} (URL-safe Base64 has none, so a
     * standard-Base64 value is reported as such rather than silently turned into spaces).
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteBuffer bytes = ByteBuffer.allocate(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw new InvalidTransformException(Convention.OSS, "malformed percent-encoding in the query");
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new InvalidTransformException(Convention.OSS, "malformed percent-encoding in the query");
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw new InvalidTransformException(Convention.OSS, "the query must be ASCII (percent-encode the rest)");
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidTransformException(Convention.OSS, "the query is not UTF-8");
        }
    }
}
