package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.core.auth.BearerTokenAuthenticator;
import dev.failback.jetty.JettyAdminServer;
import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import dev.failback.jetty.testing.Flood;
import dev.failback.jetty.testing.TestCertificates;
import dev.failback.testing.PostgresSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data port of the real pipeline on PostgreSQL, set up as {@code failback start} runs it (TLS, a
 * bearer token, metrics and health on a separate port), under the attacks of the security review:
 * 250 slow unauthenticated clients (bodies trickled without an {@code Authorization} header, and slow
 * headers), idle TLS connections beyond the old cap of 1,024, and {@code Expect: 100-continue}
 * without a token. An authenticated changefeed keeps its latency, and {@code /_/healthz} on the
 * metrics port says 503 while the port is at its connection cap and 200 after.
 */
class DataPortFloodIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private final String token = "flood-" + UUID.randomUUID();
    private PostgresSchema db;
    private Failback failback;
    private JettySink sink;
    private JettyAdminServer admin;
    private SSLContext trust;
    private int nextId = 1;

    @BeforeEach
    void start() throws Exception {
        db = PostgresSchema.create("flood");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        sink = JettySink.builder().host("127.0.0.1").port(0).tls(TlsConfig.selfSigned().build()).varz(false).build();
        failback = Failback.builder().name("flood").target(db.dataSource()).stagingSchema(db.name() + "_staging")
                .createStagingSchema(true).authenticator(BearerTokenAuthenticator.of(token)).sink(sink).start();
        admin = JettyAdminServer.bind("127.0.0.1", 0);
        admin.start(failback.name(), failback.adminHandler());
        trust = TestCertificates.trustingContext(null, sink.certificateChain().get(0));
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (failback != null) {
            failback.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private HttpClient changefeed() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Posts authenticated batches one after the other, as a changefeed does; returns each latency in ms. */
    private List<Double> send(HttpClient client, int count) throws Exception {
        List<Double> millis = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = nextId++;
            byte[] body = batch(upsert("kv", id, "v" + id, hlc(T + id))).getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(sink.uri().resolve(db.path()))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            millis.add((System.nanoTime() - start) / 1e6);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return millis;
    }

    private HttpResponse<String> healthz() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.uri().resolve("/_/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double percentile(List<Double> millis, double p) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * p) - 1);
    }

    private static String figures(List<Double> millis) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(millis, 0.5), percentile(millis, 0.99),
                Collections.max(millis));
    }

    @Test
    void slowUnauthenticatedClientsDoNotStarveTheChangefeed() throws Exception {
        HttpClient changefeed = changefeed();
        send(changefeed, 20);
        List<Double> before = send(changefeed, 100);
        List<Double> during;
        // more slow bodies than the 200 request threads, as the attack pass had
        Flood flood = Flood.start("127.0.0.1", sink.port(), trust.getSocketFactory(), db.path(), 220, 30,
                Duration.ofMillis(200));
        try {
            Thread.sleep(3000);
            during = send(changefeed, 200);
            System.out.println("DataPortFloodIT: 250 slow unauthenticated TLS clients (220 trickled bodies, 30 slow"
                    + " headers): changefeed latency before " + figures(before) + "; during " + figures(during)
                    + "; attackers' connections closed by the server " + flood.reconnects() + " times, " + flood.open()
                    + " attacker sockets open at the end");
        } finally {
            flood.close();
        }
        assertThat(percentile(during, 0.99)).isLessThanOrEqualTo(Math.max(1000, 5 * percentile(before, 0.99)));
        assertThat(healthz().statusCode()).isEqualTo(200);
        assertThat(failback.status().counters().rejected()).as("401s").isGreaterThan(100);
    }

    @Test
    void idleTlsConnectionsBeyondTheOldCapEvictStrangersAndHealthzSays503() throws Exception {
        HttpClient changefeed = changefeed();
        send(changefeed, 20);
        List<Double> before = send(changefeed, 100);
        assertThat(healthz().statusCode()).isEqualTo(200);
        int attack = JettySink.DEFAULT_MAX_CONNECTIONS + 200;
        List<InetAddress> from = List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"),
                InetAddress.getByName("127.0.0.4")); // each address under its own cap
        List<Double> during;
        List<Double> fresh;
        // idle connections kept open: one the server closes is opened again
        try (Flood flood = Flood.idle("127.0.0.1", sink.port(), from, attack / from.size())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (flood.reconnects() < attack - JettySink.DEFAULT_MAX_CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            during = send(changefeed, 100);
            fresh = send(changefeed(), 5); // a new connection gets in: it evicts an idle stranger
            HttpResponse<String> saturated = healthz();
            System.out.println("DataPortFloodIT: " + attack + " idle TLS connections kept open (cap "
                    + JettySink.DEFAULT_MAX_CONNECTIONS + "): changefeed latency before " + figures(before) + "; during "
                    + figures(during) + "; a new changefeed connection " + figures(fresh) + "; idle connections closed"
                    + " by the server " + flood.reconnects() + " times; healthz " + saturated.statusCode() + " "
                    + saturated.body().strip());
            assertThat(saturated.statusCode()).isEqualTo(503);
            assertThat(saturated.body()).contains("at its cap of 1024 connections");
            assertThat(flood.reconnects()).isGreaterThanOrEqualTo(attack - JettySink.DEFAULT_MAX_CONNECTIONS);
        }
        assertThat(percentile(during, 0.99)).isLessThanOrEqualTo(Math.max(1000, 5 * percentile(before, 0.99)));
        long start = System.nanoTime();
        HttpResponse<String> after = healthz();
        while (after.statusCode() != 200 && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(500);
            after = healthz();
        }
        System.out.println("DataPortFloodIT: healthz " + after.statusCode() + " again "
                + (System.nanoTime() - start) / 1_000_000 + " ms after the flood stopped");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        send(changefeed, 5);
    }

    @Test
    void expectContinueWithoutATokenGetsAFinal401AndNo100Continue() throws Exception {
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", sink.port())) {
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            out.write(("POST " + db.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4194304\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readFor(s, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("DataPortFloodIT: Expect: 100-continue without a token: \""
                    + answer.lines().findFirst().orElse("") + "\", connection closed after " + millis
                    + " ms; 100 Continue sent: " + answer.contains("100 Continue"));
            assertThat(answer).startsWith("HTTP/1.1 401 ").doesNotContain("100 Continue");
            assertThat(millis).isLessThan(3000);
        }
        assertThat(send(changefeed(), 1)).hasSize(1);
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
}
