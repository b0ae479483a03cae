package dev.failback.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    @Test
    void prometheusRegistryIsScraped() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("failback.test.requests", "pipeline", "p").increment(3);
        Supplier<String> scrape = PrometheusScrape.of(registry);
        assertThat(scrape).isNotNull();
        assertThat(scrape.get()).contains("# TYPE failback_test_requests_total counter")
                .contains("failback_test_requests_total{pipeline=\"p\"} 3.0");
    }

    @Test
    void prometheusRegistryInsideACompositeIsScraped() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(new SimpleMeterRegistry());
        composite.add(prometheus);
        composite.counter("failback.test.composite").increment();
        assertThat(PrometheusScrape.of(composite).get()).contains("failback_test_composite_total 1.0");
    }

    @Test
    void anythingElseIsNotScraped() {
        assertThat(PrometheusScrape.of(null)).isNull();
        assertThat(PrometheusScrape.of(new SimpleMeterRegistry())).isNull();
        assertThat(PrometheusScrape.of(new CompositeMeterRegistry())).isNull();
    }
}
