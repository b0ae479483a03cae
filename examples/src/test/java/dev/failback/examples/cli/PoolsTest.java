package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pool configuration: MySQL defaults, and PEM files turned into Connector/J key stores. */
class PoolsTest {

    @Test
    void mysqlPoolsGetTheDefaultsUnlessTheUrlSetsThem() {
        HikariConfig config = Pools.config("p", "mysql://root@127.0.0.1:3306/test?rewriteBatchedStatements=false", 4);
        assertThat(config.getJdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/test?rewriteBatchedStatements=false");
        assertThat(config.getUsername()).isEqualTo("root");
        Properties p = config.getDataSourceProperties();
        assertThat(p).doesNotContainKey("rewriteBatchedStatements");
        assertThat(p.getProperty("sessionVariables")).isEqualTo("time_zone='+00:00'");
        assertThat(p.getProperty("useServerPrepStmts")).isEqualTo("false");
        assertThat(Pools.config("p", "postgres://u@h/db", 4).getDataSourceProperties()).isEmpty();
        assertThat(Pools.config("p", "oracle://u:p@h/SVC?sslmode=verify-full", 4).getDataSourceProperties())
                .containsEntry("oracle.net.ssl_server_dn_match", "true");
    }

    @Test
    void pemFilesBecomePkcs12KeyStores() throws Exception {
        String ca = resource("ca.crt");
        for (String key : new String[] {resource("client.key"), resource("client-pkcs1.key")}) {
            HikariConfig config = Pools.config("p", "mysql://u@h/db?sslmode=verify-ca&sslrootcert=" + ca
                    + "&sslcert=" + resource("client.crt") + "&sslkey=" + key, 4);
            assertThat(config.getJdbcUrl()).isEqualTo("jdbc:mysql://h:3306/db?sslMode=VERIFY_CA");
            Properties p = config.getDataSourceProperties();
            KeyStore trust = load(p.getProperty("trustCertificateKeyStoreUrl"), p.getProperty("trustCertificateKeyStorePassword"));
            assertThat(((X509Certificate) trust.getCertificate("ca0")).getSubjectX500Principal().getName())
                    .isEqualTo("CN=failback-test-ca");
            assertThat(p.getProperty("trustCertificateKeyStoreType")).isEqualTo("PKCS12");
            String password = p.getProperty("clientCertificateKeyStorePassword");
            KeyStore client = load(p.getProperty("clientCertificateKeyStoreUrl"), password);
            assertThat(client.getKey("client", password.toCharArray())).isInstanceOf(PrivateKey.class);
            assertThat(((X509Certificate) client.getCertificate("client")).getSubjectX500Principal().getName())
                    .isEqualTo("CN=failback-test-client");
        }
    }

    @Test
    void unreadableKeysNameTheConversion(@TempDir Path dir) throws IOException {
        Path ec = dir.resolve("ec.key");
        Files.writeString(ec, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStores.privateKey(ec.toString())).hasMessageContaining("openssl pkcs8 -topk8");
        assertThatThrownBy(() -> Pools.config("p", "mysql://u@h/db?sslrootcert=" + dir.resolve("missing.crt"), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.crt");
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(PoolsTest.class.getResource("/tls/" + name).toURI()).toString();
    }

    private static KeyStore load(String url, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(Path.of(URI.create(url)).toFile())) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
