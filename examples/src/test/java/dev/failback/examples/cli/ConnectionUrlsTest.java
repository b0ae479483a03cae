package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        assertThat(jdbc.url()).isEqualTo("jdbc:mysql://localhost:3306/molt?sslMode=VERIFY_IDENTITY");
        assertThat(jdbc.password()).isEqualTo("x&y");
        assertThat(jdbc.pem()).isNull();
    }

    @Test
    void mapsEveryMysqlAddressForm() {
        for (String url : new String[] {"mysql://u:p@tcp(db.example.com:3307)/molt", "mysql://u:p@db.example.com:3307/molt",
            "MYSQL://u:p@TCP(db.example.com:3307)/molt"}) {
            ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc(url);
            assertThat(jdbc.url()).as(url).isEqualTo("jdbc:mysql://db.example.com:3307/molt");
            assertThat(List.of(jdbc.user(), jdbc.password())).as(url).containsExactly("u", "p");
        }
        assertThat(ConnectionUrls.toJdbc("mysql://u:p@db.example.com/molt").url()).isEqualTo("jdbc:mysql://db.example.com:3306/molt");
        assertThat(ConnectionUrls.toJdbc("mysql://u@tcp(db.example.com)/molt").url()).isEqualTo("jdbc:mysql://db.example.com:3306/molt");
        assertThat(ConnectionUrls.toJdbc("mysql://root@127.0.0.1:3306/test").url()).isEqualTo("jdbc:mysql://127.0.0.1:3306/test");
        assertThat(ConnectionUrls.toJdbc("mysql://u@[::1]/db").url()).isEqualTo("jdbc:mysql://[::1]:3306/db");
        assertThat(ConnectionUrls.toJdbc("mysql://u@tcp([2001:db8::7]:3307)/db").url()).isEqualTo("jdbc:mysql://[2001:db8::7]:3307/db");
        assertThat(ConnectionUrls.toJdbc("mysql://u:p%40ss%2Fw%3Ard@h/db").password()).isEqualTo("p@ss/w:rd");
        assertThat(ConnectionUrls.toJdbc("mysql://u@h/").url()).isEqualTo("jdbc:mysql://h:3306/");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("mysql://u@unix(/var/run/mysqld.sock)/db"))
                .hasMessageContaining("tcp(host:port)");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("mysql://u@2001:db8::7/db")).hasMessageContaining("brackets");
    }

    @Test
    void mapsMysqlTlsParameters() {
        Map<String, String> modes = Map.of("disable", "DISABLED", "require", "REQUIRED", "verify-ca", "VERIFY_CA",
                "verify-full", "VERIFY_IDENTITY", "prefer", "PREFERRED");
        modes.forEach((molt, connectorJ) -> assertThat(ConnectionUrls.toJdbc("mysql://u@h/db?sslmode=" + molt).url())
                .isEqualTo("jdbc:mysql://h:3306/db?sslMode=" + connectorJ));
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc("mysql://migration_user:pa%24%24@replicator-mysql:3306/migration_db"
                + "?sslcert=.%2Fclient.crt&sslkey=.%2Fclient.key&sslmode=verify-full&sslrootcert=.%2Fca.crt&connectTimeout=5000");
        assertThat(jdbc.url()).isEqualTo("jdbc:mysql://replicator-mysql:3306/migration_db?sslMode=VERIFY_IDENTITY&connectTimeout=5000");
        assertThat(jdbc.pem()).isEqualTo(new ConnectionUrls.Pem("./ca.crt", "./client.crt", "./client.key"));
        assertThat(jdbc.password()).isEqualTo("pa$$");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("mysql://u@h/db?sslmode=bogus")).hasMessageContaining("unknown sslmode");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("mysql://u@h/db?sslcert=a.crt")).hasMessageContaining("go together");
    }

    @Test
    void mapsOracleUrls() {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc("oracle://C%23%23MIGRATION_USER:password@host:1521/ORCLPDB1");
        assertThat(jdbc.url()).isEqualTo("jdbc:oracle:thin:@//host:1521/ORCLPDB1");
        assertThat(jdbc.user()).isEqualTo("C##MIGRATION_USER");
        assertThat(jdbc.password()).isEqualTo("password");
        assertThat(jdbc.properties()).isEmpty();
        assertThat(ConnectionUrls.toJdbc("ora://u:p%2Fq@db.example.com/FREEPDB1").url())
                .isEqualTo("jdbc:oracle:thin:@//db.example.com:1521/FREEPDB1");
        assertThat(ConnectionUrls.toJdbc("ora://u:p%2Fq@db.example.com/FREEPDB1").password()).isEqualTo("p/q");
        assertThat(ConnectionUrls.toJdbc("oracle://u:p@[::1]:1522/SVC").url()).isEqualTo("jdbc:oracle:thin:@//[::1]:1522/SVC");
        ConnectionUrls.Jdbc tls = ConnectionUrls.toJdbc("oracle://u:p@h:2484/SVC?sslmode=verify-full&oracle.net.CONNECT_TIMEOUT=5000");
        assertThat(tls.url()).isEqualTo("jdbc:oracle:thin:@tcps://h:2484/SVC");
        assertThat(tls.properties()).containsExactly(Map.entry("oracle.net.ssl_server_dn_match", "true"),
                Map.entry("oracle.net.CONNECT_TIMEOUT", "5000"));
        assertThat(ConnectionUrls.toJdbc("oracle://u:p@h/SVC?sslmode=require").url()).isEqualTo("jdbc:oracle:thin:@tcps://h:1521/SVC");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("oracle://u:p@h:1521/SVC?sslrootcert=ca.crt"))
                .hasMessageContaining("wallet");
        assertThatThrownBy(() -> ConnectionUrls.toJdbc("oracle://u:p@h:1521")).hasMessageContaining("service name");
        String jdbcUrl = "jdbc:oracle:thin:@//h:1521/SVC";
        assertThat(ConnectionUrls.toJdbc(jdbcUrl)).isEqualTo(new ConnectionUrls.Jdbc(jdbcUrl, null, null));
    }

    @Test
    void keepsPostgresIpv6AndPercentEncodedPasswords() {
        ConnectionUrls.Jdbc jdbc = ConnectionUrls.toJdbc("postgresql://u:%5Bp%5D%25w@[2001:db8::1]:26257/defaultdb?sslmode=disable");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://[2001:db8::1]:26257/defaultdb?sslmode=disable");
        assertThat(jdbc.password()).isEqualTo("[p]%w");
        assertThat(ConnectionUrls.toJdbc("postgres://u@h/db?application_name=fb&connect_timeout=5").url())
                .isEqualTo("jdbc:postgresql://h:5432/db?ApplicationName=fb&connectTimeout=5");
    }

    @Test
    void masksPasswords() {
        assertThat(ConnectionUrls.mask("postgres://u:secret@h:5432/db?sslmode=require"))
                .isEqualTo("postgres://u:****@h:5432/db?sslmode=require");
        assertThat(ConnectionUrls.mask("jdbc:postgresql://h/db?user=u&password=secret")).doesNotContain("secret");
        assertThat(ConnectionUrls.mask("postgres://u@h/db")).isEqualTo("postgres://u@h/db");
        assertThat(ConnectionUrls.mask("jdbc:oracle:thin:scott/tiger@//h:1521/svc"))
                .isEqualTo("jdbc:oracle:thin:scott/****@//h:1521/svc");
        assertThat(ConnectionUrls.mask("postgres://u:a/b?c@h/db")).isEqualTo("postgres://u:****@h/db");
        assertThat(ConnectionUrls.mask("mysql://root:p:w@h:3306/db")).isEqualTo("mysql://root:****@h:3306/db");
        assertThat(ConnectionUrls.mask("oracle://scott:tiger@h:1521/svc")).doesNotContain("tiger");
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
