package dev.failback.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.jetty.testing.TestCertificates;
import dev.failback.jetty.testing.TestCertificates.Issued;
import dev.failback.jetty.testing.TestCertificates.KeyFormat;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JettySink} over HTTPS on real sockets: HTTP/1.1 and HTTP/2 by ALPN, mTLS, protocols, rotation. */
class JettySinkTlsIT {
    @TempDir
    Path dir;
    private TestCertificates pki;
    private JettySink sink;
    private final AtomicReference<WebhookRequest> seen = new AtomicReference<>();
    private final AtomicReference<byte[]> seenBody = new AtomicReference<>();

    private final WebhookHandler echo = r -> {
        seen.set(r);
        try {
            seenBody.set(r.body().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new WebhookResponse(200, "ok");
    };

    @BeforeEach
    void pki() {
        pki = TestCertificates.create(dir);
    }

    @AfterEach
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    private JettySink start(TlsConfig tls) throws Exception {
        sink = JettySink.builder().host("127.0.0.1").port(0).stopTimeout(Duration.ofSeconds(5)).tls(tls).build();
        sink.start("tls", echo);
        return sink;
    }

    private static HttpClient client(SSLContext context, HttpClient.Version version, String... protocols) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        return HttpClient.newBuilder().version(version).sslContext(context).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> post(HttpClient client, String host, String pathAndQuery, byte[] body,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + host + ":" + sink.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient client) throws Exception {
        return post(client, "localhost", "/db/public", "{\"payload\":[],\"length\":0}".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void postOverHttpsReachesTheHandlerExactly(HttpClient.Version version) throws Exception {
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).build());
        assertThat(sink.uri().toString()).isEqualTo("https://127.0.0.1:" + sink.port());
        byte[] body = "{\"payload\":[{\"after\": {\"id\": 1, \"name\": \"ü <&>\"}, \"key\": [1]}],\"length\":1}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(client(pki.clientContext(null), version), "127.0.0.1",
                "/hr/my%20schema?a=1&tenant=acme+x%2Fy", body,
                "Content-Type", "application/json", "Authorization", "Bearer s3cr3t", "X-Multi", "one", "X-Multi", "two");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
        assertThat(response.body()).isEqualTo("ok\n");
        assertThat(serialOf(response)).isEqualTo(pki.server.certificate().getSerialNumber());
        WebhookRequest r = seen.get();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/hr/my schema");
        assertThat(r.query()).isEqualTo("a=1&tenant=acme+x%2Fy");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("AUTHORIZATION")).isEqualTo("Bearer s3cr3t");
        assertThat(r.headers().get("x-multi")).containsExactly("one", "two");
        assertThat(seenBody.get()).isEqualTo(body);
    }

