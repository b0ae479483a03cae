package dev.failback.core.auth;

import dev.failback.WebhookRequest;
import dev.failback.spi.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts requests carrying one of a few shared secrets: the CockroachDB changefeed sends
 * {@code webhook_auth_header} verbatim as the Authorization header, so configure the changefeed
 * with {@code WITH webhook_auth_header='Bearer <token>'}. Accepted forms, for each configured token:
 * {@code Authorization: Bearer <token>}, {@code Authorization: <token>} (a
 * {@code webhook_auth_header} without the {@code Bearer } prefix), and, when there is no
 * Authorization header, the {@code ?access_token=<token>} query parameter (as MOLT Replicator).
 *
 * <p>Several tokens may be active at once, to rotate without downtime: add the new token, move the
 * changefeed to it ({@code ALTER CHANGEFEED ... SET webhook_auth_header = ...}), then drop the old one.
 *
 * <p>Tokens are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual}
 * against every configured digest, so the time taken does not depend on which bytes match. Tokens
 * are never logged, returned, or shown by {@link #toString()}. Immutable and thread-safe.
 */
public final class BearerTokenAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAuthenticator.class);
    private final List<byte[]> digests;

    private BearerTokenAuthenticator(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Reads the tokens of a token file: one per line, blank lines and lines starting with {@code #} skipped
     * (the format of the CLI's {@code --authTokenFile} and the Spring starter's {@code failback.auth.token-files}).
     *
     * @param file the file
     * @return its tokens, in order; empty when it holds none
     * @throws java.io.IOException when it cannot be read
     */
    public static List<String> readTokenFile(java.nio.file.Path file) throws java.io.IOException {
        List<String> tokens = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                tokens.add(t);
            }
        }
        return tokens;
    }

    /**
     * Accepts any of the tokens.
     *
     * @param tokens one or more tokens, with or without a leading {@code Bearer }
     * @return the authenticator
     * @throws IllegalArgumentException when there is no token, or one is blank or has spaces or control
     *                                  characters (the message never shows the token)
     */
    public static BearerTokenAuthenticator of(String... tokens) {
        return of(List.of(tokens));
    }

    /**
     * Accepts any of the tokens.
     *
     * @param tokens one or more tokens, with or without a leading {@code Bearer }
     * @return the authenticator
     * @throws IllegalArgumentException when there is no token, or one is blank or has spaces or control
     *                                  characters (the message never shows the token)
     */
    public static BearerTokenAuthenticator of(Collection<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("at least one bearer token is required, but none was given");
        }
        List<byte[]> digests = new ArrayList<>();
        int i = 0;
        for (String token : tokens) {
            i++;
            Objects.requireNonNull(token, "token");
            String bare = AccessTokens.stripBearer(token);
            if (bare.isEmpty() || !bare.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("bearer token #" + i + " must be non-empty printable ASCII"
                        + " without spaces (" + bare.length() + " characters given)");
            }
            digests.add(sha256(bare));
        }
        return new BearerTokenAuthenticator(List.copyOf(digests));
    }

    @Override
    public Decision authenticate(WebhookRequest request, List<String> schemaPath) {
        String bearer = AccessTokens.bearer(request);
        String raw = AccessTokens.authorization(request);
        boolean ok = (bearer != null && matches(bearer)) | (raw != null && matches(raw));
        if (ok) {
            return Decision.allow();
        }
        LOG.trace("bearer token refused for {}: {}", schemaPath,
                bearer == null && raw == null ? "no Authorization header or access_token parameter" : "no token matches");
        return Decision.deny(Authenticators.REFUSED);
    }

    /** Compares against every configured digest, without stopping at the first match. */
    private boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean any = false;
        for (byte[] d : digests) {
            any |= MessageDigest.isEqual(d, digest);
        }
        return any;
    }

    /**
     * The number of accepted tokens.
     *
     * @return at least 1
     */
    public int tokenCount() {
        return digests.size();
    }

    @Override
    public String toString() {
        return "BearerTokenAuthenticator[" + digests.size() + (digests.size() == 1 ? " token]" : " tokens]");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
