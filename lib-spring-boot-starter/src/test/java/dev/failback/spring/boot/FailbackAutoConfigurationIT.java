package dev.failback.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.jetty.JettySink;
import dev.failback.core.auth.Jwts;
import dev.failback.core.auth.PemKeys;
import dev.failback.spi.Authenticator;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configured pipeline on the real local PostgreSQL: which of the application's DataSources it
 * uses (the beans named failbackTargetDataSource and failbackStagingDataSource over the primary one), that
 * an application's Authenticator bean decides who may send, that JWTs from the staging tables work, and
 * that closing the context stops the pipeline and closes the sink port.
 */
class FailbackAutoConfigurationIT {
    private static final String ROW = "{\"payload\":[{\"after\":{\"id\":1,\"name\":\"Ada\"},\"key\":[1],\"topic\":\"employees\","
            + "\"updated\":\"1759246931287415902.0000000000\"}],\"length\":1}";
    private static final Hlc RESOLVED = Hlc.parse("1759246947250000000.0000000000");

    private PostgresSchema schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = PostgresSchema.create("bootds");
        schema.execute("CREATE TABLE $S.employees (id bigint PRIMARY KEY, name text NOT NULL)");
    }

    @AfterEach
    void dropSchema() throws Exception {
        schema.close();
    }

    @Test
    void namedDataSourcesWinOverThePrimaryAndAnAuthenticatorBeanDecides() throws Exception {
        Counting primary = new Counting(postgres());
        Counting target = new Counting(postgres());
        Counting staging = new Counting(postgres());
        Authenticator passOnly = (request, path) -> "let-me-in".equals(request.header("X-Pass"))
                ? Authenticator.Decision.allow() : Authenticator.Decision.deny("no pass");
        AtomicReference<Failback> seen = new AtomicReference<>();
        AtomicReference<Integer> port = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FailbackAutoConfiguration.class))
                .withBean("dataSource", DataSource.class, () -> primary, d -> d.setPrimary(true))
                .withBean(FailbackDataSources.TARGET_BEAN, DataSource.class, () -> target)
                .withBean(FailbackDataSources.STAGING_BEAN, DataSource.class, () -> staging)
                .withBean(Authenticator.class, () -> passOnly)
                .withPropertyValues("failback.sink.host=127.0.0.1", "failback.sink.port=0", "failback.tables=employees",
                        "failback.staging-schema=" + schema.stagingSchema(), "failback.staging-create-schema=true",
                        "failback.flush-period=100ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Failback failback = context.getBean(Failback.class);
                    JettySink sink = context.getBean(JettySink.class);
                    seen.set(failback);
                    port.set(sink.port());
                    HttpClient http = HttpClient.newHttpClient();
                    assertThat(post(http, sink, ROW, null)).as("the Authenticator bean refuses").isEqualTo(401);
                    assertThat(post(http, sink, ROW, "let-me-in")).isEqualTo(200);
                    assertThat(post(http, sink, "{\"resolved\":\"" + RESOLVED + "\"}", "let-me-in")).isEqualTo(200);
                    assertThat(failback.awaitApplied(RESOLVED, Duration.ofSeconds(30))).isTrue();
                    assertThat(schema.query("SELECT id, name FROM $S.employees")).containsExactly(List.of("1", "Ada"));
                    assertThat(schema.one("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                            + schema.stagingSchema() + "'")).isNotEqualTo("0");
                });
        assertThat(primary.connections.get()).as("the primary DataSource is not used").isZero();
        assertThat(target.connections.get()).as("failbackTargetDataSource is the target").isPositive();
        assertThat(staging.connections.get()).as("failbackStagingDataSource is staging").isPositive();
        assertThat(seen.get().state()).as("closing the context stops the pipeline").isEqualTo(State.STOPPED);
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port.get()), 2000);
            }
        }).as("and closes the sink port").isInstanceOf(ConnectException.class);
    }

    @Test
    void withoutNamedBeansThePrimaryDataSourceIsTargetAndStaging() throws Exception {
        Counting primary = new Counting(postgres());
        Counting other = new Counting(postgres());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FailbackAutoConfiguration.class))
                .withBean("dataSource", DataSource.class, () -> primary, d -> d.setPrimary(true))
                .withBean("reportingDataSource", DataSource.class, () -> other)
                .withPropertyValues("failback.sink.host=127.0.0.1", "failback.sink.port=0",
                        "failback.auth.tokens=it-token-7d1e", "failback.staging-schema=" + schema.stagingSchema(),
                        "failback.staging-create-schema=true", "failback.flush-period=100ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Failback failback = context.getBean(Failback.class);
                    JettySink sink = context.getBean(JettySink.class);
                    HttpClient http = HttpClient.newHttpClient();
                    assertThat(postBearer(http, sink, ROW, "wrong-token")).isEqualTo(401);
                    assertThat(postBearer(http, sink, ROW, "it-token-7d1e")).isEqualTo(200);
                    assertThat(postBearer(http, sink, "{\"resolved\":\"" + RESOLVED + "\"}", "it-token-7d1e")).isEqualTo(200);
                    assertThat(failback.awaitApplied(RESOLVED, Duration.ofSeconds(30))).isTrue();
                    assertThat(schema.query("SELECT id, name FROM $S.employees")).containsExactly(List.of("1", "Ada"));
                });
        assertThat(primary.connections.get()).as("the @Primary DataSource is target and staging").isPositive();
        assertThat(other.connections.get()).as("another DataSource is left alone").isZero();
    }

    @Test
    void jwtFromStagingReadsTheKeysTableItCreatedAtStart() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        String jwt = Jwts.mint(keys.getPrivate(), List.of(List.of(schema.database(), schema.name())), Duration.ofHours(1));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FailbackAutoConfiguration.class))
                .withBean("dataSource", DataSource.class, FailbackAutoConfigurationIT::postgres)
                .withPropertyValues("failback.sink.host=127.0.0.1", "failback.sink.port=0",
                        "failback.auth.jwt-from-staging=true", "failback.auth.jwt-refresh=200ms",
                        "failback.staging-schema=" + schema.stagingSchema(), "failback.staging-create-schema=true",
                        "failback.flush-period=100ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JettySink sink = context.getBean(JettySink.class);
                    HttpClient http = HttpClient.newHttpClient();
                    assertThat(postBearer(http, sink, ROW, jwt)).as("no key in the table yet").isEqualTo(401);
                    // the table exists: the starter read the staging JWT tables right after the start created the schema
                    schema.execute("INSERT INTO " + schema.stagingSchema() + ".jwt_public_keys (public_key) VALUES ('"
                            + PemKeys.pem(keys.getPublic()) + "')");
                    int status = 0;
                    for (long end = System.nanoTime() + 10_000_000_000L; status != 200 && System.nanoTime() < end; ) {
                        Thread.sleep(100);
                        status = postBearer(http, sink, ROW, jwt);
                    }
                    assertThat(status).as("accepted once the key is re-read (jwt-refresh)").isEqualTo(200);
                    assertThat(postBearer(http, sink, "{\"resolved\":\"" + RESOLVED + "\"}", jwt)).isEqualTo(200);
                    assertThat(context.getBean(Failback.class).awaitApplied(RESOLVED, Duration.ofSeconds(30))).isTrue();
                    assertThat(schema.query("SELECT id, name FROM $S.employees")).containsExactly(List.of("1", "Ada"));
                });
    }

    private int post(HttpClient http, JettySink sink, String body, String pass) throws Exception {
        HttpRequest.Builder b = request(sink, body);
        if (pass != null) {
            b.header("X-Pass", pass);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int postBearer(HttpClient http, JettySink sink, String body, String token) throws Exception {
        return http.send(request(sink, body).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest.Builder request(JettySink sink, String body) {
        return HttpRequest.newBuilder(URI.create(sink.uri() + schema.path()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static DataSource postgres() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(TestDatabases.postgresUrl());
        return ds;
    }

    /** A real PostgreSQL DataSource that counts the connections handed out. */
    static final class Counting implements DataSource {
        final AtomicInteger connections = new AtomicInteger();
        private final DataSource delegate;

        Counting(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            connections.incrementAndGet();
            return delegate.getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
