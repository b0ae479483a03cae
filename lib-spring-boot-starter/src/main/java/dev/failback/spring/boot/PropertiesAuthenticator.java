package dev.failback.spring.boot;

import dev.failback.WebhookRequest;
import dev.failback.core.auth.Authenticators;
import dev.failback.core.auth.BearerTokenAuthenticator;
import dev.failback.core.auth.JdbcJwtKeyStore;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.spi.Authenticator;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticator {@code failback.auth.*} describes: bearer tokens and MOLT Replicator's JWTs, as the
 * CLI's {@code --authToken}, {@code --authTokenFile}, {@code --jwtPublicKey} and {@code --jwtFromStaging}
 * build it. A property that cannot be used does not throw here: it is a {@linkplain #problems() problem},
 * reported with every other one when the pipeline is configured. Thread-safe once built; {@link #close()}
 * stops the JWT refresh thread.
 */
final class PropertiesAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PropertiesAuthenticator.class);

    private final Authenticator delegate;
    private final JwtAuthenticator jwt;
    private final boolean jwtFromStaging;
    private final String description;
    private final List<String> problems;

    private PropertiesAuthenticator(Authenticator delegate, JwtAuthenticator jwt, boolean jwtFromStaging,
            String description, List<String> problems) {
        this.delegate = delegate;
        this.jwt = jwt;
        this.jwtFromStaging = jwtFromStaging;
        this.description = description;
        this.problems = List.copyOf(problems);
    }

    /**
     * Builds the authenticator the properties describe.
     *
     * @param auth          the properties
     * @param staging       the database holding the JWT tables ({@code jwt-from-staging}), or null when unknown
     * @param stagingSchema the schema holding them
     * @return the authenticator; check {@link #problems()} before using it
     */
    static PropertiesAuthenticator of(FailbackProperties.Auth auth, DataSource staging, String stagingSchema) {
        List<String> problems = new ArrayList<>();
        if (!auth.any()) {
            problems.add("no authentication is configured: set " + FailbackProperties.PREFIX + ".auth.tokens (the"
                    + " changefeed's webhook_auth_header='Bearer <token>'), " + FailbackProperties.PREFIX
                    + ".auth.token-files, " + FailbackProperties.PREFIX + ".auth.jwt-public-keys or "
                    + FailbackProperties.PREFIX + ".auth.jwt-from-staging=true; or define a bean of type "
                    + Authenticator.class.getName() + "; or set " + FailbackProperties.PREFIX
                    + ".auth.disabled=true to accept every request (insecure)");
            return new PropertiesAuthenticator(null, null, false, "nothing", problems);
        }
        List<Authenticator> all = new ArrayList<>();
        List<String> what = new ArrayList<>();
        List<String> tokens = tokens(auth, problems);
        if (!tokens.isEmpty()) {
            try {
                BearerTokenAuthenticator bearer = BearerTokenAuthenticator.of(tokens);
                all.add(bearer);
                what.add(bearer.tokenCount() + (bearer.tokenCount() == 1 ? " bearer token" : " bearer tokens"));
            } catch (IllegalArgumentException e) { // the message never shows a token
                problems.add(FailbackProperties.PREFIX + ".auth.tokens: " + e.getMessage());
            }
        }
        JwtAuthenticator jwt = null;
        if (!auth.getJwtPublicKeys().isEmpty() || auth.isJwtFromStaging()) {
            JwtAuthenticator.Builder b = JwtAuthenticator.builder();
            boolean usable = true;
            for (Path key : auth.getJwtPublicKeys()) {
                try {
                    b.publicKeyFile(key);
                } catch (IllegalArgumentException e) {
                    problems.add(FailbackProperties.PREFIX + ".auth.jwt-public-keys: " + e.getMessage());
                    usable = false;
                }
            }
            if (auth.isJwtFromStaging()) {
                if (staging == null) {
                    usable = false; // the DataSource problem is reported on its own
                } else {
                    try {
                        b.keyStore(JdbcJwtKeyStore.of(staging, stagingSchema, true)).refreshInterval(auth.getJwtRefresh());
                    } catch (IllegalArgumentException e) {
                        problems.add(FailbackProperties.PREFIX + ".auth.jwt-refresh: " + e.getMessage());
                        usable = false;
                    }
                }
            }
            if (usable && problems.isEmpty()) {
                jwt = b.build();
                all.add(jwt);
                what.add("JWT (" + (auth.getJwtPublicKeys().isEmpty() ? "" : auth.getJwtPublicKeys().size()
                        + " public key file" + (auth.getJwtPublicKeys().size() == 1 ? "" : "s")
                        + (auth.isJwtFromStaging() ? " and " : ""))
                        + (auth.isJwtFromStaging() ? "keys in " + stagingSchema + "." + JdbcJwtKeyStore.PUBLIC_KEYS_TABLE
                                : "") + ")");
            }
        }
        Authenticator delegate = problems.isEmpty() && !all.isEmpty() ? Authenticators.anyOf(all) : null;
        return new PropertiesAuthenticator(delegate, jwt, auth.isJwtFromStaging(), String.join(" or ", what), problems);
    }

    private static List<String> tokens(FailbackProperties.Auth auth, List<String> problems) {
        List<String> tokens = new ArrayList<>(auth.getTokens());
        for (Path file : auth.getTokenFiles()) {
            List<String> read;
            try {
                read = BearerTokenAuthenticator.readTokenFile(file);
            } catch (IOException e) {
                problems.add(FailbackProperties.PREFIX + ".auth.token-files: cannot read " + file + ": " + e);
                continue;
            }
            if (read.isEmpty()) {
                problems.add(FailbackProperties.PREFIX + ".auth.token-files: " + file + " holds no token");
            }
            tokens.addAll(read);
        }
        return tokens;
    }

    /**
     * What cannot be used, one line each naming its property; empty when the authenticator works.
     *
     * @return the problems, never null
     */
    List<String> problems() {
        return problems;
    }

    /**
     * Reads the staging JWT tables now that the staging schema exists; a failure is logged, and every
     * request is then refused (401) until a later refresh reads them.
     */
    void loadStagingKeys() {
        if (jwt != null && jwtFromStaging) {
            try {
                jwt.refresh();
            } catch (SQLException e) {
                LOG.warn("cannot read the JWT tables of the staging schema ({}.auth.jwt-from-staging): {} (SQLState {});"
                        + " every request is refused (401) until they can be read", FailbackProperties.PREFIX,
                        e.getMessage(), e.getSQLState());
            }
        }
    }

    @Override
    public Decision authenticate(WebhookRequest request, List<String> schemaPath) {
        return delegate().authenticate(request, schemaPath);
    }

    @Override
    public Decision authenticate(WebhookRequest request, List<String> schemaPath, UnaryOperator<String> fold) {
        return delegate().authenticate(request, schemaPath, fold);
    }

    private Authenticator delegate() {
        if (delegate == null) {
            throw new IllegalStateException("failback.auth is not usable: " + problems);
        }
        return delegate;
    }

    /** Stops the JWT refresh thread, if any. Idempotent. */
    @Override
    public void close() {
        if (jwt != null) {
            jwt.close();
        }
    }

    @Override
    public String toString() {
        return "accepting " + description;
    }
}
