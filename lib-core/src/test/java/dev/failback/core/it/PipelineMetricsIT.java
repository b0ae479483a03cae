package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.FailbackMetricNames;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failback's meters after fixtures went through the real pipeline into PostgreSQL, and the Grafana
 * dashboard {@code examples/grafana/failback-dashboard.json}: every PromQL expression in it names only
 * series this run exported.
 */
class PipelineMetricsIT {
    private static final Pattern METRIC = Pattern.compile("failback_[a-z0-9_]+");
    private PostgresSchema db;
    private Failback failback;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void stop() throws Exception {
        if (failback != null) {
            failback.close();
        }
        registry.close();
        if (db != null) {
            db.close();
        }
    }

    @Test
    void metersCountWhatHappenedAndTheDashboardQueriesOnlyExportedSeries() throws Exception {
        db = PostgresSchema.create("metrics", "hr.sql");
        JettySink sink = JettySink.builder().host("127.0.0.1").port(0).build();
        failback = Failback.builder().disableAuthentication().name("metrics-it").target(db.dataSource())
                .stagingSchema(db.name() + "_staging").createStagingSchema(true).meterRegistry(registry).sink(sink)
                .start();
        Http http = new Http("http://127.0.0.1:" + sink.port());
        List<String> sent = List.of("11-initial-scan.json", "{\"resolved\":\"1759246920563173411.0000000000\"}",
                "02-insert-employees-batch.json", "02-insert-employees-batch.json", "03-insert-orders.json",
                "04-insert-payments-composite-pk.json", "09-resolved.json");
        for (String f : sent) {
            byte[] body = f.startsWith("{") ? f.getBytes(java.nio.charset.StandardCharsets.UTF_8) : Bodies.fixture(f);
            Http.Answer a = http.post(db.path(), body);
            assertThat(a.status()).as(f + ": " + a.body()).isEqualTo(200);
        }
        assertThat(http.post("/nowhere", "{}").status()).isEqualTo(404);
        assertThat(failback.awaitApplied(Hlc.parse("1759246947250000000.0000000000"), Duration.ofSeconds(30))).isTrue();

        assertThat(sum(find(FailbackMetricNames.APPLIED).tag("kind", "upsert"))).isEqualTo(10);
        assertThat(find(FailbackMetricNames.APPLIED).tag("table", "employees").tag("kind", "upsert").counter().count())
                .isEqualTo(5);
        assertThat(sum(find(FailbackMetricNames.APPLIED).tag("kind", "delete"))).isZero();
        assertThat(sum(find(FailbackMetricNames.RECEIVED).tag("outcome", "staged"))).isEqualTo(10);
        assertThat(sum(find(FailbackMetricNames.RECEIVED).tag("outcome", "duplicate"))).isEqualTo(3);
        assertThat(sum(find(FailbackMetricNames.RESOLVED_RECEIVED).tag("outcome", "advanced"))).isEqualTo(2);
        assertThat(sum(find(FailbackMetricNames.RESOLVED_APPLIED))).isGreaterThanOrEqualTo(1);
        assertThat(find(FailbackMetricNames.HTTP_REQUESTS).tag("status", "200").counter().count()).isEqualTo(sent.size());
        assertThat(find(FailbackMetricNames.HTTP_REQUESTS).tag("status", "404").counter().count()).isEqualTo(1);
        assertThat(find(FailbackMetricNames.BACKLOG).gauge().value()).isZero();
        assertThat(find(FailbackMetricNames.TARGET_LAG).timeGauge().value()).isPositive();
        assertThat(find(FailbackMetricNames.SOURCE_LAG).timeGauge().value()).isPositive();
        assertThat(find(FailbackMetricNames.MUTATION_AGE).timer().count()).isEqualTo(10);
        assertThat(find(FailbackMetricNames.APPLY).tag("outcome", "success").timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(find(FailbackMetricNames.STAGE).tag("outcome", "success").timer().count()).isEqualTo(5);
        assertThat(find(FailbackMetricNames.CHECKPOINT_COMMIT).tag("outcome", "success").timer().count())
                .isGreaterThanOrEqualTo(1);
        for (Meter m : registry.getMeters()) {
            if (m.getId().getName().startsWith(FailbackMetricNames.PREFIX)) {
                assertThat(m.getId().getTag("name")).as(m.getId().toString()).isEqualTo("metrics-it");
                assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
            }
        }

        Set<String> exported = exported(registry.scrape());
        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(10);
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            boolean any = false;
            while (m.find()) {
                any = true;
                assertThat(exported).as("series in " + q).contains(m.group());
            }
            assertThat(any).as("names a failback series: " + q).isTrue();
        }

        failback.close();
        assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith(FailbackMetricNames.PREFIX));
    }

    private RequiredSearch find(String name) {
        return registry.get(name).tag("name", "metrics-it");
    }

    private static double sum(RequiredSearch search) {
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The series names of a Prometheus text scrape. */
    static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** Every {@code expr} of the dashboard's panels and every query of its variables, read with Jackson. */
    static List<String> dashboardQueries() throws IOException {
        Path file = Path.of("grafana", "failback-dashboard.json");
        if (!Files.exists(file)) {
            file = Path.of("examples", "grafana", "failback-dashboard.json");
        }
        if (!Files.exists(file)) {
            file = Path.of("..", "examples", "grafana", "failback-dashboard.json"); // run from lib-core
        }
        List<String> out = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            String field = null;
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (p.currentToken() == JsonToken.VALUE_STRING && ("expr".equals(field)
                        || "query".equals(field) && p.getText().contains("failback_"))) {
                    out.add(p.getText());
                }
            }
        }
        return out;
    }
}
