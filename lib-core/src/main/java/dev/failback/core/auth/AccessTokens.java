package dev.failback.core.auth;

import dev.failback.WebhookRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the credential in a request the way MOLT Replicator does ({@code httpauth.Token}): the
 * {@code Authorization: Bearer <token>} header, or, when there is no Authorization header, the
 * {@code access_token} query parameter. Stateless.
 */
final class AccessTokens {
    private static final String BEARER = "Bearer ";

    private AccessTokens() {
    }

    /** The bearer token, or null when the request carries none. */
    static String bearer(WebhookRequest request) {
        String raw = request.header("Authorization");
        if (raw != null && !raw.isEmpty()) {
            return raw.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? raw.substring(BEARER.length()).strip() : null;
        }
        return queryParameter(request.query(), "access_token");
    }

    /** The Authorization header as sent (CockroachDB's {@code webhook_auth_header}, verbatim), or null. */
    static String authorization(WebhookRequest request) {
        String raw = request.header("Authorization");
        return raw == null || raw.isEmpty() ? null : raw;
    }

    /** Removes a leading {@code Bearer } from a configured token. */
    static String stripBearer(String token) {
        return token.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? token.substring(BEARER.length()).strip() : token;
    }

    static String queryParameter(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!key.equals(name)) {
                continue;
            }
            try {
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return value.isEmpty() ? null : value;
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        return null;
    }
}
