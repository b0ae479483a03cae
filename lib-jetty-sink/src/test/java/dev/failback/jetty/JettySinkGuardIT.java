package dev.failback.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.jetty.testing.Flood;
import dev.failback.jetty.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data port under unauthenticated floods, over real sockets: refused requests are answered at
 * once and their connections closed, {@code Expect: 100-continue} gets no {@code 100 Continue} before
 * a refusal, header and body deadlines, the per-address and total connection caps with eviction of
 * idle unauthenticated connections, and {@link JettySink#saturation()}. The handler authenticates
 * before it reads the body and never reads a refused one, as the pipeline does.
 */
class JettySinkGuardIT {
    private static final String TOKEN = "Bearer secret";
    private static final byte[] BODY = "{\"payload\":[]}".getBytes(StandardCharsets.UTF_8);
    private JettySink sink;

    @AfterEach
    void close() {
        if (sink != null) {
            sink.close();
        }
    }

    private static WebhookResponse handle(WebhookRequest r) {
        if (AdminPaths.isAdmin(r.path())) {
            return new WebhookResponse(200, "OK");
        }
        if (!r.method().equals("POST")) {
            return new WebhookResponse(405, "POST");
        }
        if (!TOKEN.equals(r.header("Authorization"))) {
            return new WebhookResponse(401, "missing or invalid access token");
        }
        try (InputStream in = r.body()) {
            return new WebhookResponse(200, "OK " + in.readAllBytes().length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JettySink start(JettySink.Builder b) throws Exception {
        sink = b.host("127.0.0.1").port(0).stopTimeout(Duration.ofSeconds(2)).build();
        sink.start("guard", JettySinkGuardIT::handle);
        return sink;
    }

    private static HttpClient client(SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        return tls == null ? b.build() : b.sslContext(tls).build();
    }

    /** Posts authenticated batches one after the other; returns each latency in milliseconds. */
    private static List<Double> send(HttpClient client, URI base, int count) throws Exception {
        List<Double> millis = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/db/public"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            millis.add((System.nanoTime() - start) / 1e6);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return millis;
    }

    static double p99(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    static double p50(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Reads what the server sends within a time, until it closes. */
    private static String readFor(Socket s, Duration wait) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + wait.toNanos();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < deadline) {
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    got.write("<EOF>".getBytes(StandardCharsets.US_ASCII));
                    break;
                }
                got.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException e) {
                got.write("<RESET>".getBytes(StandardCharsets.US_ASCII));
                break;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void expectContinueWithoutATokenGetsAFinal401AndNo100Continue() throws Exception {
        start(JettySink.builder());
        try (Socket s = new Socket("127.0.0.1", sink.port())) {
            long start = System.nanoTime();
            write(s, "POST /db/public HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4194304\r\nExpect: 100-continue\r\n\r\n");
            String answer = readFor(s, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("expect 100-continue without a token: " + millis + " ms to the final answer and close; "
                    + answer.lines().findFirst().orElse(""));
            assertThat(answer).startsWith("HTTP/1.1 401 ").doesNotContain("100 Continue")
                    .containsIgnoringCase("Connection: close").endsWith("<EOF>");
            assertThat(millis).isLessThan(2000);
        }
        try (Socket s = new Socket("127.0.0.1", sink.port())) {
            write(s, "POST /db/public HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN + "\r\n"
                    + "Content-Length: " + BODY.length + "\r\nExpect: 100-continue\r\n\r\n");
            assertThat(readFor(s, Duration.ofMillis(300))).startsWith("HTTP/1.1 100 Continue");
            s.getOutputStream().write(BODY);
            assertThat(readFor(s, Duration.ofMillis(1500))).startsWith("HTTP/1.1 200 ").endsWith("OK " + BODY.length + "\n");
        }
    }

    @Test
    void aRefusedTricklingBodyIsAnsweredAtOnceAndItsConnectionClosed() throws Exception {
        start(JettySink.builder());
        try (Socket s = new Socket("127.0.0.1", sink.port())) {
            long start = System.nanoTime();
            write(s, "POST /db/public HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n\r\n{");
            assertThat(readFor(s, Duration.ofMillis(500))).startsWith("HTTP/1.1 401 ").containsIgnoringCase("Connection: close");
            // whatever it goes on sending, the connection is closed soon after the answer
            String rest = "";
            for (int i = 0; i < 40 && !rest.contains("<"); i++) {
                try {
                    write(s, " ");
                } catch (IOException e) {
                    rest = "<RESET>";
                    break;
                }
                rest = readFor(s, Duration.ofMillis(100));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("refused trickling body: connection closed " + millis + " ms after the request (" + rest + ")");
            assertThat(rest).containsAnyOf("<EOF>", "<RESET>");
            assertThat(millis).isLessThan(3000);
        }
    }

    @Test
    void slowUnauthenticatedClientsDoNotStarveAnAuthenticatedSender() throws Exception {
        start(JettySink.builder().headerTimeout(Duration.ofSeconds(2)));
        HttpClient client = client(null);
        send(client, sink.uri(), 20); // warm up
        List<Double> before = send(client, sink.uri(), 100);
        List<Double> during;
        Flood flood = Flood.start("127.0.0.1", sink.port(), SocketFactory.getDefault(), "/db/public", 150, 100,
                Duration.ofMillis(200));
        try {
            Thread.sleep(3000); // every attacker connected, the slow headers past their deadline once
            during = send(client, sink.uri(), 200);
            System.out.printf("plain HTTP, %d slow unauthenticated clients (150 bodies, 100 headers): authenticated"
                    + " latency before p50 %.1f ms p99 %.1f ms; during p50 %.1f ms p99 %.1f ms; attackers reconnected"
                    + " %d times, %d open now; guard open %d, closed counts (evicted, refused, header, body) %s%n",
                    flood.size(), p50(before), p99(before), p50(during), p99(during), flood.reconnects(), flood.open(),
                    sink.guard().open(), java.util.Arrays.toString(sink.guard().closedCounts()));
            assertThat(flood.reconnects()).as("attackers cut off").isGreaterThan(100);
        } finally {
            flood.close();
        }
        assertThat(p99(during)).isLessThanOrEqualTo(Math.max(1000, 5 * p99(before)));
    }

    @Test
    void idleTlsConnectionsBeyondTheCapEvictUnauthenticatedOnesNotTheChangefeed() throws Exception {
        start(JettySink.builder().tls(TlsConfig.selfSigned().build()));
        SSLContext trust = TestCertificates.trustingContext(null, sink.certificateChain().get(0));
        HttpClient changefeed = client(trust);
        send(changefeed, sink.uri(), 20);
        List<Double> before = send(changefeed, sink.uri(), 100);
        assertThat(sink.saturation()).isEmpty();
        int attack = JettySink.DEFAULT_MAX_CONNECTIONS + 200;
        List<InetAddress> from = List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"),
                InetAddress.getByName("127.0.0.4")); // each address under its own cap
        List<Double> during;
        List<Double> fresh;
        try (Flood flood = Flood.idle("127.0.0.1", sink.port(), from, attack / from.size())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (flood.reconnects() < attack - JettySink.DEFAULT_MAX_CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            during = send(changefeed, sink.uri(), 100); // its connection was authenticated: never evicted
            fresh = send(client(trust), sink.uri(), 5); // a new connection evicts an idle one
            System.out.printf("TLS, %d idle connections kept open (cap %d): authenticated latency before p50 %.1f ms"
                    + " p99 %.1f ms; during p50 %.1f ms p99 %.1f ms; new connection p99 %.1f ms; idle ones closed by the"
                    + " server %d times; guard open %d, closed counts (evicted, refused, header, body) %s; saturation: %s%n",
                    attack, JettySink.DEFAULT_MAX_CONNECTIONS, p50(before), p99(before), p50(during), p99(during),
                    p99(fresh), flood.reconnects(), sink.guard().open(), java.util.Arrays.toString(sink.guard().closedCounts()),
                    sink.saturation().orElse("none"));
            assertThat(flood.reconnects()).isGreaterThanOrEqualTo(attack - JettySink.DEFAULT_MAX_CONNECTIONS);
            assertThat(sink.guard().open()).isLessThanOrEqualTo(JettySink.DEFAULT_MAX_CONNECTIONS);
            assertThat(sink.saturation()).hasValueSatisfying(s -> assertThat(s).contains("at its cap of 1024 connections"));
        }
        assertThat(p99(during)).isLessThanOrEqualTo(Math.max(1000, 5 * p99(before)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sink.saturation().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sink.saturation()).isEmpty();
    }

    @Test
    void perAddressCapEvictsTheOldestIdleConnectionOfThatAddress() throws Exception {
        start(JettySink.builder().maxConnectionsPerAddress(4));
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<Socket> first = Flood.idle("127.0.0.1", sink.port(), 4, other);
        Thread.sleep(100);
        List<Socket> more = Flood.idle("127.0.0.1", sink.port(), 2, other);
        Thread.sleep(300);
        try {
            assertThat(Flood.closedByServer(first)).isEqualTo(2);
            assertThat(Flood.closedByServer(more)).isZero();
            assertThat(sink.guard().closedCounts()[0]).isEqualTo(2);
            // another address is not limited by this one
            send(client(null), sink.uri(), 3);
            assertThat(sink.saturation()).isEmpty();
        } finally {
            for (Socket s : first) {
                s.close();
            }
            for (Socket s : more) {
                s.close();
            }
        }
    }

    @Test
    void headersNotCompleteWithinTheHeaderTimeoutCloseTheConnection() throws Exception {
        start(JettySink.builder().headerTimeout(Duration.ofSeconds(1)));
        try (Socket idle = new Socket("127.0.0.1", sink.port()); Socket partial = new Socket("127.0.0.1", sink.port());
                Socket changefeed = new Socket("127.0.0.1", sink.port())) {
            write(partial, "POST /db/public HTTP/1.1\r\nHost: x\r\n");
            String request = "POST /db/public HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN + "\r\nContent-Length: "
                    + BODY.length + "\r\n\r\n" + new String(BODY, StandardCharsets.ISO_8859_1);
            write(changefeed, request);
            assertThat(readFor(changefeed, Duration.ofMillis(500))).startsWith("HTTP/1.1 200 ");
            long start = System.nanoTime();
            assertThat(readFor(idle, Duration.ofSeconds(3))).isEqualTo("<EOF>");
            assertThat(readFor(partial, Duration.ofSeconds(3))).isEqualTo("<EOF>");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isLessThan(2500);
            // an authenticated connection idle between requests is left to the idle timeout
            Thread.sleep(1500);
            write(changefeed, request);
            assertThat(readFor(changefeed, Duration.ofMillis(500))).startsWith("HTTP/1.1 200 ");
            // but not in the middle of a request's headers
            write(changefeed, "POST /db/public HTTP/1.1\r\n");
            assertThat(readFor(changefeed, Duration.ofSeconds(3))).isEqualTo("<EOF>");
        }
    }

    @Test
    void aBodySlowerThanTheMinimumRateOrLongerThanTheBodyTimeoutIsCut() throws Exception {
        start(JettySink.builder().minRequestDataRate(1000).bodyTimeout(Duration.ofSeconds(3)));
        for (int rate : new int[] {100, 2000}) {
            try (Socket s = new Socket("127.0.0.1", sink.port())) {
                write(s, "POST /db/public HTTP/1.1\r\nHost: x\r\nAuthorization: " + TOKEN
                        + "\r\nContent-Length: 1000000\r\n\r\n");
                long start = System.nanoTime();
                String got = "";
                while (got.isEmpty() && System.nanoTime() - start < 10_000_000_000L) {
                    try {
                        write(s, " ".repeat(rate / 10));
                    } catch (IOException e) {
                        got = "<RESET>";
                        break;
                    }
                    got = readFor(s, Duration.ofMillis(100));
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.println("authenticated body at " + rate + " bytes/s (min 1000, body timeout 3 s): cut after "
                        + millis + " ms: " + got.lines().findFirst().orElse(""));
                assertThat(got).doesNotStartWith("HTTP/1.1 200");
                assertThat(millis).isBetween(rate < 1000 ? 900L : 2900L, rate < 1000 ? 2500L : 4500L);
            }
        }
        assertThat(sink.guard().closedCounts()[3]).isEqualTo(2);
        send(client(null), sink.uri(), 1);
    }

    @Test
    void builderRejectsBadLimits() {
        assertThatThrownBy(() -> JettySink.builder().maxConnectionsPerAddress(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConnectionsPerAddress must be > 0, but was 0");
        assertThatThrownBy(() -> JettySink.builder().minRequestDataRate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JettySink.builder().headerTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JettySink.builder().bodyTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThat(AdminPaths.isAdmin("//_/healthz")).isTrue();
        assertThat(AdminPaths.isAdmin("/db/_")).isFalse();
    }
}
