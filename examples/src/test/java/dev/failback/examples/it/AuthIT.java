package dev.failback.examples.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.upsert;
import static dev.failback.core.it.Keys.ec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.core.auth.Authenticators;
import dev.failback.core.auth.BearerTokenAuthenticator;
import dev.failback.core.auth.JdbcJwtKeyStore;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.core.auth.Jwts;
import dev.failback.core.auth.PemKeys;
import dev.failback.examples.cli.FailbackCli;
import dev.failback.jetty.JettySink;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication over real sockets through the Jetty sink and the real pipeline on PostgreSQL: every
 * bad credential is a 401 that stages nothing, the right bearer tokens (both of a rotation) and MOLT
 * JWTs (from a PEM key and from the staging tables) are accepted, health checks need no token, and
 * the CLI run with {@code -v} never writes a token to its output.
 */
class AuthIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String token1 = "tok1-" + UUID.randomUUID();
    private final String token2 = "tok2-" + UUID.randomUUID();
    @TempDir
    Path dir;
    private PostgresSchema db;
    private String staging;
    private Failback failback;
    private JwtAuthenticator jwt;
    private KeyPair trusted;
    private String base;
    private int nextId = 1;

    record Answer(int status, String body) {
    }

    @BeforeEach
    void start() throws Exception {
        db = PostgresSchema.create("auth");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
        staging = db.name() + "_staging";
        trusted = ec();
    }

    private void startPipeline() throws Exception {
        jwt = JwtAuthenticator.builder().publicKey(trusted.getPublic())
                .keyStore(JdbcJwtKeyStore.of(db.dataSource(), staging, true)).refreshInterval(Duration.ZERO).build();
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        failback = Failback.builder().name("auth").target(db.dataSource()).stagingSchema(staging).createStagingSchema(true)
                .authenticator(Authenticators.anyOf(BearerTokenAuthenticator.of(token1, token2), jwt)).sink(sink).start();
        jwt.refresh(); // creates jwt_public_keys and jwt_revoked_ids in the staging schema
        base = "http://127.0.0.1:" + sink.port();
    }

    @AfterEach
    void stop() throws Exception {
        if (failback != null) {
            failback.close();
        }
        if (jwt != null) {
            jwt.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private Answer send(String method, String path, String authorization, String query) {
        byte[] body = batch(upsert("kv", nextId++, "x", hlc(T + 1))).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.body().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer post(String authorization) {
        return send("POST", db.path(), authorization, null);
    }

    private void refused(Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(401);
        assertThat(a.body()).isEqualTo("missing or invalid access token");
    }

    private String staged() throws Exception {
        return db.one("SELECT count(*) FROM " + staging + ".mutations");
    }

    @Test
    void everyBadCredentialIsA401AndStagesNothing() throws Exception {
        startPipeline();
        List<List<String>> here = List.of(List.of(db.database(), db.name()));
        String revokedJwt = Jwts.mint(trusted.getPrivate(), here, Duration.ofHours(1));
        String revokedId = jwt.verify(revokedJwt).id();
        db.execute("INSERT INTO " + staging + ".jwt_revoked_ids (id) VALUES ('" + revokedId + "')");
        jwt.refresh();

        refused(post(null));
        refused(post(""));
        refused(post("Bearer wrong-" + token1));
        refused(post("Bearer " + token1.substring(1)));
        refused(post("Basic " + token1));
        refused(send("POST", db.path(), null, "access_token=nope"));
        refused(post("Bearer not.a.jwt"));
        refused(post("Bearer eyJhbGciOiJFUzI1NiJ9.e30"));
        refused(post("Bearer " + Jwts.mint(ec().getPrivate(), here, null))); // an unknown key
        refused(post("Bearer " + revokedJwt));
        refused(post("Bearer " + Jwts.mint(trusted.getPrivate(), List.of(List.of(db.database(), "other")), null)));
        refused(post("Bearer " + Jwts.mint(trusted.getPrivate(), List.of(List.of("*")), null))); // part counts differ
        String[] p = Jwts.mint(trusted.getPrivate(), here, null).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        refused(post("Bearer " + none + "." + p[1] + "."));
        // A 401 comes before the body is read: not even a resolved timestamp is recorded.
        Answer r = send("POST", db.path(), "Bearer wrong", null);
        refused(r);
        assertThat(staged()).isEqualTo("0");
        assertThat(db.one("SELECT count(*) FROM " + staging + ".checkpoints")).isEqualTo("0");
    }

    @Test
    void rightTokensAndJwtsAreAccepted() throws Exception {
        startPipeline();
        assertThat(post("Bearer " + token1).status()).isEqualTo(200);
        assertThat(post("Bearer " + token2).status()).isEqualTo(200); // the rotated-in token
        assertThat(post(token1).status()).isEqualTo(200); // webhook_auth_header without "Bearer "
        assertThat(send("POST", db.path(), null, "access_token=" + token2).status()).isEqualTo(200);
        String moltJwt = Jwts.mint(trusted.getPrivate(), List.of(List.of(db.database(), db.name())), null);
        assertThat(post("Bearer " + moltJwt).status()).isEqualTo(200);
        assertThat(send("POST", db.path(), null, "access_token=" + URLEncoder.encode(moltJwt, StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
        assertThat(post("Bearer " + Jwts.mint(trusted.getPrivate(), List.of(List.of("*", "*")), Duration.ofHours(1)))
                .status()).isEqualTo(200);
        // A key trusted through MOLT's table, as `INSERT INTO jwt_public_keys (public_key) VALUES (...)`.
        KeyPair fromTable = ec();
        String tableJwt = Jwts.mint(fromTable.getPrivate(), List.of(List.of(db.database(), "*")), null);
        refused(post("Bearer " + tableJwt));
        db.execute("INSERT INTO " + staging + ".jwt_public_keys (public_key) VALUES ('" + PemKeys.pem(fromTable.getPublic()) + "')");
        jwt.refresh();
        assertThat(post("Bearer " + tableJwt).status()).isEqualTo(200);
        db.execute("UPDATE " + staging + ".jwt_public_keys SET active = false");
        jwt.refresh();
        refused(post("Bearer " + tableJwt));
        assertThat(staged()).isEqualTo("8");
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        startPipeline();
        assertThat(send("GET", "/_/healthz", null, null).status()).isEqualTo(200);
        assertThat(send("GET", "/_/livez", null, null).status()).isEqualTo(200);
    }

    /** MOLT's JWT tables in MySQL's flavour: created when asked, keys and revocations read. */
    @Test
    void jwtTablesOnMariaDb() throws Exception {
        try (MariaDbDatabase my = MariaDbDatabase.create("authjwt")) {
            KeyPair kp = ec();
            try (JwtAuthenticator auth = JwtAuthenticator.builder()
                    .keyStore(JdbcJwtKeyStore.of(my.dataSource(), my.name(), true)).refreshInterval(Duration.ZERO).build()) {
                auth.refresh();
                assertThat(auth.publicKeyCount()).isZero();
                my.execute("INSERT INTO `" + my.name() + "`.jwt_public_keys (public_key) VALUES ('"
                        + PemKeys.pem(kp.getPublic()) + "')");
                my.execute("INSERT INTO `" + my.name() + "`.jwt_public_keys (public_key, active) VALUES ('"
                        + PemKeys.pem(ec().getPublic()) + "', false)");
                auth.refresh();
                assertThat(auth.publicKeyCount()).isEqualTo(1);
                String token = Jwts.mint(kp.getPrivate(), List.of(List.of(my.name())), null);
                String id = auth.verify(token, List.of(my.name())).id();
                my.execute("INSERT INTO `" + my.name() + "`.jwt_revoked_ids (id) VALUES ('" + id + "')");
                auth.refresh();
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> auth.verify(token)))
                        .hasMessageContaining("revoked");
            }
        }
    }

    /** The CLI at debug level, with right and wrong tokens and JWTs: no token reaches its output. */
    @Test
    void cliStartLogsNoTokenEvenWithVerbose() throws Exception {
        KeyPair cliKey = ec();
        Path pub = Files.writeString(dir.resolve("ec.pub"), PemKeys.pem(cliKey.getPublic()));
        Path tokenFile = Files.writeString(dir.resolve("tokens"), "# rotated in\n" + token2 + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                FailbackCli.class.getName(), "start", "--targetConn", TestDatabases.postgresUrl(),
                "--stagingSchema", staging, "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port,
                "--authToken", token1, "--authTokenFile", tokenFile.toString(), "--jwtPublicKey", pub.toString(),
                "--jwtFromStaging", "-v").redirectErrorStream(true).start();
        ChildOutput output = ChildOutput.of(child);
        List<String> secrets = new ArrayList<>(List.of(token1, token2));
        try {
            assertThat(output.awaitReady(60)).as("the CLI did not start:\n" + output).isTrue();
            assertThat(output.toString()).contains("accepting 2 bearer tokens or JWT (1 public key file and keys in "
                    + staging + ".jwt_public_keys)");
            base = "http://127.0.0.1:" + port;
            List<List<String>> here = List.of(List.of(db.database(), db.name()));
            String good = Jwts.mint(cliKey.getPrivate(), here, Duration.ofHours(1));
            String otherSchema = Jwts.mint(cliKey.getPrivate(), List.of(List.of(db.database(), "other")), null);
            String unknownKey = Jwts.mint(ec().getPrivate(), here, null);
            String wrong = "wrong-" + UUID.randomUUID();
            String wrongQuery = "wrongq-" + UUID.randomUUID();
            String garbage = "garbage." + UUID.randomUUID() + ".x";
            secrets.addAll(List.of(good, otherSchema, unknownKey, wrong, wrongQuery, garbage));
            for (String jwtToken : List.of(good, otherSchema, unknownKey)) {
                secrets.add(jwtToken.substring(jwtToken.lastIndexOf('.') + 1)); // the signature alone
            }
            assertThat(post("Bearer " + token1).status()).isEqualTo(200);
            assertThat(post("Bearer " + token2).status()).isEqualTo(200);
            assertThat(post("Bearer " + good).status()).isEqualTo(200);
            assertThat(send("POST", db.path(), null, "access_token=" + good).status()).isEqualTo(200);
            refused(post("Bearer " + wrong));
            refused(post(wrong));
            refused(post("Bearer " + garbage));
            refused(post("Bearer " + otherSchema));
            refused(post("Bearer " + unknownKey));
            refused(send("POST", db.path(), null, "access_token=" + wrongQuery));
            refused(send("POST", "/" + db.database() + "/nosuchschema", "Bearer " + wrong, null));
        } finally {
            // SIGTERM through the handle: Process.destroy() would also close our end of its output,
            // losing what the graceful shutdown logs.
            child.toHandle().destroy();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            output.join(10_000);
        }
        String log = output.toString();
        for (String secret : secrets) {
            assertThat(log).as("the CLI output leaks a token").doesNotContain(secret);
        }
        // Not vacuous: debug logging was on and the refusals were logged, with their reasons.
        assertThat(log).as("exit " + child.exitValue()).contains("DEBUG", "-> 401 missing or invalid access token", "JWT refused for",
                "does not allow schema", "does not verify", "JWT ", "accepted for", "- stopped");
    }
}
