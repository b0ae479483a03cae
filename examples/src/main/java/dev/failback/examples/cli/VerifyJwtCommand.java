package dev.failback.examples.cli;

import dev.failback.core.auth.InvalidJwtException;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.core.auth.JwtClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback verify-jwt}: checks a token as {@code start} would and prints its claims, or why it is
 * refused. Exit code 0 when valid, 1 when refused. Never prints the token.
 */
@Command(name = "verify-jwt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check a JWT as 'start --jwtPublicKey' would: print its claims, or why it is refused.")
final class VerifyJwtCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--jwtPublicKey", paramLabel = "FILE", required = true,
            description = "A PEM public key the token may be signed with. Repeatable.")
    List<Path> jwtPublicKeys = new ArrayList<>();

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Also check that the token may write to SCHEMA (database.schema, or one part).")
    String schema;

    @Parameters(paramLabel = "TOKEN", description = "The token, a file holding it (make-jwt -o), or - for stdin.")
    String token;

    @Override
    public Integer call() throws IOException {
        JwtAuthenticator.Builder b = JwtAuthenticator.builder();
        try {
            jwtPublicKeys.forEach(b::publicKeyFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String jwt = token.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.US_ASCII)
                : Files.isRegularFile(Path.of(token)) ? Files.readString(Path.of(token), StandardCharsets.US_ASCII) : token;
        jwt = jwt.strip();
        if (jwt.regionMatches(true, 0, "Bearer ", 0, 7)) {
            jwt = jwt.substring(7).strip();
        }
        try (JwtAuthenticator auth = b.build()) {
            JwtClaims claims = schema == null ? auth.verify(jwt) : auth.verify(jwt, List.of(schema.split("\\.", -1)));
            spec.commandLine().getOut().println(claims.json());
            spec.commandLine().getOut().println("valid: jti " + claims.id() + ", schemas " + claims.schemas()
                    + claims.expiresAt().map(e -> ", expires " + e).orElse(", never expires"));
            return 0;
        } catch (InvalidJwtException e) {
            spec.commandLine().getErr().println("refused: " + e.getMessage());
            return 1;
        }
    }
}
