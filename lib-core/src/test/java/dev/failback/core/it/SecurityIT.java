package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.core.auth.Authenticators;
import dev.failback.core.auth.BearerTokenAuthenticator;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.core.auth.Jwts;
import dev.failback.jetty.JettySink;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.PostgresSchema;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook writes only where it is meant to (issue: security). With a valid token a changefeed
 * path still cannot reach Failback's staging or fence schema or the database system's schemas; a JWT
 * scope compares names as the target does; a far-future timestamp is refused instead of silently
 * swallowing every later change; case variants of a path make no new group; rows with a NUL, a
 * duplicated column, a key that is not the row's or a lone surrogate are refused before staging.
 */
class SecurityIT {
    private static final String TOKEN = "security-it-token-0123456789abcdef";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PostgresSchema db;
    private String staging;
    private String other;
    private String otherQuoted;
    private KeyPair keys;
    private JwtAuthenticator jwt;
    private Failback failback;
    private PrometheusMeterRegistry registry;
    private String base;

    @BeforeEach
    void databases() throws Exception {
        db = PostgresSchema.create("security");
        db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text)");
        db.execute("COMMENT ON TABLE $S.kv IS 'keep me'");
        staging = db.name() + "_staging";
        other = db.name() + "_other";
        otherQuoted = db.name() + "_Other";
        db.execute("CREATE SCHEMA " + other);
        db.execute("CREATE TABLE " + other + ".kv (id bigint PRIMARY KEY, v text)");
        db.execute("CREATE SCHEMA \"" + otherQuoted + "\"");
        db.execute("CREATE TABLE \"" + otherQuoted + "\".kv (id bigint PRIMARY KEY, v text)");
        keys = Keys.ec();
    }

    private void start(UnaryOperator<Failback.Builder> customize) throws Exception {
        jwt = JwtAuthenticator.builder().publicKey(keys.getPublic()).build();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        failback = customize.apply(Failback.builder().name("security").target(db.dataSource())
                .authenticator(Authenticators.anyOf(BearerTokenAuthenticator.of(TOKEN), jwt))
                .stagingSchema(staging).createStagingSchema(true).meterRegistry(registry).sink(sink)).start();
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
            db.execute("DROP SCHEMA IF EXISTS " + other + " CASCADE");
            db.execute("DROP SCHEMA IF EXISTS \"" + otherQuoted + "\" CASCADE");
            db.execute("DROP SCHEMA IF EXISTS " + staging + " CASCADE");
            db.close();
        }
    }

    private Http.Answer post(String path, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Http.Answer(r.statusCode(), r.body().strip());
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private long staged() throws Exception {
        return Long.parseLong(db.one("SELECT count(*) FROM " + staging + ".mutations"));
    }

    @Test
    void failbacksOwnAndTheSystemsSchemasAreNeverWritableEvenWithAToken() throws Exception {
        start(b -> b);
        String fakeCheckpoint = "{\"after\": {\"grp\": \"" + db.database() + "." + db.name() + "\", \"resolved\": \"9223372036854775807\"},"
                + " \"key\": [\"" + db.database() + "." + db.name() + "\"], \"topic\": \"checkpoints\", \"updated\": \"" + hlc(now()) + "\"}";
        String plantKey = "{\"after\": {\"id\": \"evil\", \"public_key\": \"x\"}, \"key\": [\"evil\"], \"topic\": \"jwt_public_keys\","
                + " \"updated\": \"" + hlc(now()) + "\"}";
        String dropComment = "{\"after\": null, \"key\": [1], \"topic\": \"pg_description\", \"updated\": \"" + hlc(now()) + "\"}";
        List<String> paths = List.of("/" + db.database() + "/" + staging, "/" + db.database() + "/" + staging.toUpperCase(Locale.ROOT),
                "/" + db.database() + "/_failback", "/" + db.database() + "/_FAILBACK", "/" + db.database() + "/pg_catalog",
                "/" + db.database() + "/PG_Catalog", "/" + db.database() + "/information_schema", "/" + db.database() + "/pg_toast",
                "/" + db.database() + "/pg_temp_1");
        for (String path : paths) {
            for (String body : List.of(batch(fakeCheckpoint), batch(plantKey), batch(dropComment),
                    resolved(hlc(now())))) {
                Http.Answer a = post(path, body, TOKEN);
                assertThat(a.status()).as(path + " " + a.body()).isEqualTo(404);
                assertThat(a.body()).contains("never written by a changefeed").contains("nothing was read or written");
                Http.Answer noToken = post(path, body, null);
                assertThat(noToken.status()).as("refused before authentication: " + path).isEqualTo(404);
            }
        }
        // a JWT for every schema does not open them either
        String world = Jwts.mint(keys.getPrivate(), List.of(List.of("*", "*")), Duration.ofMinutes(5));
        assertThat(post("/" + db.database() + "/" + staging, batch(fakeCheckpoint), world).status()).isEqualTo(404);
        assertThat(staged()).isZero();
        assertThat(db.one("SELECT count(*) FROM " + staging + ".checkpoints")).isEqualTo("0");
        assertThat(db.one("SELECT obj_description('" + db.name() + ".kv'::regclass, 'pg_class')")).isEqualTo("keep me");
        assertThat(failback.status().schemas()).isEmpty();
        // the target schema itself still works
        assertThat(post(db.path(), batch(upsert("kv", 1, "a", hlc(now()))), TOKEN).status()).isEqualTo(200);
        assertThat(failback.status().schemas()).containsOnlyKeys(db.database() + "." + db.name());
    }

    @Test
    void anAllowListRefusesEveryOtherSchemaBeforeAuthentication() throws Exception {
        start(b -> b.schemas(db.database() + "." + db.name()));
        assertThat(post(db.path(), batch(upsert("kv", 1, "a", hlc(now()))), TOKEN).status()).isEqualTo(200);
        Http.Answer a = post("/" + db.database() + "/" + other, batch(upsert("kv", 1, "a", hlc(now()))), TOKEN);
        assertThat(a.status()).as(a.body()).isEqualTo(404);
        assertThat(a.body()).contains("not among the schemas this pipeline serves");
        assertThat(post("/" + db.database() + "/" + other, batch(upsert("kv", 1, "a", hlc(now()))), null).status())
                .isEqualTo(404);
        assertThat(failback.status().schemas()).containsOnlyKeys(db.database() + "." + db.name());
        assertThat(db.one("SELECT count(*) FROM " + other + ".kv")).isEqualTo("0");
    }

    @Test
    void aJwtScopeComparesNamesAsTheTargetDoesNeverIgnoringCase() throws Exception {
        start(b -> b.mode(dev.failback.Mode.IMMEDIATE));
        String lowerScope = Jwts.mint(keys.getPrivate(), List.of(List.of(db.database(), other)), Duration.ofMinutes(5));
        Http.Answer a = post("/" + db.database() + "/" + otherQuoted, batch(upsert("kv", 1, "intruder", hlc(now()))), lowerScope);
        assertThat(a.status()).as("a scope for " + other + " must not open \"" + otherQuoted + "\": " + a.body()).isEqualTo(401);
        assertThat(db.one("SELECT count(*) FROM \"" + otherQuoted + "\".kv")).isEqualTo("0");
        assertThat(post("/" + db.database() + "/" + other, batch(upsert("kv", 1, "mine", hlc(now()))), lowerScope).status())
                .isEqualTo(200);
        String upperScope = Jwts.mint(keys.getPrivate(), List.of(List.of(db.database().toUpperCase(Locale.ROOT),
                other.toUpperCase(Locale.ROOT))), Duration.ofMinutes(5));
        assertThat(post("/" + db.database() + "/" + other, batch(upsert("kv", 2, "folded", hlc(now()))), upperScope).status())
                .as("unquoted names fold to lower case, as PostgreSQL folds them").isEqualTo(200);
        assertThat(post("/" + db.database() + "/" + otherQuoted, batch(upsert("kv", 2, "x", hlc(now()))), upperScope).status())
                .isEqualTo(401);
        String quotedScope = Jwts.mint(keys.getPrivate(), List.of(List.of(db.database(), "\"" + otherQuoted + "\"")),
                Duration.ofMinutes(5));
        assertThat(post("/" + db.database() + "/" + otherQuoted, batch(upsert("kv", 3, "quoted", hlc(now()))), quotedScope).status())
                .isEqualTo(200);
        assertThat(post("/" + db.database() + "/" + other, batch(upsert("kv", 3, "x", hlc(now()))), quotedScope).status())
                .isEqualTo(401);
        assertThat(db.query("SELECT id, v FROM \"" + otherQuoted + "\".kv ORDER BY id")).containsExactly(List.of("3", "quoted"));
        assertThat(db.query("SELECT id, v FROM " + other + ".kv ORDER BY id"))
                .containsExactly(List.of("1", "mine"), List.of("2", "folded"));
    }

    @Test
    void aFarFutureTimestampIsRefusedAndLaterChangesStillApply() throws Exception {
        start(b -> b);
        Http.Answer a = post(db.path(), resolved("9223372036854775807.2147483647"), TOKEN);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.body()).contains("9223372036854775807.2147483647").contains("maxClockSkew 5m");
        a = post(db.path(), resolved(hlc(now() + Duration.ofMinutes(10).toNanos())), TOKEN);
        assertThat(a.status()).as("ten minutes ahead: " + a.body()).isEqualTo(400);
        a = post(db.path(), batch(upsert("kv", 9, "future", hlc(Long.MAX_VALUE))), TOKEN);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.body()).contains("payload[0]").contains("kv").contains("\"updated\"").contains("ahead of this machine's clock");
        assertThat(staged()).isZero();
        // the changefeed goes on: later rows and resolved timestamps are applied, none is "already applied"
        long t = now();
        assertThat(post(db.path(), batch(upsert("kv", 1, "after", hlc(t))), TOKEN).status()).isEqualTo(200);
        assertThat(post(db.path(), resolved(hlc(t + 1)), TOKEN).status()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!db.one("SELECT count(*) FROM $S.kv").equals("1") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(db.query("SELECT id, v FROM $S.kv")).containsExactly(List.of("1", "after"));
    }

    @Test
    void caseVariantsOfAPathShareOneGroupAndUnknownOnesCreateNothing() throws Exception {
        start(b -> b.maxSchemas(2));
        assertThat(post(db.path(), batch(upsert("kv", 0, "first", hlc(now()))), TOKEN).status()).isEqualTo(200);
        long threads = threads();
        int series = registry.scrape().split("\n").length;
        Random random = new Random(13);
        for (int i = 1; i <= 50; i++) {
            String path = "/" + mixCase(db.database(), random) + "/" + mixCase(db.name(), random);
            Http.Answer a = post(path, batch(upsert("kv", i, "v" + i, hlc(now()))), TOKEN);
            assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
            Http.Answer missing = post("/" + mixCase(db.database(), random) + "/nosuch_" + i, batch(upsert("kv", i, "x", hlc(now()))),
                    TOKEN);
            assertThat(missing.status()).as(missing.body()).isEqualTo(404);
        }
        assertThat(failback.status().schemas()).containsOnlyKeys(db.database() + "." + db.name());
        assertThat(threads()).isEqualTo(threads);
        int after = registry.scrape().split("\n").length;
        System.out.printf("security: 50 case variants + 50 unknown schemas: groups %d, threads %d -> %d, metric lines %d -> %d%n",
                failback.status().schemas().size(), threads, threads(), series, after);
        assertThat(after).as("metric lines").isLessThanOrEqualTo(series + 20);
        // a second schema is group 2 of 2; a third would be one more than maxGroups: refused, nothing created
        assertThat(post("/" + db.database() + "/" + other, batch(upsert("kv", 1, "a", hlc(now()))), TOKEN).status()).isEqualTo(200);
        Http.Answer third = post("/" + db.database() + "/" + otherQuoted, batch(upsert("kv", 1, "a", hlc(now()))), TOKEN);
        assertThat(third.status()).as(third.body()).isEqualTo(404);
        assertThat(third.body()).contains("maxGroups 2");
        assertThat(failback.status().schemas()).hasSize(2);
    }

    private static long threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("failback-security-"))
                .filter(t -> !t.getName().contains("-http-")).count();
    }

    private static String mixCase(String s, Random random) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return b.toString();
    }

    @Test
    void rowsTheTargetWouldStoreOtherwiseThanSentAreRefusedBeforeStaging() throws Exception {
        start(b -> b);
        String u = hlc(now());
        List<List<String>> cases = List.of(
                List.of("{\"after\": {\"id\": 1, \"v\": \"a\\u0000b\"}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"" + u + "\"}",
                        "NUL"),
                List.of("{\"after\": {\"id\": 1, \"v\": \"a\", \"v\": \"b\"}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"" + u + "\"}",
                        "column \"v\" appears twice"),
                List.of("{\"after\": {\"id\": 2, \"v\": \"a\"}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"" + u + "\"}",
                        "does not match the row's primary key"),
                List.of("{\"after\": {\"id\": 1, \"v\": \"\\ud800\"}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"" + u + "\"}",
                        "lone UTF-16 surrogate"));
        for (List<String> c : cases) {
            Http.Answer a = post(db.path(), batch(upsert("kv", 5, "good", u), c.get(0)), TOKEN);
            assertThat(a.status()).as(c.get(1) + ": " + a.body()).isEqualTo(400);
            assertThat(a.body()).contains("payload[1]").contains("kv").contains(c.get(1));
        }
        assertThat(staged()).isZero();
        // a pair of surrogates (an emoji) is text, kept exactly
        assertThat(post(db.path(), batch("{\"after\": {\"id\": 1, \"v\": \"\\ud83d\\ude00\"}, \"key\": [1], \"topic\": \"kv\","
                + " \"updated\": \"" + u + "\"}"), TOKEN).status()).isEqualTo(200);
        assertThat(post(db.path(), resolved(hlc(now())), TOKEN).status()).isEqualTo(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!db.one("SELECT count(*) FROM $S.kv").equals("1") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("\ud83d\ude00");
    }

    @Test
    void onMariaDbTheSystemDatabasesAndStagingAreNeverWritableAndANulIsKeptExactly() throws Exception {
        MariaDbDatabase my = MariaDbDatabase.create("secmy");
        JettySink sink = JettySink.bind("127.0.0.1", 0);
        try (my; Failback mine = Failback.builder().name("security-my").target(my.dataSource())
                .authenticator(BearerTokenAuthenticator.of(TOKEN)).mode(dev.failback.Mode.IMMEDIATE)
                .stagingSchema(my.name() + "_staging").createStagingSchema(true).sink(sink).start()) {
            my.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v varchar(20))");
            base = "http://127.0.0.1:" + sink.port();
            String deleteUser = batch("{\"after\": null, \"key\": [\"localhost\", \"root\"], \"topic\": \"user\","
                    + " \"updated\": \"" + hlc(now()) + "\"}");
            for (String path : List.of("/mysql", "/MySQL", "/sys", "/performance_schema", "/information_schema",
                    "/_failback", "/" + my.name() + "_staging")) {
                Http.Answer a = post(path, deleteUser, TOKEN);
                assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(404);
                assertThat(a.body()).contains("never written by a changefeed");
            }
            assertThat(mine.status().schemas()).isEmpty();
            Http.Answer a = post(my.path(), batch("{\"after\": {\"id\": 1, \"v\": \"a\\u0000b\"}, \"key\": [1],"
                    + " \"topic\": \"kv\", \"updated\": \"" + hlc(now()) + "\"}"), TOKEN);
            assertThat(a.status()).as("MariaDB stores a NUL: " + a.body()).isEqualTo(200);
            assertThat(my.one("SELECT hex(v) FROM $S.kv WHERE id = 1")).isEqualTo("610062");
            a = post(my.path(), batch("{\"after\": {\"id\": 2, \"v\": \"a\"}, \"key\": [3], \"topic\": \"kv\","
                    + " \"updated\": \"" + hlc(now()) + "\"}"), TOKEN);
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.body()).contains("does not match the row's primary key");
        }
    }
}
