package dev.failback.core.auth;

import dev.failback.WebhookRequest;
import dev.failback.spi.Authenticator;
import java.util.List;
import java.util.Objects;

/** Combines authenticators. Stateless and thread-safe. */
public final class Authenticators {
    /** The reason every refusal carries, as MOLT Replicator answers a bad token. */
    public static final String REFUSED = "missing or invalid access token";

    private Authenticators() {
    }

    /**
     * Accepts a request that any of the authenticators accepts, tried in order (e.g. bearer tokens,
     * then JWTs); refuses it with {@value #REFUSED} otherwise.
     *
     * @param authenticators one or more authenticators, never null
     * @return the combined authenticator
     */
    public static Authenticator anyOf(Authenticator... authenticators) {
        return anyOf(List.of(authenticators));
    }

    /**
     * Accepts a request that any of the authenticators accepts, tried in order.
     *
     * @param authenticators one or more authenticators, never null
     * @return the combined authenticator
     */
    public static Authenticator anyOf(List<? extends Authenticator> authenticators) {
        List<Authenticator> all = List.copyOf(authenticators);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one authenticator, but was given none");
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new AnyOf(all);
    }

    private record AnyOf(List<Authenticator> all) implements Authenticator {
        AnyOf {
            Objects.requireNonNull(all, "all");
        }

        @Override
        public Decision authenticate(WebhookRequest request, List<String> schemaPath) {
            for (Authenticator a : all) {
                if (a.authenticate(request, schemaPath).allowed()) {
                    return Decision.allow();
                }
            }
            return Decision.deny(REFUSED);
        }

        @Override
        public Decision authenticate(WebhookRequest request, List<String> schemaPath,
                java.util.function.UnaryOperator<String> fold) {
            for (Authenticator a : all) {
                if (a.authenticate(request, schemaPath, fold).allowed()) {
                    return Decision.allow();
                }
            }
            return Decision.deny(REFUSED);
        }

        @Override
        public String toString() {
            return "anyOf" + all;
        }
    }
}
