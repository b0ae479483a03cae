package dev.failback.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits and admin paths of {@link JettySink}, and {@link JettyAdminServer}, over real HTTP. */
class JettySinkLimitsIT {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<WebhookRequest> seen = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private JettySink sink;
    private JettyAdminServer admin;

    @AfterEach
    void close() {
        if (sink != null) {
            sink.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    private WebhookResponse record(WebhookRequest r) {
        seen.add(r);
        try (InputStream in = r.body()) {
            bodies.add(new String(in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new WebhookResponse(200, r.method() + " " + r.path());
    }

    private HttpResponse<String> send(String method, URI base, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void headersOverTheLimitAre431AndNeverReachTheHandler() throws Exception {
        sink = JettySink.builder().host("127.0.0.1").port(0).requestHeaderSize(4096).build();
        sink.start("limits", this::record);
        URI base = sink.uri();
        HttpResponse<String> fits = send("POST", base, "/db/public", "{}", "Authorization", "Bearer " + "a".repeat(3000));
        assertThat(fits.statusCode()).isEqualTo(200);
        HttpResponse<String> over = send("POST", base, "/db/public", "{}", "Authorization", "Bearer " + "a".repeat(5000));
        assertThat(over.statusCode()).isEqualTo(431);
        assertThat(seen).hasSize(1);
    }

    @Test
    void defaultHeaderLimitIs16KiB() throws Exception {
        sink = JettySink.bind("127.0.0.1", 0);
        sink.start("limits", this::record);
        assertThat(send("POST", sink.uri(), "/db/public", "{}", "X-Big", "b".repeat(15_000)).statusCode())
                .isEqualTo(200);
        assertThat(send("POST", sink.uri(), "/db/public", "{}", "X-Big", "b".repeat(17_000)).statusCode())
                .isEqualTo(431);
    }

    @Test
    void varzCanBeTurnedOffOnTheDataPort() throws Exception {
        sink = JettySink.builder().host("127.0.0.1").port(0).varz(false).build();
        sink.start("limits", this::record);
        for (String path : new String[] {"/_/varz", "/_/varz/"}) {
            HttpResponse<String> varz = send("GET", sink.uri(), path, null);
            assertThat(varz.statusCode()).as(path).isEqualTo(404);
            assertThat(varz.body()).contains("metrics are not served on this port");
        }
        for (String path : new String[] {"/_/status", "/_/status/"}) {
            HttpResponse<String> status = send("GET", sink.uri(), path, null);
            assertThat(status.statusCode()).as(path).isEqualTo(404);
            assertThat(status.body()).contains("the status page is not served on this port");
        }
        assertThat(seen).isEmpty();
        assertThat(send("GET", sink.uri(), "/_/healthz", null).body()).isEqualTo("GET /_/healthz\n");
        assertThat(send("POST", sink.uri(), "/_/varzz", "{}").body()).isEqualTo("POST /_/varzz\n");
        assertThat(send("GET", sink.uri(), "/_/statusz", null).body()).isEqualTo("GET /_/statusz\n");
        assertThat(seen).hasSize(3);
    }

    @Test
    void varzIsPassedOnByDefault() throws Exception {
        sink = JettySink.bind("127.0.0.1", 0);
        sink.start("limits", this::record);
        assertThat(send("GET", sink.uri(), "/_/varz", null).body()).isEqualTo("GET /_/varz\n");
        assertThat(send("GET", sink.uri(), "/_/status", null).body()).isEqualTo("GET /_/status\n");
    }

    @Test
    void anAnswersHeadersAndContentTypeAreWritten() throws Exception {
        sink = JettySink.bind("127.0.0.1", 0);
        sink.start("limits", request -> new WebhookResponse(200, "<p>hi</p>", null,
                java.util.Map.of("Content-Type", "text/html; charset=utf-8", "X-Content-Type-Options", "nosniff")));
        HttpResponse<String> page = send("GET", sink.uri(), "/_/status", null);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().allValues("Content-Type")).hasSize(1);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).isEqualTo("<p>hi</p>\n");
    }

    @Test
    void adminServerPassesOnlyGetAndHeadWithoutBody() throws Exception {
        admin = JettyAdminServer.bind("127.0.0.1", 0);
        admin.start("limits", this::record);
        HttpResponse<String> get = send("GET", admin.uri(), "/_/healthz?verbose=1", null, "Authorization", "none");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("GET /_/healthz\n");
        assertThat(get.headers().firstValue("Content-Type")).hasValue(JettySinkHandler.CONTENT_TYPE);
        assertThat(seen.get(0).query()).isEqualTo("verbose=1");
        assertThat(seen.get(0).header("Authorization")).isEqualTo("none");
        assertThat(send("HEAD", admin.uri(), "/_/livez", null).statusCode()).isEqualTo(200);
        HttpResponse<String> post = send("POST", admin.uri(), "/db/public", "{\"payload\":[]}");
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> sneaky = send("GET", admin.uri(), "/db/public", "{\"payload\":[]}");
        assertThat(sneaky.statusCode()).isEqualTo(200);
        assertThat(seen).hasSize(3);
        assertThat(bodies).containsOnly("");
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("failback-limits-admin-"));
    }

    @Test
    void multiLineAnswersAreNotGivenAnotherNewline() throws Exception {
        admin = JettyAdminServer.bind("127.0.0.1", 0);
        admin.start("limits", r -> new WebhookResponse(200, "# TYPE x gauge\nx 1.0\n"));
        assertThat(send("GET", admin.uri(), "/_/varz", null).body()).isEqualTo("# TYPE x gauge\nx 1.0\n");
    }

    @Test
    void adminServerLifecycle() throws Exception {
        JettyAdminServer server = JettyAdminServer.bind("127.0.0.1", 0);
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        server.start("limits", this::record);
        assertThatThrownBy(() -> server.start("limits", this::record)).isInstanceOf(IllegalStateException.class);
        int port = server.port();
        server.close();
        server.close();
        JettyAdminServer again = JettyAdminServer.bind("127.0.0.1", port);
        again.start("limits", this::record); // the port was released
        again.close();
        assertThatThrownBy(() -> JettyAdminServer.bind("127.0.0.1", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JettySink.builder().requestHeaderSize(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestHeaderSize must be >= 1024, but was 100");
        assertThatThrownBy(() -> JettySink.builder().maxConnections(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isVarzMatchesThePipelinesPathRules() {
        assertThat(AdminPaths.isVarz("/_/varz")).isTrue();
        assertThat(AdminPaths.isVarz("/_/varz/")).isTrue();
        assertThat(AdminPaths.isVarz("//_//varz")).isTrue();
        assertThat(AdminPaths.isVarz("/_/healthz")).isFalse();
        assertThat(AdminPaths.isVarz("/_/varz/x")).isFalse();
        assertThat(AdminPaths.isVarz("/db/_/varz")).isFalse();
    }
}
