package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.jetty.http.ByteRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.picspace.gateway.serve.RangeHeader.Kind;

/** The Range parser alone (RFC 9110 §14.1.1, §14.2); ContentResponderTest covers it over HTTP. */
class RangeHeaderTest {

    static List<ByteRange> partial(String value, long length) {
        RangeHeader.Outcome outcome = RangeHeader.evaluate(value, length);
        assertThat(outcome.kind()).as(value).isEqualTo(Kind.PARTIAL);
        return outcome.ranges();
    }

    @Test
    void theFormsOfRangeSpec() {
        assertThat(partial("bytes=0-0", 100)).containsExactly(new ByteRange(0, 0));
        assertThat(partial("bytes=10-19", 100)).containsExactly(new ByteRange(10, 19));
        assertThat(partial("bytes=90-", 100)).containsExactly(new ByteRange(90, 99));
        assertThat(partial("bytes=-10", 100)).containsExactly(new ByteRange(90, 99));
        assertThat(partial("bytes=-1000", 100)).containsExactly(new ByteRange(0, 99));
        assertThat(partial("bytes=50-1000", 100)).containsExactly(new ByteRange(50, 99));
        assertThat(partial("bytes=99-99", 100)).containsExactly(new ByteRange(99, 99));
        assertThat(partial("bytes=0-99999999999999999999999999", 100)).containsExactly(new ByteRange(0, 99));
    }

    @Test
    void listsAllowWhitespaceAndEmptyElements() {
        assertThat(partial("bytes=0-1 , 500-501,\t,-1", 1000))
                .containsExactly(new ByteRange(0, 1), new ByteRange(500, 501), new ByteRange(999, 999));
    }

    @Test
    void unsatisfiableSpecsAmongSatisfiableOnesAreDropped() {
        assertThat(partial("bytes=5000-6000,0-9,-0", 100)).containsExactly(new ByteRange(0, 9));
    }

    @Test
    void rangesAreSortedAndOverlappingOrCloseOnesMerged() {
        assertThat(partial("bytes=500-599,0-99,50-149", 10_000))
                .containsExactly(new ByteRange(0, 149), new ByteRange(500, 599));
        // a gap smaller than a part header is not worth a part of its own
        assertThat(partial("bytes=0-99,150-199", 10_000)).containsExactly(new ByteRange(0, 199));
        assertThat(partial("bytes=0-99,1000-1099", 10_000)).hasSize(2);
        // the same range many times is sent once
        assertThat(partial("bytes=0-9999,0-9999,0-9999,0-9999", 10_000)).containsExactly(new ByteRange(0, 9999));
    }

    @Test
    void sixteenRangesAreServedSeventeenAreIgnored() {
        StringBuilder sixteen = new StringBuilder("bytes=");
        for (int i = 0; i < 16; i++) sixteen.append(i == 0 ? "" : ",").append(i * 1000).append('-').append(i * 1000 + 1);
        assertThat(partial(sixteen.toString(), 100_000)).hasSize(16);
        assertThat(RangeHeader.evaluate(sixteen + ",50000-50001", 100_000).kind()).isEqualTo(Kind.IGNORE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=100-,200-300,-0", "BYTES=1000-"})
    void validButOutsideIsUnsatisfiable(String value) {
        assertThat(RangeHeader.evaluate(value, 100).kind()).isEqualTo(Kind.UNSATISFIABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=,", "bytes=-", "bytes=--1", "bytes=1--2", "bytes=a-b",
            "bytes=5-3", "bytes=0-1,5-3", "bytes=0-1,x", "bytes=0-1;2", "bytes = 0-1", "bytes= 0 -1", "bytes=+0-1",
            "bytes=0-+1", "bytes=-+1", "items=0-1", "bytesx=0-1", "bytes=0-1-", "bytes=1e3-", "bytes=0x1-2",
            "bytes=\u0661-2"})
    void malformedIsIgnored(String value) {
        assertThat(RangeHeader.evaluate(value, 100).kind()).as(value).isEqualTo(Kind.IGNORE);
    }

    @Test
    void aZeroLengthRepresentationIgnoresRanges() {
        assertThat(RangeHeader.evaluate("bytes=-5", 0).kind()).isEqualTo(Kind.IGNORE);
        assertThat(RangeHeader.evaluate("bytes=0-", 0).kind()).isEqualTo(Kind.IGNORE);
    }

    @Test
    void aHugeHeaderIsCheapToReject() {
        String huge = "bytes=" + "0-1,".repeat(100_000);
        long start = System.nanoTime();
        assertThat(RangeHeader.evaluate(huge, 100).kind()).isEqualTo(Kind.IGNORE);
        assertThat(System.nanoTime() - start).isLessThan(50_000_000L);
    }
}
