/**
 * The pure-Java {@link dev.picspace.domain.ImageEngine}: {@link dev.picspace.imaging.render.Java2dImageEngine}.
 *
 * <p>Construct it with {@code new Java2dImageEngine()} (JPEG/WebP quality 85 when a chain names
 * none) or {@code new Java2dImageEngine(quality)}; it holds no mutable state, so one instance
 * serves every thread of the decode pool.
 *
 * <p>How a render goes, and which class owns each step:
 * <ol>
 *   <li>{@code Chain}: the operation list is checked (OSS's ranges, info last, at most 24 steps and
 *       3 watermarks) before a byte of the source is read.</li>
 *   <li>The source is read up to {@code ImageLimits.maxBytes()} and probed again from its bytes
 *       ({@link dev.picspace.imaging.HeaderImageProbe}): format, size and frame count, held to the
 *       limits.</li>
 *   <li>{@code Exif} (metadata-extractor) gives the orientation, applied by default as OSS does.</li>
 *   <li>{@code Geometry} computes every step's size from the headers; each is held to the
 *       {@code OutputLimits} before anything is allocated.</li>
 *   <li>{@code Decoder} / {@code GifFrames} decode with readers chosen by class ({@code Codecs}):
 *       the JDK's libjpeg-turbo JPEG reader for ordinary JPEGs, TwelveMonkeys for CMYK/YCCK and
 *       for what the JDK refuses, TwelveMonkeys for WebP; only the crop's region when the chain
 *       starts with a crop, at reduced resolution when it starts (or goes on after that crop) by
 *       shrinking; converted to sRGB when another profile is embedded ({@code ColorProfiles}).</li>
 *   <li>{@code Pixels} (resize, crop, rotate, orient) and {@code WatermarkPainter} work on
 *       {@code INT_RGB}/{@code INT_ARGB} pictures.</li>
 *   <li>{@code Encoder} writes with no metadata at all (no EXIF, GPS, XMP or ICC in a derivative),
 *       bounded in bytes while writing; webp-imageio writes WebP.</li>
 * </ol>
 */
package dev.picspace.imaging.render;
