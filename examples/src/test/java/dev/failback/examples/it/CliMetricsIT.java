package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.core.it.Bodies;
import dev.failback.examples.cli.FailbackCli;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI as a separate process ({@code failback.jar} when packaged, else the test classpath) with
 * HTTPS (a self-signed certificate), a bearer token and a metrics port: fixtures POSTed as a
 * changefeed does, then {@code /_/varz} scraped from the metrics port and checked against what was
 * sent.
 */
class CliMetricsIT {
    private static final String RESOLVED_1 = "{\"resolved\":\"1759246920563173411.0000000000\"}";
    private PostgresSchema db;
    private Process child;
    private ChildOutput output;

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.toHandle().destroy();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.toHandle().destroyForcibly();
            }
        }
        if (output != null) {
            output.join(10_000);
        }
        if (db != null) {
            db.close();
        }
    }

    /** A sample line of a Prometheus scrape: series name, label text and value. */
    record Sample(String name, String labels, double value) {
        boolean has(String label, String value) {
            return labels.contains(label + "=\"" + value + "\"");
        }
    }

    static List<Sample> parse(String scrape) {
        List<Sample> out = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            out.add(new Sample(line.substring(0, nameEnd), labels, Double.parseDouble(line.substring(space + 1))));
        }
        return out;
    }

    static double sum(List<Sample> samples, String name, Predicate<Sample> filter) {
        return samples.stream().filter(s -> s.name().equals(name) && filter.test(s)).mapToDouble(Sample::value).sum();
    }

    static boolean present(List<Sample> samples, String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    @Test
    void varzCountsWhatTheChangefeedSent() throws Exception {
        db = PostgresSchema.create("climetrics", "hr.sql");
        int port = freePort();
        int metricsPort = freePort();
        String token = "t-" + UUID.randomUUID();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path jar = Path.of("target", "failback.jar");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        if (Files.isRegularFile(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FailbackCli.class.getName()));
        }
        cmd.addAll(List.of("start", "--targetConn", TestDatabases.postgresUrl(), "--stagingCreateSchema",
                "--stagingSchema", db.name() + "_staging", "--bindAddr", "127.0.0.1:" + port,
                "--metricsAddr", "127.0.0.1:" + metricsPort, "--tlsSelfSigned", "--authToken", token));
        child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        output = ChildOutput.of(child);
        assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();

        HttpClient https = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> fixtures = List.of("11-initial-scan.json", RESOLVED_1, "02-insert-employees-batch.json",
                "02-insert-employees-batch.json", "03-insert-orders.json", "04-insert-payments-composite-pk.json",
                "09-resolved.json");
        int rows = 0;
        int duplicates = 0;
        long bodyBytes = 0;
        List<String> seen = new ArrayList<>();
        for (String f : fixtures) {
            byte[] body = f.startsWith("{") ? f.getBytes(StandardCharsets.UTF_8) : Bodies.fixture(f);
            bodyBytes += body.length;
            if (!f.startsWith("{") && !f.contains("resolved")) {
                int n = payloadLength(body);
                if (seen.contains(f)) {
                    duplicates += n; // a changefeed retry of a batch already staged
                } else {
                    rows += n;
                }
                seen.add(f);
            }
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + db.path())).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(f + ": " + r.body()).isEqualTo(200);
        }
        assertThat(rows).isEqualTo(10);
        assertThat(duplicates).isEqualTo(3);

        URI varz = URI.create("http://127.0.0.1:" + metricsPort + "/_/varz");
        List<Sample> samples = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = plain.send(HttpRequest.newBuilder(varz).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            samples = parse(r.body());
            if (sum(samples, "failback_resolved_applied_total", s -> true) >= 2
                    && sum(samples, "failback_backlog_rows", s -> true) == 0) {
                break;
            }
            Thread.sleep(100);
        }
        List<Sample> s = samples;
        assertThat(sum(s, "failback_applied_rows_total", x -> x.has("kind", "upsert"))).as(output.toString())
                .isEqualTo(rows);
        assertThat(sum(s, "failback_applied_rows_total", x -> x.has("kind", "delete"))).isZero();
        // MOLT's names, on by default in the CLI: the runbook's drain alert and MOLT's dashboard read these
        assertThat(sum(s, "apply_upserts_total", x -> x.has("table", "employees"))).isEqualTo(
                sum(s, "failback_applied_rows_total", x -> x.has("kind", "upsert") && x.has("table", "employees"))).isPositive();
        assertThat(sum(s, "apply_upserts_total", x -> true))
                .isEqualTo(sum(s, "failback_applied_rows_total", x -> x.has("kind", "upsert")));
        assertThat(present(s, "apply_deletes_total")).isTrue();
        assertThat(present(s, "target_lag_seconds")).isTrue();
        assertThat(present(s, "source_lag_seconds")).isTrue();
        assertThat(sum(s, "target_apply_queue_size", x -> true)).isZero();
        assertThat(sum(s, "target_applied_timestamp_seconds", x -> x.has("kind", "cdc"))).isPositive();
        assertThat(sum(s, "failback_received_rows_total", x -> x.has("outcome", "staged"))).isEqualTo(rows);
        assertThat(sum(s, "failback_received_rows_total", x -> x.has("outcome", "duplicate"))).isEqualTo(duplicates);
        assertThat(sum(s, "failback_resolved_received_total", x -> true)).isGreaterThanOrEqualTo(2);
        assertThat(sum(s, "failback_resolved_applied_total", x -> true)).isGreaterThanOrEqualTo(2);
        assertThat(sum(s, "failback_http_requests_total", x -> x.has("status", "200"))).isEqualTo(fixtures.size());
        assertThat(sum(s, "failback_http_requests_total", x -> !x.has("status", "200"))).isZero();
        assertThat(sum(s, "failback_backlog_rows", x -> true)).isZero();
        assertThat(present(s, "failback_source_lag_seconds")).isTrue();
        assertThat(present(s, "failback_target_lag_seconds")).isTrue();
        assertThat(sum(s, "failback_target_lag_seconds", x -> true)).isPositive();
        assertThat(sum(s, "failback_mutation_age_seconds_count", x -> true)).isEqualTo(rows);
        assertThat(sum(s, "failback_errors_total", x -> true)).isZero();
        assertThat(present(s, "jvm_memory_used_bytes")).isTrue();
        // request latency and payload size (#18 item 5), and the connection pools' own meters
        assertThat(sum(s, "failback_http_request_duration_seconds_count", x -> x.has("status", "200")))
                .isEqualTo(fixtures.size());
        assertThat(sum(s, "failback_http_request_duration_seconds_sum", x -> true)).isPositive();
        assertThat(sum(s, "failback_http_request_body_bytes_count", x -> true)).isEqualTo(fixtures.size());
        assertThat(sum(s, "failback_http_request_body_bytes_sum", x -> true)).isEqualTo(bodyBytes);
        assertThat(sum(s, "hikaricp_connections_max", x -> x.has("pool", "failback-target"))).isPositive();
        assertThat(present(s, "hikaricp_connections_active")).isTrue();
        assertThat(present(s, "hikaricp_connections_acquire_seconds_count")).isTrue();
        assertThat(db.query("SELECT count(*) FROM $S.employees")).containsExactly(List.of("5"));

        child.toHandle().destroy(); // SIGTERM: graceful stop
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(output.toString()).isTrue();
        assertThat(child.exitValue()).as("a clean stop exits 0: " + output).isZero();
    }

    private static int payloadLength(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int n = 0;
        for (int i = text.indexOf("\"updated\""); i >= 0; i = text.indexOf("\"updated\"", i + 1)) {
            n++;
        }
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Trusts any server certificate: the CLI's is self-signed and made at its start. */
    private static SSLContext trustAll() throws Exception {
        TrustManager tm = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
        return ctx;
    }
}
