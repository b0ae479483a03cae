package dev.failback.examples.cli;

import dev.failback.core.auth.Jwts;
import dev.failback.core.auth.PemKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback make-jwt}: MOLT Replicator's {@code make-jwt}, issuing a token that lets a changefeed
 * write to some schemas. The token goes to stdout or to {@code -o} (owner-only); nothing else prints it.
 */
@Command(name = "make-jwt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sign a JWT that lets a changefeed write to the given schemas (MOLT Replicator's make-jwt).",
        footer = {"", "Example:",
            "  openssl ecparam -out ec.key -genkey -name prime256v1",
            "  openssl ec -in ec.key -pubout -out ec.pub",
            "  failback make-jwt -k ec.key -a ycsb.public -o out.jwt",
            "  failback start ... --jwtPublicKey ec.pub      (or INSERT INTO <stagingSchema>.jwt_public_keys",
            "                                                 (public_key) VALUES ('<ec.pub>') with --jwtFromStaging)",
            "  CREATE CHANGEFEED ... WITH webhook_auth_header = 'Bearer <contents of out.jwt>'"})
final class MakeJwtCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-k", "--key"}, paramLabel = "FILE",
            description = "The PEM private key to sign with: EC P-256/384/521 (ES256/384/512) or RSA (RS256);"
                    + " PKCS#8, SEC1 (EC PRIVATE KEY) or PKCS#1 (RSA PRIVATE KEY), unencrypted.")
    Path key;

    @Option(names = {"-a", "--allow"}, paramLabel = "SCHEMA", split = ",", required = true,
            description = "A schema the token may write to: database.schema, * for any part (*.*, db.*), or a single"
                    + " part (a MySQL database, an Oracle schema). Repeatable.")
    List<String> allow = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the token to FILE (mode 600) instead of stdout.")
    Path out;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = GoDuration.class,
            description = "Make the token expire after DURATION (e.g. 720h); MOLT's tokens never expire.")
    Duration ttl;

    @Option(names = "--claim", description = "Print a minimal unsigned claim (for an external identity provider) instead of signing.")
    boolean claimOnly;

    @Override
    public Integer call() throws IOException {
        List<List<String>> schemas = new ArrayList<>();
        for (String a : allow) {
            schemas.add(schema(a));
        }
        if (claimOnly) {
            spec.commandLine().getOut().println(Jwts.claim(schemas));
            return 0;
        }
        if (key == null) {
            throw new ParameterException(spec.commandLine(), "no private key specified: pass -k FILE (or --claim)");
        }
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new ParameterException(spec.commandLine(), "--ttl must be positive, but was " + GoDuration.format(ttl));
        }
        PrivateKey privateKey;
        try {
            privateKey = PemKeys.privateKey(Files.readString(key, StandardCharsets.US_ASCII));
            Jwts.algorithm(privateKey);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "-k " + key + ": " + e.getMessage());
        }
        String token = Jwts.mint(privateKey, schemas, ttl);
        if (out == null) {
            spec.commandLine().getOut().println(token);
        } else {
            write(out, token);
            spec.commandLine().getErr().println("wrote a " + Jwts.algorithm(privateKey) + " token for " + allow + " to " + out);
        }
        return 0;
    }

    private List<String> schema(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 2 || text.isEmpty() || List.of(parts).contains("")) {
            throw new ParameterException(spec.commandLine(), "could not interpret \"" + text + "\" as a schema name;"
                    + " use database.schema, *.* or a single name");
        }
        return List.of(parts);
    }

    private static void write(Path file, String token) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, token, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
