package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionUrlsTest {

    @Test
    void convertsPostgresUrlWithDecodedCredentialsAndSslParameters() {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc(
                "postgres://app%40corp:p%3Ass+w%2Fd@db.example.com:5433/molt?sslmode=verify-full&sslrootcert=.%2Fcerts%2Fca.crt");
        assertThat(jdbc.url()).isEqualTo(
                "jdbc:postgresql://db.example.com:5433/molt?sslmode=verify-full&sslrootcert=.%2Fcerts%2Fca.crt");
        assertThat(jdbc.user()).isEqualTo("app@corp");
        assertThat(jdbc.password()).isEqualTo("p:ss+w/d");
        assertThat(jdbc.toString()).doesNotContain("p:ss").contains("****");
    }

    @Test
    void acceptsEverySchemeAlias() {
        for (String scheme : new String[] {"postgres", "postgresql", "pg", "pgx", "POSTGRES"}) {
            assertThat(ConnectionUrls.toJdbc(scheme + "://postgres@127.0.0.1:5432/postgres").url())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres");
        }
    }

    @Test
    void fillsDefaultPortAndDatabase() {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc("postgresql://bob@localhost");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://localhost:5432/bob");
        assertThat(jdbc.password()).isNull();
        assertThat(ConnectionUrls.toJdbc("postgres://[::1]/db").url()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
        assertThat(ConnectionUrls.toJdbc("postgres://h1,h2:5433/db").url()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
    }

    @Test
    void passesJdbcUrlsThrough() {
        String url = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
        assertThat(ConnectionUrls.toJdbc(url)).isEqualTo(new ConnectionUrls.Jdbc(url, null, null));
    }

    @Test
    void mapsMysqlAndTakesCredentialsFromQuery() {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc("mysql://root@localhost/molt?sslmode=verify-full&password=x%26y");
        assertThat(jdbc.url()).isEqualTo("jdbc:mysql://localhost:3306/molt?sslmode=verify-full");
        assertThat(jdbc.password()).isEqualTo("x&y");
    }

    @Test
    void rejectsUnsupportedOrBrokenUrls() {
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("oracle://u:p@h:1521/ORCL")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:oracle");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("redis://h")).hasMessageContaining("unsupported connection URL scheme");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("just-a-host")).hasMessageContaining("not a connection URL");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("postgres://u:%zz@h/db")).hasMessageContaining("percent-encoding");
    }

    @Test
    void masksPasswords() {
        assertThat(ConnectionUrls.mask("postgres://u:secret@h:5432/db?sslmode=require"))
                .isEqualTo("postgres://u:****@h:5432/db?sslmode=require");
        assertThat(ConnectionUrls.mask("jdbc:postgresql://h/db?user=u&password=secret")).doesNotContain("secret");
        assertThat(ConnectionUrls.mask("postgres://u@h/db")).isEqualTo("postgres://u@h/db");
    }

    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> GoDuration.parse("5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("1x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void parsesBindAddresses() {
        assertThat(BindAddress.parse(":26258")).isEqualTo(new BindAddress("", 26258));
        assertThat(BindAddress.parse("127.0.0.1:30004")).isEqualTo(new BindAddress("127.0.0.1", 30004));
        assertThat(BindAddress.parse("[::1]:0")).isEqualTo(new BindAddress("::1", 0));
        assertThatThrownBy(() -> BindAddress.parse("30004")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BindAddress.parse("::1:30004")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BindAddress.parse(":70000")).isInstanceOf(IllegalArgumentException.class);
    }
}
