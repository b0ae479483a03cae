package dev.failback.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JettySinkIT {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private JettySink sink;

    @AfterEach
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    private JettySink start(WebhookHandler handler) throws Exception {
        sink = JettySink.builder().host("127.0.0.1").port(0).stopTimeout(Duration.ofSeconds(5)).build();
        sink.start("test", handler);
        return sink;
    }

    private HttpResponse<String> post(String pathAndQuery, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] readAll(WebhookRequest r) {
        try {
            return r.body().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void postReachesHandlerWithExactBodyHeadersPathAndQuery() throws Exception {
        AtomicReference<WebhookRequest> seen = new AtomicReference<>();
        AtomicReference<byte[]> seenBody = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        start(r -> {
            seen.set(r);
            seenBody.set(readAll(r));
            thread.set(Thread.currentThread().getName());
            return new WebhookResponse(200, "ok");
        });
        byte[] body = "{\"payload\":[{\"after\": {\"id\": 1, \"name\": \"ü <&>\"}, \"key\": [1]}],\"length\":1}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post("/hr/my%20schema?a=1&tenant=acme+x%2Fy", body,
                "Content-Type", "application/json", "Authorization", "Bearer s3cr3t", "X-Multi", "one", "X-Multi", "two");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        WebhookRequest r = seen.get();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hr/my schema");
        assertThat(r.query()).isEqualTo("a=1&tenant=acme+x%2Fy");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("AUTHORIZATION")).isEqualTo("Bearer s3cr3t");
        assertThat(r.headers().get("x-multi")).containsExactly("one", "two");
        assertThat(r.contentLength()).isEqualTo(body.length);
        assertThat(seenBody.get()).isEqualTo(body);
        assertThat(thread.get()).startsWith("failback-test-http-");
    }

    @Test
    void queryIsNullWithoutQuestionMarkAndEmptyBodyIsEmptyStream() throws Exception {
        AtomicReference<WebhookRequest> seen = new AtomicReference<>();
        AtomicReference<byte[]> seenBody = new AtomicReference<>();
        start(r -> {
            seen.set(r);
            seenBody.set(readAll(r));
            return new WebhookResponse(200, "");
        });
        HttpResponse<String> response = post("/db/public", new byte[0]);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("\n");
        assertThat(seen.get().query()).isNull();
        assertThat(seenBody.get()).isEmpty();
    }

    @Test
    void statusAndMessageAreReturned() throws Exception {
        start(r -> new WebhookResponse(404, "unknown schema hr.nope"));
        HttpResponse<String> response = post("/hr/nope", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("unknown schema hr.nope\n");
    }

    @Test
    void otherMethodsReachTheHandlerToo() throws Exception {
        start(r -> new WebhookResponse(405, "method " + r.method() + " not allowed"));
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body()).isEqualTo("method GET not allowed\n");
    }

    @Test
    void handlerExceptionBecomes500() throws Exception {
        start(r -> {
            throw new IllegalStateException("boom");
        });
        HttpResponse<String> response = post("/hr/public", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("boom");
        // The server keeps serving afterwards.
        assertThat(post("/hr/public", new byte[0]).statusCode()).isEqualTo(500);
    }

    @Test
    void servesConcurrentRequests() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        start(r -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                byte[] body = readAll(r);
                Thread.sleep(50);
                return new WebhookResponse(200, new String(body, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new WebhookResponse(503, "interrupted");
            } finally {
                inFlight.decrementAndGet();
            }
        });
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/hr/public"))
                    .POST(HttpRequest.BodyPublishers.ofString("body-" + i)).build();
            futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < futures.size(); i++) {
            HttpResponse<String> response = futures.get(i).get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("body-" + i + "\n");
        }
        assertThat(maxInFlight.get()).isGreaterThan(1);
    }

    @Test
    void closeIsIdempotentAndReleasesThePort() throws Exception {
        start(r -> new WebhookResponse(200, "ok"));
        int port = sink.port();
        assertThat(post("/a/b", new byte[0]).statusCode()).isEqualTo(200);
        sink.close();
        sink.close();
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        assertThatThrownBy(() -> sink.start("again", r -> new WebhookResponse(200, "")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeLetsRequestsInFlightFinish() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(r -> {
            readAll(r);
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new WebhookResponse(200, "staged");
        });
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/hr/public"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(sink::close);
        closer.start();
        Thread.sleep(200);
        release.countDown();
        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("staged\n");
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
    }

    @Test
    void portBeforeStartIsAnError() {
        JettySink notStarted = JettySink.bind("127.0.0.1", 0);
        assertThatThrownBy(notStarted::port).isInstanceOf(IllegalStateException.class);
        notStarted.close();
    }

    @Test
    void builderRejectsBadValues() {
        assertThatThrownBy(() -> JettySink.builder().port(70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 70000");
        assertThatThrownBy(() -> JettySink.builder().stopTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JettySink.builder().host(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void startFailsWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            JettySink clash = JettySink.bind("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> clash.start("clash", r -> new WebhookResponse(200, "")))
                    .isInstanceOf(IOException.class);
            clash.close();
        }
    }
}
