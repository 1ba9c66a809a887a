package dev.picspace.gateway.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;
import dev.picspace.gateway.serve.TransformRequest.Convention;

/**
 * Taobao's size suffixes (top.md §7.5), appended to the picture's full URL and chainable:
 * <pre>
 *   …jpg_90x90.jpg        fit inside 90×90, keep the aspect ratio, never enlarge; JPEG
 *   …jpg_Q90.jpg          quality 90; JPEG
 *   …jpg_180x180q90.jpg   both
 *   …jpg_180x180xz.jpg    cover 180×180 and crop the middle (Taobao's "xz"; inferred, see below)
 *   …jpg_.webp            the same picture as WebP
 *   …jpg_310x310.jpg_.webp  chained: applied left to right
 * </pre>
 * The extension after each suffix is the output format (the last one wins). Any {@code WxH} from 1
 * to {@link TransformLimits#maxSide()} is accepted: Taobao's own whitelist of sizes is not known
 * (top.md §9.8) and a self-hosted server has no reason to keep one.
 *
 * <p>Semantics: {@code WxH} is OSS's {@code resize,m_lfit,w_W,h_H} with {@code limit_1} (no upscale),
 * which is what Taobao's CDN answers for item pictures. {@code Q}/{@code q} is a quality relative to
 * the source's, as {@link ImageOperation.Quality} documents for Taobao. {@code xz} is read as
 * "crop to the exact box" ({@code m_fill}): top.md shows it ({@code _180x180xzq90.jpg}) without
 * defining it.
 */
public final class TaobaoSuffix {
    private TaobaoSuffix() {}

    /** One {@code _<spec>.<ext>}: the spec is up to letters and digits; the extensions are ours. */
    private static final Pattern SEGMENT = Pattern.compile("_([0-9A-Za-z]{0,24})\\.(jpg|jpeg|png|webp|gif|bmp)");
    private static final Pattern SPEC = Pattern.compile("(?:(\\d{1,5})x(\\d{1,5})(xz)?)?(?:[qQ](\\d{1,3}))?");
    private static final int MAX_LENGTH = TransformLimits.MAX_SUFFIXES * 32;

    /** @param suffix everything after the picture's own path, starting with {@code _} */
    static List<TransformRequest.Step> parse(String suffix, TransformLimits limits) {
        if (suffix.length() > MAX_LENGTH) throw bad("the size suffix is too long");
        List<TransformRequest.Step> steps = new ArrayList<>();
        Matcher m = SEGMENT.matcher(suffix);
        int at = 0, segments = 0;
        while (at < suffix.length()) {
            m.region(at, suffix.length());
            if (!m.lookingAt()) throw bad("'" + suffix.substring(at) + "' is not a size suffix: use _WxH, _WxHxz, _QN, _WxHqN "
                    + "or nothing between _ and the extension (.jpg, .png, .webp, .gif, .bmp)");
            if (++segments > TransformLimits.MAX_SUFFIXES)
                throw bad("at most " + TransformLimits.MAX_SUFFIXES + " size suffixes may be chained");
            Matcher spec = SPEC.matcher(m.group(1));
            if (!spec.matches()) throw bad("'_" + m.group(1) + "' is not a size suffix: use _WxH, _WxHxz, _QN or _WxHqN");
            if (spec.group(1) != null) {
                int w = side(spec.group(1), limits), h = side(spec.group(2), limits);
                ImageOperation.ResizeMode mode = spec.group(3) != null ? ImageOperation.ResizeMode.FILL : ImageOperation.ResizeMode.LFIT;
                steps.add(new TransformRequest.Op(new ImageOperation.Resize(mode, w, h, 0, 0, 0, false, 0)));
            }
            if (spec.group(4) != null) {
                int q = Integer.parseInt(spec.group(4));
                if (q < 1 || q > 100) throw bad("quality must be within 1..100, not " + q);
                steps.add(new TransformRequest.Op(new ImageOperation.Quality(q, false)));
            }
            ImageFormat format = ImageFormat.fromExtension(m.group(2)).orElseThrow();
            steps.add(new TransformRequest.Op(new ImageOperation.Format(format)));
            at = m.end();
        }
        return steps;
    }

    private static int side(String digits, TransformLimits limits) {
        int v = Integer.parseInt(digits);
        if (v < 1 || v > limits.maxSide())
            throw bad("a size suffix's width and height must be within 1.." + limits.maxSide() + ", not " + v);
        return v;
    }

    private static InvalidTransformException bad(String message) {
        return new InvalidTransformException(Convention.TAOBAO, message);
    }
}
