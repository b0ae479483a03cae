package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failback.core.auth.PemKeys;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuthCliTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path ecKeys(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Files.writeString(dir.resolve(name + ".pub"), PemKeys.pem(kp.getPublic()));
        Path key = dir.resolve(name + ".key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return key;
    }

    @Test
    void startParsesAuthenticationFlags() {
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--targetConn", "postgres://u@h/db", "--authToken", "t1", "--authToken", "t2",
                "--authTokenFile", "/x/tokens", "--jwtPublicKey", "a.pub", "--jwtPublicKey", "b.pub", "--jwtFromStaging",
                "--jwtRefresh", "30s");
        assertThat(start.auth.authTokens).containsExactly("t1", "t2");
        assertThat(start.auth.authTokenFiles).containsExactly(Path.of("/x/tokens"));
        assertThat(start.auth.jwtPublicKeys).containsExactly(Path.of("a.pub"), Path.of("b.pub"));
        assertThat(start.auth.jwtFromStaging).isTrue();
        assertThat(start.auth.jwtRefresh).isEqualTo(Duration.ofSeconds(30));
        StartCommand none = new StartCommand();
        new CommandLine(none).parseArgs("--targetConn", "postgres://u@h/db");
        assertThat(none.auth.any()).isFalse();
        assertThat(none.auth.jwtRefresh).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void startRefusesContradictoryOrUnreadableAuthentication() throws Exception {
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication",
                "--authToken", "secret-one")).isEqualTo(2);
        assertThat(err.toString()).contains("contradicts").doesNotContain("secret-one");
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--jwtPublicKey", "/nonexistent.pub"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("/nonexistent.pub");
        Path empty = Files.writeString(dir.resolve("tokens"), "# nothing yet\n\n");
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--authTokenFile", empty.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("holds no token");
        Path spaced = Files.writeString(dir.resolve("spaced"), "has a-secret space\n");
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--authTokenFile", spaced.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("printable ASCII").doesNotContain("a-secret");
        assertThat(run("start", "--help")).isZero();
        assertThat(out.toString()).contains("--authToken", "--authTokenFile", "--jwtPublicKey", "--jwtFromStaging",
                "--jwtRefresh");
    }

    @Test
    void makeJwtThenVerifyJwtRoundTrips() throws Exception {
        Path key = ecKeys("ec");
        Path pub = dir.resolve("ec.pub");
        Path token = dir.resolve("out.jwt");
        assertThat(run("make-jwt", "-k", key.toString(), "-a", "db.public", "-a", "other.*", "-o", token.toString()))
                .as(err.toString()).isZero();
        String jwt = Files.readString(token);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("ES256", "[db.public, other.*]").doesNotContain(jwt);
        assertThat(Files.getPosixFilePermissions(token)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(run("verify-jwt", "--jwtPublicKey", pub.toString(), "--schema", "db.public", token.toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"https://github.com/cockroachdb/replicator\"", "valid: jti",
                "[[db, public], [other, *]]", "never expires").doesNotContain(jwt);
        assertThat(run("verify-jwt", "--jwtPublicKey", pub.toString(), "--schema", "other.anything", jwt)).isZero();
        assertThat(run("verify-jwt", "--jwtPublicKey", pub.toString(), "--schema", "db.private", jwt)).isEqualTo(1);
        assertThat(err.toString()).contains("refused:", "does not allow schema db.private").doesNotContain(jwt);

        ecKeys("other");
        assertThat(run("verify-jwt", "--jwtPublicKey", dir.resolve("other.pub").toString(), jwt)).isEqualTo(1);
        assertThat(err.toString()).contains("refused:", "does not verify");

        assertThat(run("make-jwt", "-k", key.toString(), "-a", "*.*", "--ttl", "720h")).isZero();
        String expiring = out.toString().strip();
        assertThat(run("verify-jwt", "--jwtPublicKey", pub.toString(), "--schema", "x.y", expiring)).isZero();
        assertThat(out.toString()).contains("expires 20");
    }

    @Test
    void makeJwtClaimAndErrorsAreMoltLike() throws Exception {
        assertThat(run("make-jwt", "--claim", "-a", "db.public")).isZero();
        assertThat(out.toString()).contains("\"iss\" : \"replicator\"", "\"jti\"", "https://github.com/cockroachdb/replicator",
                "\"db\", \"public\"");
        assertThat(run("make-jwt", "-a", "db.public")).isEqualTo(2);
        assertThat(err.toString()).contains("no private key specified");
        assertThat(run("make-jwt", "-k", "x.key")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--allow=SCHEMA'");
        assertThat(run("make-jwt", "-k", ecKeys("k").toString(), "-a", "a.b.c")).isEqualTo(2);
        assertThat(err.toString()).contains("could not interpret \"a.b.c\"");
        Path pub = dir.resolve("k.pub");
        assertThat(run("make-jwt", "-k", pub.toString(), "-a", "a.b")).isEqualTo(2);
        assertThat(err.toString()).contains("no PEM private key");
    }

    /** The keys MOLT's docs make with openssl: SEC1 EC (with EC PARAMETERS) and PKCS#1 RSA. */
    @Test
    void makeJwtReadsOpensslKeys() throws Exception {
        assumeTrue(new File("/usr/bin/openssl").canExecute() || new File("/usr/local/bin/openssl").canExecute(),
                "openssl is not installed");
        openssl("ecparam", "-out", "ec.key", "-genkey", "-name", "prime256v1");
        openssl("ec", "-in", "ec.key", "-pubout", "-out", "ec.pub");
        openssl("ecparam", "-out", "ec521.key", "-genkey", "-name", "secp521r1");
        openssl("ec", "-in", "ec521.key", "-pubout", "-out", "ec521.pub");
        openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
        openssl("rsa", "-in", "rsa.key", "-pubout", "-out", "rsa.pub");
        assertThat(Files.readString(dir.resolve("ec.key"))).contains("BEGIN EC PRIVATE KEY");
        for (String k : List.of("ec", "ec521", "rsa")) {
            assertThat(run("make-jwt", "-k", dir.resolve(k + ".key").toString(), "-a", "db.public")).as(err.toString()).isZero();
            String jwt = out.toString().strip();
            assertThat(run("verify-jwt", "--jwtPublicKey", dir.resolve(k + ".pub").toString(), "--schema", "db.public", jwt))
                    .as(k + ": " + err).isZero();
        }
    }

    private void openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0 && args[0].equals("genrsa")) { // OpenSSL 1.x has no -traditional and writes PKCS#1 anyway
            openssl("genrsa", "-out", "rsa.key", "2048");
            return;
        }
        assertThat(p.exitValue()).as(output).isZero();
    }
}
