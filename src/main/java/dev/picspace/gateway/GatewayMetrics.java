package dev.picspace.gateway;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The service's Prometheus meters: requests by dialect, method and outcome with a latency
 * histogram, and uploaded bytes. Method names come from a fixed set (unknown ones are counted
 * as "unknown") so that a caller cannot blow up the label space.
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary uploadBytes;
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.uploadBytes = DistributionSummary.builder("picspace_upload_bytes")
                .description("Bytes of accepted uploads").baseUnit("bytes").register(registry);
    }

    public MeterRegistry registry() { return registry; }

    public void request(String dialect, String method, String outcome, long nanos) {
        // Looked up once per label set: serving calls this on every request.
        timers.computeIfAbsent(dialect + '\u0000' + method + '\u0000' + outcome, k -> Timer.builder("picspace_requests")
                .description("Requests by dialect, method and outcome")
                .tags("dialect", dialect, "method", method, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void uploaded(long bytes) { uploadBytes.record(bytes); }

}