    /**
     * Raw ALPN as curl and Go offer it: {@code http/1.1} alone gets HTTP/1.1, no ALPN gets the default
     * HTTP/1.1, and {@code h2} wins whenever offered (the server's preference, which is what makes
     * CockroachDB's {@code ForceAttemptHTTP2} client speak HTTP/2).
     */
    @ParameterizedTest
    @CsvSource({"http/1.1", "http/1.1;h2", "''"})
    void alpnPrefersH2AndServesHttp11WhenAskedOrWithoutAlpn(String offered) throws Exception {
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).build());
        String[] protocols = offered.isEmpty() ? new String[0] : offered.split(";");
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) pki.clientContext(null).getSocketFactory()
                .createSocket("127.0.0.1", sink.port())) {
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(protocols);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            boolean h2 = List.of(protocols).contains("h2");
            assertThat(socket.getApplicationProtocol()).isEqualTo(h2 ? "h2" : protocols.length == 0 ? "" : protocols[0]);
            if (h2) {
                return;
            }
            socket.getOutputStream().write(("POST /db/public HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok\n");
            assertThat(seenBody.get()).isEqualTo("{}".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void selfSignedCertificateServesAClientThatTrustsIt() throws Exception {
        start(TlsConfig.selfSigned().build());
        List<X509Certificate> chain = sink.certificateChain();
        assertThat(chain).hasSize(1);
        X509Certificate cert = chain.get(0);
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))))
                .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(365), Duration.ofDays(366));

        HttpClient trusting = client(TestCertificates.trustingContext(null, cert), HttpClient.Version.HTTP_2);
        HttpResponse<String> response = post(trusting);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(post(trusting, "127.0.0.1", "/db/public", new byte[0]).statusCode()).isEqualTo(200);

        // A client that trusts only the test CA refuses the self-signed certificate.
        assertThatThrownBy(() -> post(client(pki.clientContext(null), HttpClient.Version.HTTP_2)))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void mutualTlsAcceptsOnlyClientsWithACertificateFromTheClientCa(HttpClient.Version version) throws Exception {
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).clientCa(pki.ca.certificateFile()).build());

        assertThatThrownBy(() -> post(client(pki.clientContext(null), version)))
                .as("no client certificate").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> post(client(pki.clientContext(pki.otherClient), version)))
                .as("client certificate from another CA").isInstanceOf(IOException.class);
        assertThat(seen.get()).as("no request reached the handler").isNull();

        HttpResponse<String> response = post(client(pki.clientContext(pki.client), version));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
        assertThat(seen.get()).isNotNull();
    }

    @Test
    void clientCaBundleMayHoldSeveralCas() throws Exception {
        Path bundle = dir.resolve("bundle.crt");
        Files.writeString(bundle, TestCertificates.pem(pki.otherCa.certificate(), pki.ca.certificate()));
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).clientCa(bundle).build());
        assertThat(post(client(pki.clientContext(pki.client), HttpClient.Version.HTTP_2)).statusCode()).isEqualTo(200);
        assertThat(post(client(pki.clientContext(pki.otherClient), HttpClient.Version.HTTP_2)).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"TLSv1.2", "TLSv1.3"})
    void tls12And13AreAccepted(String protocol) throws Exception {
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).build());
        HttpResponse<String> response = post(client(pki.clientContext(null), HttpClient.Version.HTTP_2, protocol));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.sslSession().orElseThrow().getProtocol()).isEqualTo(protocol);
    }

    /**
     * The JDK client refuses TLS 1.1 by itself ({@code jdk.tls.disabledAlgorithms}), so this test
     * speaks to the server with a hand-made TLS 1.1 ClientHello and checks the server answers with
     * an alert (or closes) instead of a ServerHello.
     */
    @Test
    void tls11ClientIsRefused() throws Exception {
        start(TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).build());
        try (Socket socket = new Socket("127.0.0.1", sink.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int contentType;
            try {
                contentType = in.readUnsignedByte();
            } catch (EOFException | java.net.SocketException closed) {
                return; // closed without a ServerHello: refused
            }
            assertThat(contentType).as("TLS record type: 21 = alert, 22 = handshake").isEqualTo(21);
            in.readUnsignedShort(); // record version
            in.readUnsignedShort(); // length
            assertThat(in.readUnsignedByte()).as("alert level fatal").isEqualTo(2);
            assertThat(in.readUnsignedByte()).as("alert: protocol_version (70) or handshake_failure (40)")
                    .isIn(70, 40);
        }
    }

    private static byte[] tls11ClientHello() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String hex = "0302" // client_version TLS 1.1
                + HexFormat.of().formatHex(random)
                + "00" // session id
                + "000a" + "c013" + "c009" + "c014" + "c00a" + "002f" // cipher suites (CBC, as TLS 1.1 has)
                + "0100" // compression: null
                + "0013" // extensions length: 8 + 6 + 5
                + "000a" + "0004" + "0002" + "0017" // supported_groups: secp256r1
                + "000b" + "0002" + "0100" // ec_point_formats: uncompressed
                + "ff01" + "0001" + "00"; // renegotiation_info
        byte[] body = HexFormat.of().parseHex(hex);
        byte[] handshake = new byte[4 + body.length];
        handshake[0] = 1; // client_hello
        handshake[1] = (byte) (body.length >> 16);
        handshake[2] = (byte) (body.length >> 8);
        handshake[3] = (byte) body.length;
        System.arraycopy(body, 0, handshake, 4, body.length);
        byte[] record = new byte[5 + handshake.length];
        record[0] = 22; // handshake
        record[1] = 3;
        record[2] = 2; // TLS 1.1
        record[3] = (byte) (handshake.length >> 8);
        record[4] = (byte) handshake.length;
        System.arraycopy(handshake, 0, record, 5, handshake.length);
        return record;
    }

    @ParameterizedTest
    @CsvSource({"EC,PKCS8", "EC,TRADITIONAL", "RSA,PKCS8", "RSA,TRADITIONAL"})
    void readsPkcs8Pkcs1AndSec1Keys(String algorithm, KeyFormat format) throws Exception {
        Issued server = pki.newServer("server-" + algorithm + "-" + format, algorithm, format);
        String keyText = Files.readString(server.keyFile());
        assertThat(keyText).startsWith(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                : algorithm.equals("RSA") ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
        start(TlsConfig.pem(server.certificateFile(), server.keyFile()).build());
        HttpResponse<String> response = post(client(pki.clientContext(null), HttpClient.Version.HTTP_2));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(serialOf(response)).isEqualTo(server.certificate().getSerialNumber());
    }

    @Test
    void servesAChainWithItsIntermediates() throws Exception {
        Path chain = dir.resolve("chain.crt");
        Files.writeString(chain, TestCertificates.pem(pki.server.certificate(), pki.ca.certificate()));
        start(TlsConfig.pem(chain, pki.server.keyFile()).build());
        assertThat(sink.certificateChain()).hasSize(2);
        HttpResponse<String> response = post(client(pki.clientContext(null), HttpClient.Version.HTTP_1_1));
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()).hasSize(2);
    }

    @Test
    void rotatedCertificateIsServedWithoutARestart() throws Exception {
        Path cert = dir.resolve("live.crt");
        Path key = dir.resolve("live.key");
        Files.copy(pki.server.certificateFile(), cert);
        Files.copy(pki.server.keyFile(), key);
        start(TlsConfig.pem(cert, key).clientCa(pki.ca.certificateFile()).reloadInterval(Duration.ofMillis(100)).build());
        int port = sink.port();
        BigInteger first = pki.server.certificate().getSerialNumber();
        assertThat(serialOf(post(client(pki.clientContext(pki.client), HttpClient.Version.HTTP_2)))).isEqualTo(first);

        // Half a rotation: the new certificate without its key is not usable; the old one stays.
        Issued next = pki.newServer("next", "RSA", KeyFormat.TRADITIONAL);
        replace(next.certificateFile(), cert);
        Thread.sleep(600);
        assertThat(serialOf(post(client(pki.clientContext(pki.client), HttpClient.Version.HTTP_2)))).isEqualTo(first);
        assertThat(sink.certificateChain().get(0).getSerialNumber()).isEqualTo(first);

        // The key arrives: new connections get the new certificate, on the same port, mTLS still on.
        replace(next.keyFile(), key);
        BigInteger served = first;
        for (int i = 0; i < 100 && served.equals(first); i++) {
            Thread.sleep(100);
            served = serialOf(post(client(pki.clientContext(pki.client), HttpClient.Version.HTTP_2)));
        }
        assertThat(served).isEqualTo(next.certificate().getSerialNumber());
        assertThat(sink.certificateChain().get(0).getSerialNumber()).isEqualTo(served);
        assertThat(sink.port()).isEqualTo(port);
        assertThatThrownBy(() -> post(client(pki.clientContext(null), HttpClient.Version.HTTP_2)))
                .as("client certificates still required after the reload").isInstanceOf(IOException.class);
    }

    @Test
    void startFailsNamingAFileThatDisappearedAfterBuild() throws Exception {
        Path cert = dir.resolve("gone.crt");
        Files.copy(pki.server.certificateFile(), cert);
        TlsConfig tls = TlsConfig.pem(cert, pki.server.keyFile()).build();
        Files.delete(cert);
        sink = JettySink.builder().host("127.0.0.1").port(0).tls(tls).build();
        assertThatThrownBy(() -> sink.start("tls", echo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS certificate file " + cert).hasMessageContaining("no such file");
    }

    private static void replace(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static BigInteger serialOf(HttpResponse<?> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }
}
