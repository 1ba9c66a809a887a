package dev.picspace.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.picspace.domain.ImageLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine probes bytes in memory; they must get exactly the answers the upload path's file probe gives. */
class HeaderImageProbeBytesTest {
    static Stream<Path> corpus() throws Exception {
        return Files.list(Path.of("src/test/resources/corpus")).filter(p -> !p.toString().endsWith(".md")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void bytesAndFileAgree(Path file) throws Exception {
        HeaderImageProbe probe = new HeaderImageProbe();
        byte[] bytes = Files.readAllBytes(file);
        Throwable fromFile = catchThrowable(() -> probe.probe(file, ImageLimits.DEFAULTS));
        Throwable fromBytes = catchThrowable(() -> probe.probe(bytes, ImageLimits.DEFAULTS));
        if (fromFile == null) {
            assertThat(fromBytes).isNull();
            assertThat(probe.probe(bytes, ImageLimits.DEFAULTS)).isEqualTo(probe.probe(file, ImageLimits.DEFAULTS));
        } else {
            assertThat(fromBytes).isNotNull().hasSameClassAs(fromFile).hasMessage(fromFile.getMessage());
        }
    }
}
