package dev.failback.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application as a user runs it, on the real local PostgreSQL: Spring Boot starts it on
 * random ports (the application's and the changefeed sink's), the changefeed fixtures are POSTed over
 * HTTPS (the example's self-signed certificate) with the bearer token to the sink, land in a fresh
 * target schema following their resolved timestamps, and show in {@code /actuator/health} and the
 * application's MeterRegistry and {@code /actuator/prometheus}; closing the context (at the end of the
 * class) stops the pipeline and closes the sink port.
 */
@ExtendWith(FailbackSpringBootIT.ClosedWithTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests get no Prometheus registry without it, as an application does
@DirtiesContext
class FailbackSpringBootIT {
    private static final String TOKEN = "boot-it-token-5f2c9a";
    private static final Hlc R1 = Hlc.parse("1759246947250000000.0000000000");
    private static final Hlc R3 = Hlc.parse("1759246981000000000.0000000000");
    private static PostgresSchema schema;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        schema = PostgresSchema.create("boot", "hr-boot.sql");
        registry.add("spring.datasource.url", TestDatabases::postgresUrl);
        registry.add("failback.sink.port", () -> "0");
        registry.add("failback.sink.host", () -> "127.0.0.1");
        registry.add("failback.staging-schema", schema::stagingSchema);
        registry.add("failback.auth.tokens", () -> TOKEN);
        registry.add("failback.flush-period", () -> "100ms");
        registry.add("management.endpoint.health.show-details", () -> "always"); // the app shows them when authorized
    }

    private static Failback closedFailback;
    private static int closedSinkPort;
    private static MeterRegistry closedRegistry;

    /**
     * Runs after Spring closed the application context (@DirtiesContext): registered before SpringExtension
     * (it is declared above @SpringBootTest), so its afterAll runs after Spring's. The pipeline has stopped,
     * the sink port is closed, Failback's meters are gone; then the schema is dropped.
     */
    static final class ClosedWithTheApplication implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext extension) throws Exception {
            try {
                if (closedFailback == null) {
                    return; // the test failed before: nothing to check
                }
                assertThat(closedFailback.state()).as("the pipeline stopped with the application").isEqualTo(State.STOPPED);
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", closedSinkPort), 2000);
                    }
                }).as("the sink port is closed with the application").isInstanceOf(ConnectException.class);
                assertThat(closedRegistry.find("failback.applied").counters()).as("Failback removed its meters").isEmpty();
            } finally {
                if (schema != null) {
                    schema.close();
                }
            }
        }
    }

    @Autowired
    Failback failback;
    @Autowired
    JettySink sink;
    @Autowired
    MeterRegistry registry;
    @LocalServerPort
    int serverPort;

    @Test
    void changefeedLandsShowsInHealthAndMetricsAndStopsWithTheApplication() throws Exception {
        assertThat(sink.port()).as("the sink has a port of its own").isNotEqualTo(serverPort);
        assertThat(sink.uri().getScheme()).isEqualTo("https");
        HttpClient https = HttpClient.newBuilder().sslContext(trusting(sink.certificateChain()))
                .connectTimeout(Duration.ofSeconds(5)).build();

        assertThat(post(https, "02-insert-employees-batch.json", null).statusCode()).as("no token").isEqualTo(401);
        assertThat(post(https, "02-insert-employees-batch.json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(post(https, "03-insert-orders.json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(schema.query("SELECT id FROM $S.employees")).as("consistent mode: nothing before a resolved").isEmpty();
        assertThat(post(https, "09-resolved.json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(failback.awaitApplied(R1, Duration.ofSeconds(30))).isTrue();
        assertThat(rows("SELECT id, name, department, salary FROM $S.employees ORDER BY id")).containsExactly(
                "3|Alan Turing|Research|160000.00", "4|Katherine Johnson|Research|158250.75",
                "5|Edsger Dijkstra|Engineering|149999.99");

        assertThat(post(https, "06-update-with-diff.json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(post(https, "18-resolved-later.json", TOKEN).statusCode()).isEqualTo(200);
        assertThat(failback.awaitApplied(R3, Duration.ofSeconds(30))).isTrue();
        assertThat(rows("SELECT id, name, department, salary FROM $S.employees ORDER BY id")).containsExactly(
                "3|Alan Turing|Engineering|175000.00", "4|Katherine Johnson|Research|158250.75",
                "5|Edsger Dijkstra|Engineering|149999.99");
        assertThat(rows("SELECT id, employee_id, status, total FROM $S.orders ORDER BY id")).containsExactly(
                "3f2b8c1e-9d4a-4e7b-a1c2-5d6e7f8a9b0c|3|paid|1299.90", "7c9e6679-7425-40de-944b-e07fc1f90ae7|4|pending|42.00");
        assertThat(schema.one("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                + schema.stagingSchema() + "'")).as("staging tables in failback.staging-schema").isNotEqualTo("0");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(app("/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode failbackHealth = new ObjectMapper().readTree(health.body()).path("components").path("failback");
        assertThat(failbackHealth.path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(failbackHealth.path("details").path("state").asText()).isEqualTo("RUNNING");
        assertThat(failbackHealth.path("details").path("lastResolvedApplied").asText()).isEqualTo(R3.toString());

        double applied = registry.find("failback.applied").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(applied).as("failback.applied in the application's registry").isEqualTo(7); // 5 + 2 upserts
        String prometheus = http.send(HttpRequest.newBuilder(app("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(prometheus).contains("failback_applied_rows_total{", "apply_upserts_total{");

        // what closing the application must do is checked by ClosedWithTheApplication, once Spring closed it
        closedFailback = failback;
        closedSinkPort = sink.port();
        closedRegistry = registry;
    }

    private HttpResponse<String> post(HttpClient client, String fixture, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sink.uri() + schema.path()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(fixture(fixture)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = FailbackSpringBootIT.class.getResourceAsStream("/fixtures/changefeed/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private URI app(String path) {
        return URI.create("http://127.0.0.1:" + serverPort + path);
    }

    private static List<String> rows(String sql) throws Exception {
        return schema.query(sql).stream()
                .map(r -> String.join("|", r.stream().map(String::valueOf).toList())).toList();
    }

    /** Trusts exactly the sink's self-signed certificate. */
    private static SSLContext trusting(List<X509Certificate> chain) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("failback-sink", chain.get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
