package dev.failback.examples.cli;

import dev.failback.core.auth.Authenticators;
import dev.failback.core.auth.BearerTokenAuthenticator;
import dev.failback.core.auth.JdbcJwtKeyStore;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.spi.Authenticator;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The authentication flags of {@code failback start}: shared bearer tokens and MOLT Replicator's JWTs.
 * Not thread-safe; one per command run.
 */
final class AuthOptions {
    @Option(names = "--authToken", paramLabel = "TOKEN", converter = Secrets.class,
            description = {"Accept requests with Authorization: Bearer TOKEN (the changefeed's",
                "webhook_auth_header='Bearer TOKEN'), or ?access_token=TOKEN. Repeat to rotate tokens.",
                "A literal TOKEN is visible to other local users in the process list: give env:NAME or"
                        + " file:PATH (first line) instead, or --authTokenFile. Default: $" + Secrets.AUTH_TOKEN_ENV + "."})
    List<String> authTokens = new ArrayList<>();

    /** Whether {@link #authTokens} holds the token of FAILBACK_AUTH_TOKEN rather than of the command line. */
    boolean tokenFromEnvironment;

    @Option(names = "--authTokenFile", paramLabel = "FILE",
            description = "Like --authToken, one token per line of FILE (blank lines and # comments skipped). Repeatable.")
    List<Path> authTokenFiles = new ArrayList<>();

    @Option(names = "--jwtPublicKey", paramLabel = "FILE",
            description = {"Accept MOLT Replicator JWTs (make-jwt) signed by the PEM public key(s) in FILE",
                "(EC P-256/384/521 or RSA). Repeatable."})
    List<Path> jwtPublicKeys = new ArrayList<>();

    @Option(names = "--jwtFromStaging",
            description = {"Accept JWTs signed by the active keys in <stagingSchema>.jwt_public_keys and not revoked",
                "in <stagingSchema>.jwt_revoked_ids, as MOLT Replicator does (tables created when missing)."})
    boolean jwtFromStaging;

    @Option(names = "--jwtRefresh", paramLabel = "DURATION", defaultValue = "1m", converter = GoDuration.class,
            description = "How often --jwtFromStaging re-reads the JWT tables.")
    Duration jwtRefresh;

    /** What {@link #build} made: the authenticator and the JWT part to refresh and close, if any. */
    record Built(Authenticator authenticator, JwtAuthenticator jwt, String description) {
    }

    /**
     * Takes the token from FAILBACK_AUTH_TOKEN when neither --authToken nor --authTokenFile is given.
     *
     * @param env the environment
     * @throws picocli.CommandLine.TypeConversionException when the variable refers to an unusable file
     */
    void applyEnvironment(java.util.function.Function<String, String> env) {
        if (authTokens.isEmpty() && authTokenFiles.isEmpty()) {
            String token = Secrets.fromEnv(Secrets.AUTH_TOKEN_ENV, env);
            if (token != null) {
                authTokens.add(token);
                tokenFromEnvironment = true;
            }
        }
    }

    /** No authentication flag was given: JWTs from the staging tables, as MOLT Replicator does. */
    boolean defaulted;

    boolean any() {
        return !authTokens.isEmpty() || !authTokenFiles.isEmpty() || !jwtPublicKeys.isEmpty() || jwtFromStaging;
    }

    void validate(CommandLine cl, boolean disabled) {
        if (disabled && tokenFromEnvironment) {
            throw new ParameterException(cl, "--disableAuthentication contradicts the token in " + Secrets.AUTH_TOKEN_ENV
                    + "; unset it or drop --disableAuthentication");
        }
        if (disabled && any()) {
            throw new ParameterException(cl, "--disableAuthentication contradicts --authToken, --authTokenFile,"
                    + " --jwtPublicKey and --jwtFromStaging; pass one or the other");
        }
        if (!disabled && !any()) {
            // MOLT Replicator's default, so that the runbook's command line works as written: JWTs signed by the
            // keys in <stagingSchema>.jwt_public_keys; every request is refused (401) until a key is there
            jwtFromStaging = true;
            defaulted = true;
        }
        if (jwtRefresh.isNegative()) {
            throw new ParameterException(cl, "--jwtRefresh must not be negative, but was " + GoDuration.format(jwtRefresh));
        }
        try {
            tokens();
            if (!jwtPublicKeys.isEmpty()) {
                JwtAuthenticator.Builder b = JwtAuthenticator.builder();
                jwtPublicKeys.forEach(b::publicKeyFile);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
    }

    private List<String> tokens() {
        List<String> tokens = new ArrayList<>(authTokens);
        for (Path file : authTokenFiles) {
            List<String> read;
            try {
                read = BearerTokenAuthenticator.readTokenFile(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --authTokenFile " + file + ": " + e.getMessage(), e);
            }
            if (read.isEmpty()) {
                throw new IllegalArgumentException("--authTokenFile " + file + " holds no token");
            }
            tokens.addAll(read);
        }
        if (!tokens.isEmpty()) {
            BearerTokenAuthenticator.of(tokens); // validates without echoing a token
        }
        return tokens;
    }

    /**
     * Builds the authenticator. With --jwtFromStaging, call {@link JwtAuthenticator#refresh()} on
     * {@link Built#jwt()} once the staging schema exists.
     */
    Built build(DataSource staging, String stagingSchema) {
        List<Authenticator> all = new ArrayList<>();
        List<String> what = new ArrayList<>();
        List<String> tokens = tokens();
        if (!tokens.isEmpty()) {
            BearerTokenAuthenticator bearer = BearerTokenAuthenticator.of(tokens);
            all.add(bearer);
            what.add(bearer.tokenCount() + (bearer.tokenCount() == 1 ? " bearer token" : " bearer tokens"));
        }
        JwtAuthenticator jwt = null;
        if (!jwtPublicKeys.isEmpty() || jwtFromStaging) {
            JwtAuthenticator.Builder b = JwtAuthenticator.builder();
            jwtPublicKeys.forEach(b::publicKeyFile);
            if (jwtFromStaging) {
                b.keyStore(JdbcJwtKeyStore.of(staging, stagingSchema, true)).refreshInterval(jwtRefresh);
            }
            jwt = b.build();
            all.add(jwt);
            what.add("JWT (" + (jwtPublicKeys.isEmpty() ? "" : jwtPublicKeys.size() + " public key file"
                    + (jwtPublicKeys.size() == 1 ? "" : "s") + (jwtFromStaging ? " and " : ""))
                    + (jwtFromStaging ? "keys in " + stagingSchema + "." + JdbcJwtKeyStore.PUBLIC_KEYS_TABLE : "") + ")");
        }
        return new Built(Authenticators.anyOf(all), jwt, String.join(" or ", what));
    }

    /** Loads the staging JWT tables now, so that a problem stops the start with a clear message. */
    void loadStagingKeys(Built built) {
        if (jwtFromStaging && built.jwt() != null) {
            try {
                built.jwt().refresh();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the JWT tables of the staging schema ("
                        + (defaulted ? "no authentication flag: MOLT's default, JWTs from the staging tables"
                                : "--jwtFromStaging") + "): " + Pools.cause(e) + " (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }
}
