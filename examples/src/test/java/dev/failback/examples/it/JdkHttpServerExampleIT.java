package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.it.Bodies;
import dev.failback.examples.embed.JdkHttpServerExample;
import dev.failback.testing.PostgresSchema;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The changefeed fixtures, POSTed to {@link Failback#webhookHandler()} mounted in the JDK's
 * {@code HttpServer} by {@link JdkHttpServerExample}: rows land, statuses pass through unchanged, the
 * authenticator is honoured, and after close the handler answers 503.
 */
class JdkHttpServerExampleIT {

    @Test
    void fixturesLandThroughTheJdkHttpServer() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("embed", "hr.sql")) {
            Failback failback = Failback.builder().authenticator(JdkHttpServerExample.bearer("s3cret"))
                    .name("embed").target(db.dataSource()).stagingSchema(db.stagingSchema())
                    .createStagingSchema(true).start();
            HttpServer server = JdkHttpServerExample.serve(failback.webhookHandler(),
                    new InetSocketAddress("127.0.0.1", 0), 4);
            try {
                String base = "http://127.0.0.1:" + server.getAddress().getPort();
                assertThat(post(base + db.path(), "11-initial-scan.json", null).statusCode()).isEqualTo(401);
                for (String f : new String[] {"11-initial-scan.json", "02-insert-employees-batch.json",
                    "03-insert-orders.json", "04-insert-payments-composite-pk.json", "09-resolved.json"}) {
                    HttpResponse<String> r = post(base + db.path(), f, "Bearer s3cret");
                    assertThat(r.statusCode()).as(f + ": " + r.body()).isEqualTo(200);
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
                }
                HttpResponse<String> bad = post(base + db.path(), "90-malformed-truncated.json", "Bearer s3cret");
                assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
                assertThat(post(base + "/nope", "09-resolved.json", "Bearer s3cret").statusCode()).isEqualTo(404);
                assertThat(post(base + "/%3Cnope%3E", "09-resolved.json", "Bearer s3cret").statusCode()).isEqualTo(404);

                assertThat(failback.awaitApplied(Hlc.parse("1759246947250000000.0000000000"), Duration.ofSeconds(30)))
                        .isTrue();
                assertThat(db.one("SELECT count(*) FROM $S.employees")).isEqualTo("5");
                assertThat(db.one("SELECT name FROM $S.employees WHERE id = 4")).isEqualTo("Katherine Johnson");
                assertThat(db.one("SELECT count(*) FROM $S.orders")).isNotEqualTo("0");
                assertThat(db.one("SELECT count(*) FROM $S.payments")).isNotEqualTo("0");

                // the admin paths come with the webhook handler, the status page with its own headers
                HttpClient client = HttpClient.newHttpClient();
                HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/_/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
                assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'none'");
                assertThat(page.body()).contains("<td><code>" + db.path().substring(1).replace('/', '.') + "</code></td>")
                        .contains("&lt;nope&gt;"); // the 404 below, escaped
                HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/_/status"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.body()).isEmpty();

                failback.close();
                HttpResponse<String> late = post(base + db.path(), "02-insert-employees-batch.json", "Bearer s3cret");
                assertThat(late.statusCode()).as("after close: " + late.body()).isEqualTo(503);
            } finally {
                JdkHttpServerExample.stop(server, failback, Duration.ofSeconds(1));
            }
        }
    }

    private static HttpResponse<String> post(String url, String fixture, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Bodies.fixture(fixture)));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
