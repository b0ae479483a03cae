package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.FailbackMetricNames;
import dev.failback.core.internal.Group;
import dev.failback.spi.Checkpoint;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
    private static Group group(Hlc resolved, Hlc applied) {
        return new Group("db.public", List.of("db", "public"), null, new Checkpoint(resolved, applied), new dev.failback.core.memory.InMemoryStagingStore(),
                Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS);
    }

    @Test
    void offWithoutARegistry() {
        PipelineMetrics off = PipelineMetrics.of(null, "x");
        assertThat(off.enabled()).isFalse();
        assertThat(off.register(group(Hlc.ZERO, Hlc.ZERO))).isNull();
        off.http(200, 1_000_000L, 100);
        off.error(PipelineMetrics.STAGING);
        off.retry();
        off.close();
    }

    @Test
    void registersTaggedMetersAndRemovesThemOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics metrics = PipelineMetrics.of(registry, "p");
        long now = System.currentTimeMillis() * 1_000_000L;
        Group g = group(new Hlc(now - 5_000_000_000L, 0), new Hlc(now - 10_000_000_000L, 0));
        g.backlog.set(7);
        PipelineMetrics.GroupMeters m = metrics.register(g);
        m.applied(Map.of("t", new int[] {3, 1}));
        m.applied(Map.of("t", new int[] {2, 0}));
        metrics.http(200, 3_000_000L, 1_000);
        metrics.http(200, 5_000_000L, 3_000);
        metrics.http(401, 1_000_000L, -1); // refused before its body was read
        metrics.error(PipelineMetrics.DATA);

        assertThat(registry.get(FailbackMetricNames.APPLIED).tags("table", "t", "kind", "upsert", "schema", "db.public")
                .counter().count()).isEqualTo(5);
        assertThat(registry.get(FailbackMetricNames.APPLIED).tags("kind", "delete").counter().count()).isEqualTo(1);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUESTS).tag("status", "200").counter().count()).isEqualTo(2);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUEST_DURATION).tag("status", "200").timer().count()).isEqualTo(2);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUEST_DURATION).tag("status", "200").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUEST_DURATION).tag("status", "401").timer().count()).isEqualTo(1);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUEST_BODY).summary().count()).isEqualTo(2);
        assertThat(registry.get(FailbackMetricNames.HTTP_REQUEST_BODY).summary().totalAmount()).isEqualTo(4_000.0);
        assertThat(registry.get(FailbackMetricNames.ERRORS).tag("kind", "data").counter().count()).isEqualTo(1);
        assertThat(registry.get(FailbackMetricNames.ERRORS).counters()).hasSize(5);
        assertThat(registry.get(FailbackMetricNames.BACKLOG).gauge().value()).isEqualTo(7);
        assertThat(registry.get(FailbackMetricNames.SOURCE_LAG).timeGauge().value(TimeUnit.SECONDS)).isBetween(4.0, 30.0);
        assertThat(registry.get(FailbackMetricNames.TARGET_LAG).timeGauge().value(TimeUnit.SECONDS)).isBetween(9.0, 30.0);
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("name")).isEqualTo("p");
            if (meter.getId().syntheticAssociation() != null) {
                continue; // a bucket gauge Micrometer derives from a described timer or summary (fixed buckets)
            }
            assertThat(meter.getId().getDescription()).as(meter.getId().toString()).isNotBlank();
        }

        assertThat(metrics.register(new Group("db.other", List.of("db", "other"), null,
                new Checkpoint(Hlc.ZERO, Hlc.ZERO), new dev.failback.core.memory.InMemoryStagingStore(),
                Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS))).isNotNull();
        assertThat(registry.get(FailbackMetricNames.TARGET_LAG).tag("schema", "db.other").timeGauge().value()).isNaN();

        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
    }
}
