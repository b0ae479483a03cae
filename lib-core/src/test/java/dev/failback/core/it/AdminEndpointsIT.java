package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.jetty.JettyAdminServer;
import dev.failback.jetty.JettySink;
import dev.failback.spi.Authenticator;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /_/healthz}, {@code /_/livez}, {@code /_/varz} and {@code /_/status} over real HTTP, on the
 * data port and on a separate metrics port ({@link JettyAdminServer}), with a token authenticator that
 * none of them needs; and the header limit of the data port.
 */
class AdminEndpointsIT {
    private static final long T = 1_759_246_900_000_000_000L;
    /** Accepts only {@code Authorization: Bearer secret}; the real token authenticator lives elsewhere. */
    private static final Authenticator SECRET = (request, schema) -> "Bearer secret".equals(request.header("Authorization"))
            ? Authenticator.Decision.allow() : Authenticator.Decision.deny("missing or invalid access token");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private PostgresSchema db;
    private HikariDataSource staging;
    private PrometheusMeterRegistry registry;
    private Failback failback;
    private JettySink sink;
    private JettyAdminServer admin;

    record Answer(int status, String contentType, String body) {
    }

    @BeforeEach
    void start() throws Exception {
        db = PostgresSchema.create("admin");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(TestDatabases.postgresUrl());
        cfg.setMaximumPoolSize(4);
        cfg.setConnectionTimeout(2000);
        cfg.setPoolName("admin-it-staging");
        staging = new HikariDataSource(cfg);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
    }

