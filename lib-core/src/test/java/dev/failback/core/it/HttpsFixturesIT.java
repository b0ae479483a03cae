package dev.failback.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import dev.failback.jetty.testing.TestCertificates;
import dev.failback.testing.PostgresSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real pipeline behind an HTTPS Jetty sink with mutual TLS, as a CockroachDB changefeed with
 * {@code webhook-https://…?ca_cert=…&client_cert=…&client_key=…} reaches it: fixtures POSTed over
 * HTTP/2 (negotiated by ALPN, as CockroachDB's client prefers) and over HTTP/1.1 land in PostgreSQL.
 */
class HttpsFixturesIT {
    @TempDir
    Path dir;
    private PostgresSchema db;
    private Failback failback;
    private JettySink sink;
    private HttpClient client;

    @AfterEach
    void stop() throws Exception {
        if (failback != null) {
            failback.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private HttpResponse<String> post(String fixtureOrBody) throws Exception {
        byte[] body = fixtureOrBody.startsWith("{") ? fixtureOrBody.getBytes(StandardCharsets.UTF_8)
                : Bodies.fixture(fixtureOrBody);
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + sink.port() + db.path()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void fixturesLandOverHttpsWithClientCertificates(HttpClient.Version version) throws Exception {
        TestCertificates pki = TestCertificates.create(dir);
        db = PostgresSchema.create("https", "hr.sql");
        sink = JettySink.builder()
                .host("127.0.0.1")
                .port(0)
                .tls(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile())
                        .clientCa(pki.ca.certificateFile())
                        .build())
                .build();
        failback = Failback.builder().disableAuthentication()
                .name("https-" + version)
                .target(db.dataSource())
                .stagingSchema(db.name() + "_staging")
                .createStagingSchema(true)
                .sink(sink)
                .start();
        assertThat(sink.uri().getScheme()).isEqualTo("https");

        // Without a client certificate: refused at the TLS layer, nothing staged.
        client = HttpClient.newBuilder().version(version).sslContext(pki.clientContext(null))
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> post("02-insert-employees-batch.json")).isInstanceOf(IOException.class);

        client = HttpClient.newBuilder().version(version).sslContext(pki.clientContext(pki.client))
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (String fixture : List.of("11-initial-scan.json", "{\"resolved\":\"1759246920563173411.0000000000\"}",
                "02-insert-employees-batch.json", "03-insert-orders.json", "04-insert-payments-composite-pk.json",
                "09-resolved.json")) {
            HttpResponse<String> response = post(fixture);
            assertThat(response.statusCode()).as(fixture + ": " + response.body()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(version);
        }
        assertThat(failback.awaitApplied(Hlc.parse("1759246947250000000.0000000000"), Duration.ofSeconds(30))).isTrue();

        assertThat(rows("SELECT id, name, manager_id FROM $S.employees ORDER BY id")).containsExactly(
                "1|Ada Lovelace|null", "2|Grace Hopper|1", "3|Alan Turing|1", "4|Katherine Johnson|1",
                "5|Edsger Dijkstra|2");
        assertThat(rows("SELECT id, employee_id, status FROM $S.orders ORDER BY id")).containsExactly(
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|3|pending", "7c9e6679-7425-40de-944b-e07fc1f90ae7|4|pending");
        assertThat(rows("SELECT order_id, seq, amount, method FROM $S.payments ORDER BY order_id, seq")).containsExactly(
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|1|1000.00|card",
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|2|299.90|card",
                "7c9e6679-7425-40de-944b-e07fc1f90ae7|1|42.00|paypal");
        assertThat(failback.status().stagedBacklog()).isZero();
    }

    private List<String> rows(String sql) throws Exception {
        return db.query(sql).stream().map(r -> String.join("|", r.stream().map(String::valueOf).toList()))
                .collect(Collectors.toList());
    }
}
