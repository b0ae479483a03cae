package dev.failback.examples.cli.changefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.Hlc;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangefeedSpecTest {
    static final Hlc CURSOR = Hlc.parse("1759246920563173000.0000000000");
    static final String TOKEN = "s3cr3t-t0ken.abc";
    /** Fake PEM texts (not real keys) whose base64 holds '+', '/' and '=' padding. */
    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHHIG/ca>>~~??\n-----END CERTIFICATE-----\n";
    static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIBlient+cert/?>~~\n-----END CERTIFICATE-----\n";
    static final String KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI+key/?>~\n-----END PRIVATE KEY-----\n";

    static ChangefeedSpec.Builder full(TargetKind kind, String database, String schema) {
        return ChangefeedSpec.builder()
                .tables("employees", "public.orders", "payments")
                .failbackUrl("https://failback-host:30004")
                .target(kind, database, schema)
                .cursor(CURSOR)
                .authToken(TOKEN)
                .caCertPem(CA)
                .clientCertPem(CERT)
                .clientKeyPem(KEY);
    }

    @ParameterizedTest
    @CsvSource({
        "postgresql, POSTGRESQL, migration_db, public",
        "cockroachdb, COCKROACHDB, defaultdb, public",
        "mysql, MYSQL, migration_db, ",
        "oracle, ORACLE, , MIGRATION_SCHEMA"})
    void goldenStatementPerTarget(String golden, TargetKind kind, String database, String schema) throws IOException {
        assertThat(full(kind, database, schema).build().sql()).isEqualTo(golden(golden));
    }

    @Test
    void goldenWithEveryOption() throws IOException {
        ChangefeedSpec spec = full(TargetKind.POSTGRESQL, "migration_db", "public")
                .resolved(Duration.ofSeconds(1))
                .minCheckpointFrequency(Duration.ofMillis(500))
                .initialScan("yes")
                .flushMessages(1000)
                .flushBytes(4 << 20)
                .flushFrequency(Duration.ofMillis(500))
                .retryMax(10)
                .retryBackoff(Duration.ofMillis(250))
                .webhookClientTimeout(Duration.ofMinutes(1))
                .diff(true)
                .build();
        assertThat(spec.sql()).isEqualTo(golden("postgresql-all-options"));
    }

    @Test
    void defaultsAreTheRunbooks() {
        ChangefeedSpec spec = ChangefeedSpec.builder().tables("employees", "orders").failbackUrl("https://h:30004/")
                .target(TargetKind.POSTGRESQL, "hr", null).cursor(CURSOR).build();
        assertThat(spec.sql()).isEqualTo("""
                CREATE CHANGEFEED FOR TABLE employees, orders
                  INTO 'webhook-https://h:30004/hr/public'
                  WITH updated,
                       resolved = '250ms',
                       min_checkpoint_frequency = '250ms',
                       initial_scan = 'no',
                       cursor = '1759246920563173000.0000000000',
                       webhook_client_timeout = '30s',
                       webhook_sink_config = '{"Flush":{"Bytes":1048576,"Frequency":"1s"}}'""");
    }

    @Test
    void pathPerTarget() {
        assertThat(path(TargetKind.POSTGRESQL, "db", null)).isEqualTo("/db/public");
        assertThat(path(TargetKind.COCKROACHDB, "db", "s")).isEqualTo("/db/s");
        assertThat(path(TargetKind.MYSQL, "db", null)).isEqualTo("/db");
        assertThat(path(TargetKind.MARIADB, "db", null)).isEqualTo("/db");
        assertThat(path(TargetKind.ORACLE, null, "SCHEMA")).isEqualTo("/SCHEMA");
        assertThat(path(TargetKind.POSTGRESQL, "my db", "Ünï")).isEqualTo("/my%20db/%C3%9Cn%C3%AF");
    }

    private static String path(TargetKind kind, String db, String schema) {
        return ChangefeedSpec.builder().tables("t").failbackUrl("https://h:1").target(kind, db, schema).build().path();
    }

    @Test
    void certificateParametersDecodeBackToThePem() {
        ChangefeedSpec spec = full(TargetKind.POSTGRESQL, "db", "public").build();
        String uri = spec.sinkUri(false);
        Map<String, String> raw = query(uri);
        assertThat(raw.keySet()).containsExactly("ca_cert", "client_cert", "client_key");
        Map<String, String> pems = Map.of("ca_cert", CA, "client_cert", CERT, "client_key", KEY);
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String value = e.getValue();
            assertThat(value).matches("[A-Za-z0-9%._~-]+");
            byte[] decoded = Base64.getDecoder().decode(URLDecoder.decode(value, StandardCharsets.UTF_8));
            assertThat(new String(decoded, StandardCharsets.UTF_8)).isEqualTo(pems.get(e.getKey()));
        }
        // the inputs were chosen so that the encoding has to escape every base64 special character
        assertThat(String.join("", raw.values())).contains("%2B", "%2F", "%3D");
    }

    @Test
    void encodeUriMatchesJqUri() {
        // jq -R -r '@uri' keeps only A-Za-z0-9 -_.~
        assertThat(ChangefeedSpec.encodeUri("a+b/c=d\n~-_.é ")).isEqualTo("a%2Bb%2Fc%3Dd%0A~-_.%C3%A9%20");
        assertThat(ChangefeedSpec.encodePem("-----BEGIN X-----\n>?\n"))
                .isEqualTo(ChangefeedSpec.encodeUri(Base64.getEncoder().encodeToString(
                        "-----BEGIN X-----\n>?\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void maskedStatementHidesTokenAndKeyOnly() {
        ChangefeedSpec spec = full(TargetKind.POSTGRESQL, "db", "public").build();
        String masked = spec.sql(true);
        assertThat(masked).doesNotContain(TOKEN).doesNotContain(ChangefeedSpec.encodePem(KEY))
                .contains("webhook_auth_header = 'Bearer ****'", "client_key=****",
                        "ca_cert=" + ChangefeedSpec.encodePem(CA), "client_cert=" + ChangefeedSpec.encodePem(CERT));
        assertThat(spec.toString()).isEqualTo(masked);
        assertThat(spec.sql()).contains("Bearer " + TOKEN, "client_key=" + ChangefeedSpec.encodePem(KEY));
        String now = spec.toBuilder().cursorNow().build().toString();
        assertThat(now).contains("cursor=now", "Bearer ****", "client_key=****").doesNotContain(TOKEN);
    }

    @Test
    void insecureSkipVerifyOnlyWhenAsked() {
        ChangefeedSpec.Builder b = ChangefeedSpec.builder().tables("t").failbackUrl("https://h:1")
                .target(TargetKind.MYSQL, "db", null).cursor(CURSOR);
        assertThat(b.build().sql()).doesNotContain("insecure_tls_skip_verify");
        assertThat(b.insecureTlsSkipVerify(true).build().sinkUri(false))
                .isEqualTo("webhook-https://h:1/db?insecure_tls_skip_verify=true");
    }

    @Test
    void sqlNeedsACursor() {
        ChangefeedSpec spec = ChangefeedSpec.builder().tables("t").failbackUrl("https://h:1")
                .target(TargetKind.MYSQL, "db", null).build();
        assertThat(spec.cursor()).isEmpty();
        assertThatThrownBy(spec::sql).isInstanceOf(IllegalStateException.class).hasMessageContaining("\"now\"");
        assertThat(spec.withCursor(CURSOR).sql()).contains("cursor = '" + CURSOR + "'");
    }

    @Test
    void rejectsBadInput() {
        ChangefeedSpec.Builder b = ChangefeedSpec.builder();
        assertThatThrownBy(() -> b.tables("t; DROP TABLE x")).hasMessageContaining("not a table name");
        assertThatThrownBy(() -> b.failbackUrl("http://h:1")).hasMessageContaining("https://host:port");
        assertThatThrownBy(() -> b.failbackUrl("https://h:1/db/public")).hasMessageContaining("without a path");
        assertThatThrownBy(() -> b.authToken("a b")).hasMessageContaining("printable");
        assertThatThrownBy(() -> b.caCertPem("not pem")).hasMessageContaining("not PEM");
        assertThatThrownBy(() -> b.resolved(Duration.ZERO)).hasMessageContaining("resolved must be > 0");
        assertThatThrownBy(() -> b.initialScan("maybe")).hasMessageContaining("no, yes or only");
        assertThatThrownBy(b::build).hasMessageContaining("table");
        b.tables("t", "\"Mixed Case\".\"T\"", "db.public.t");
        assertThatThrownBy(b::build).hasMessageContaining("failbackUrl");
        b.failbackUrl("webhook-https://h:1");
        assertThatThrownBy(b::build).hasMessageContaining("target");
        assertThatThrownBy(() -> b.target(TargetKind.ORACLE, "db", null).build()).hasMessageContaining("oracle needs the target schema");
        assertThatThrownBy(() -> b.target(TargetKind.MYSQL, null, "s").build()).hasMessageContaining("/database");
        b.target(TargetKind.MYSQL, "db", null);
        assertThatThrownBy(() -> b.clientCertPem(CERT).build()).hasMessageContaining("got only clientCert");
        assertThat(b.clientKeyPem(KEY).build().tables()).containsExactly("t", "\"Mixed Case\".\"T\"", "db.public.t");
        assertThat(TargetKind.parse("Postgres")).isEqualTo(TargetKind.POSTGRESQL);
        assertThatThrownBy(() -> TargetKind.parse("sqlite")).hasMessageContaining("postgresql, cockroachdb, mysql, mariadb, oracle");
    }

    @Test
    void goDurations() {
        assertThat(ChangefeedSpec.goDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(ChangefeedSpec.goDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ChangefeedSpec.goDuration(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(ChangefeedSpec.goDuration(Duration.ofNanos(1500))).isEqualTo("1500ns");
    }

    @Test
    void clusterSettingsExplainThemselves() {
        assertThat(ClusterSettings.recommended()).extracting(ClusterSetting::sql).containsExactly(
                "SET CLUSTER SETTING kv.rangefeed.enabled = true",
                "SET CLUSTER SETTING kv.rangefeed.closed_timestamp_refresh_interval = '250ms'",
                "SET CLUSTER SETTING kv.closed_timestamp.target_duration = '1s'",
                "SET CLUSTER SETTING kv.rangefeed.concurrent_catchup_iterators = 64");
        assertThat(ClusterSettings.recommended()).allSatisfy(s -> assertThat(s.explanation()).isNotBlank());
        assertThat(ClusterSettings.recommended()).filteredOn(ClusterSetting::required).hasSize(1);
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.substring(uri.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    static String golden(String name) throws IOException {
        String resource = "/changefeed/" + name + ".sql";
        try (InputStream in = ChangefeedSpecTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing golden file " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