    private void startPipeline(boolean metricsPort, MeterRegistry meterRegistry) throws Exception {
        sink = JettySink.builder().host("127.0.0.1").port(0).varz(!metricsPort).requestHeaderSize(8192).build();
        Failback.Builder b = Failback.builder().name("admin-it").authenticator(SECRET).target(db.dataSource())
                .staging(staging).stagingSchema(db.name() + "_staging").createStagingSchema(true).sink(sink);
        if (meterRegistry != null) {
            b.meterRegistry(meterRegistry);
        }
        failback = b.start();
        if (metricsPort) {
            admin = JettyAdminServer.bind("127.0.0.1", 0);
            admin.start(failback.name(), failback.adminHandler());
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (failback != null) {
            failback.close();
        }
        if (staging != null) {
            staging.close();
        }
        registry.close();
        if (db != null) {
            db.close();
        }
    }

    private Answer send(String method, URI base, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer get(URI base, String path) {
        return send("GET", base, path, null);
    }

    private HttpResponse<String> raw(String method, URI base, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String staged() throws Exception {
        return db.one("SELECT count(*) FROM " + db.name() + "_staging.mutations");
    }

    @Test
    void healthLivenessAndMetricsNeedNoTokenOnEitherPort() throws Exception {
        startPipeline(true, registry);
        String body = batch(upsert("kv", 1, "a", hlc(T + 1)));
        // the token authenticator is really on: the changefeed path needs the token
        assertThat(send("POST", sink.uri(), db.path(), body).status()).isEqualTo(401);
        assertThat(send("POST", sink.uri(), db.path(), body, "Authorization", "Bearer wrong").status()).isEqualTo(401);
        Answer ok = send("POST", sink.uri(), db.path(), body, "Authorization", "Bearer secret");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(staged()).isEqualTo("1");

        for (URI base : new URI[] {sink.uri(), admin.uri()}) {
            Answer health = get(base, "/_/healthz");
            assertThat(health.status()).as(base + " " + health.body()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("OK\n");
            assertThat(health.contentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(get(base, "/_/livez")).isEqualTo(new Answer(200, "text/plain; charset=utf-8", "OK\n"));
            assertThat(send("HEAD", base, "/_/livez", null).status()).isEqualTo(200);
            // a wrong token changes nothing either
            assertThat(send("GET", base, "/_/healthz", null, "Authorization", "Bearer wrong").status()).isEqualTo(200);
            assertThat(get(base, "/_/nosuch").status()).isEqualTo(404);
        }

        Answer varz = get(admin.uri(), "/_/varz");
        assertThat(varz.status()).isEqualTo(200);
        assertThat(varz.contentType()).startsWith("text/plain");
        assertThat(varz.body()).contains("# TYPE jvm_memory_used_bytes gauge").contains("jvm_memory_used_bytes{")
                .endsWith("\n").doesNotEndWith("\n\n");
        Answer dataVarz = get(sink.uri(), "/_/varz");
        assertThat(dataVarz.status()).isEqualTo(404);
        assertThat(dataVarz.body()).doesNotContain("jvm_memory");

        // the metrics port only reads: no changefeed writes through it, with or without the token
        assertThat(send("POST", admin.uri(), db.path(), body, "Authorization", "Bearer secret").status()).isEqualTo(405);
        assertThat(send("POST", admin.uri(), "/_/healthz", "{}").status()).isEqualTo(405);
        assertThat(send("POST", sink.uri(), "/_/healthz", "{}").status()).isEqualTo(405);
        assertThat(staged()).isEqualTo("1");
        // probes are not counted as changefeed requests
        assertThat(failback.status().counters().requests()).isEqualTo(3);
    }

    @Test
    void healthzIs503NamingStagingWhenTheStagingPoolIsClosed() throws Exception {
        startPipeline(true, registry);
        assertThat(get(admin.uri(), "/_/healthz").status()).isEqualTo(200);
        staging.close();
        Thread.sleep(1100); // past the one-second cache of the last answer
        for (URI base : new URI[] {sink.uri(), admin.uri()}) {
            Answer health = get(base, "/_/healthz");
            assertThat(health.status()).as(base.toString()).isEqualTo(503);
            assertThat(health.body()).startsWith("staging database unreachable")
                    .doesNotContain("target")
                    .doesNotContain("jdbc:").doesNotContain("password").doesNotContain(TestDatabases.postgresUrl());
            assertThat(get(base, "/_/livez").status()).isEqualTo(200); // alive, not ready
        }
        failback.close();
        Answer stopped = get(admin.uri(), "/_/healthz");
        assertThat(stopped.status()).isEqualTo(503);
        assertThat(stopped.body()).isEqualTo("failback is stopped\n");
        assertThat(get(admin.uri(), "/_/livez").status()).isEqualTo(200);
    }

    @Test
    void withoutMetricsPortTheDataPortServesVarz() throws Exception {
        startPipeline(false, registry);
        Answer varz = get(sink.uri(), "/_/varz");
        assertThat(varz.status()).isEqualTo(200);
        assertThat(varz.body()).contains("jvm_memory_used_bytes");
        assertThat(admin).isNull();
    }

    @Test
    void withoutPrometheusRegistryVarzSaysMetricsAreOff() throws Exception {
        startPipeline(true, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        Answer varz = get(admin.uri(), "/_/varz");
        assertThat(varz.status()).isEqualTo(404);
        assertThat(varz.body()).startsWith("metrics are off");
        assertThat(get(admin.uri(), "/_/healthz").status()).isEqualTo(200);
    }

    @Test
    void headersOverTheLimitAre431AndNothingIsStaged() throws Exception {
        startPipeline(false, null);
        String body = batch(upsert("kv", 1, "a", hlc(T + 1)));
        Answer big = send("POST", sink.uri(), db.path(), body, "Authorization", "Bearer secret",
                "X-Padding", "p".repeat(9000));
        assertThat(big.status()).isEqualTo(431);
        assertThat(staged()).isEqualTo("0");
        assertThat(failback.status().counters().requests()).isZero(); // never reached the pipeline
        assertThat(send("GET", sink.uri(), "/_/healthz", null, "X-Padding", "p".repeat(9000)).status()).isEqualTo(431);
        Answer fits = send("POST", sink.uri(), db.path(), body, "Authorization", "Bearer secret",
                "X-Padding", "p".repeat(6000));
        assertThat(fits.status()).as(fits.body()).isEqualTo(200);
        assertThat(staged()).isEqualTo("1");
    }

    @Test
    void statusPageIsServedWhereVarzIsWithItsOwnHeadersAndEscapesARefusedPath() throws Exception {
        startPipeline(true, registry);
        // a refused request whose (decoded) path holds markup: 404 unknown path, kept for the page
        Answer refused = send("POST", sink.uri(), "/%3Cscript%3Ealert(1)%3C/script%3E/public",
                batch(upsert("kv", 1, "a", hlc(T + 1))), "Authorization", "Bearer secret");
        assertThat(refused.status()).as(refused.body()).isEqualTo(404);

        HttpResponse<String> page = raw("GET", admin.uri(), "/_/status");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("admin-it")
                .contains("<code>/&lt;script&gt;alert(1)&lt;/script&gt;/public</code>")
                .doesNotContain("<script").doesNotContain("secret").doesNotContain("jdbc:")
                .contains("no resolved timestamp yet");
        assertThat(page.headers().firstValue("Content-Length").map(Integer::parseInt))
                .hasValue(page.body().getBytes(StandardCharsets.UTF_8).length);

        HttpResponse<String> head = raw("HEAD", admin.uri(), "/_/status");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(head.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(head.body()).isEmpty();

        // like /_/varz: not on the data port once a metrics port serves it; and read-only
        Answer dataStatus = get(sink.uri(), "/_/status");
        assertThat(dataStatus.status()).isEqualTo(404);
        assertThat(dataStatus.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(dataStatus.body()).contains("not served on this port").doesNotContain("<");
        assertThat(send("POST", admin.uri(), "/_/status", "{}").status()).isEqualTo(405);
        // the other answers keep their plain text without the page's headers
        HttpResponse<String> health = raw("GET", admin.uri(), "/_/healthz");
        assertThat(health.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(health.headers().firstValue("Content-Security-Policy")).isEmpty();
    }

    @Test
    void withoutMetricsPortTheDataPortServesTheStatusPage() throws Exception {
        startPipeline(false, null);
        HttpResponse<String> page = raw("GET", sink.uri(), "/_/status");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h2>Target schemas</h2>").contains("No target schema yet");
        assertThat(failback.status().counters().requests()).as("not counted as a changefeed request").isZero();
    }

    @Test
    void statusPageShowsAFailureByKindAndARefusalByItsLeadingClauseOnly() throws Exception {
        startPipeline(true, registry);
        staging.close(); // the next batch is answered 503 (database unavailable) and counted as a failure
        Answer failed = send("POST", sink.uri(), db.path(), batch(upsert("kv", 7, "secret-value-7", hlc(T + 1))),
                "Authorization", "Bearer secret");
        assertThat(failed.status()).as(failed.body()).isEqualTo(503);
        assertThat(failed.body()).contains(": "); // a leading clause, then the database's detail

        String page = raw("GET", admin.uri(), "/_/status").body();
        String leading = failed.body().strip().substring(0, failed.body().indexOf(": "));
        assertThat(page).contains("<tr class=\"error\">").contains("<td>request</td><td>transient</td><td></td><td>SQLException</td>")
                .contains("<tr class=\"refusal\">").contains("<td class=\"num\">503</td>")
                .contains(leading + ": \u2026")
                .doesNotContain(failed.body().strip().substring(failed.body().indexOf(": ") + 2))
                .doesNotContain("secret-value-7").doesNotContain("Bearer").doesNotContain("jdbc:");
    }
}
