package dev.failback.spring.boot;

import dev.failback.Failback;
import dev.failback.Status;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code failback} component of Actuator's {@code /actuator/health}: UP when the pipeline runs and
 * its staging and target databases each hand out a valid connection (and the sink is not saturated),
 * DOWN with the reason otherwise. It asks the pipeline's own readiness check, the one
 * {@code GET /_/healthz} answers ({@link Failback#adminHandler()}; results reused for 1 s, each database
 * given at most 5 s), and adds the {@link Failback#status()} as details: state, resolved timestamps
 * received and applied, backlog, lag and what the latest failure was (its message's leading clause only: the rest can
 * quote a key or a value, and health details may be shown to anyone). Thread-safe.
 */
public final class FailbackHealthIndicator implements HealthIndicator {
    private final Failback failback;

    /**
     * A health indicator for a pipeline.
     *
     * @param failback the pipeline, never null
     */
    public FailbackHealthIndicator(Failback failback) {
        this.failback = Objects.requireNonNull(failback, "failback");
    }

    @Override
    public Health health() {
        WebhookResponse ready = failback.adminHandler().handle(
                new WebhookRequest("GET", "/_/healthz", null, Map.of(), InputStream.nullInputStream(), 0));
        Status status = failback.status();
        Health.Builder h = ready.isSuccess() ? Health.up() : Health.down().withDetail("reason", ready.message());
        h.withDetail("name", failback.name()).withDetail("state", status.state().name());
        if (status.instance() != null) {
            h.withDetail("instance", status.instance());
        }
        if (status.lastResolvedReceived() != null) {
            h.withDetail("lastResolvedReceived", status.lastResolvedReceived().toString());
        }
        if (status.lastResolvedApplied() != null) {
            h.withDetail("lastResolvedApplied", status.lastResolvedApplied().toString());
            h.withDetail("targetLag", status.targetLag().toString());
        }
        h.withDetail("stagedBacklog", status.stagedBacklog());
        if (status.lastError() != null) {
            h.withDetail("lastError", leadingClause(status.lastError()));
        }
        return h.build();
    }

    /**
     * The part of a failure's message before its first {@code ": "} (at most 120 characters): what failed, never
     * what the database or the parser said after it, which can quote a key or a row value
     * ({@code Key (id)=(7) already exists}). Health details may be shown to anyone; the whole message is in the log.
     */
    static String leadingClause(String message) {
        int cut = message.indexOf(": ");
        String clause = cut >= 0 ? message.substring(0, cut) : message;
        StringBuilder b = new StringBuilder();
        clause.codePoints().limit(120).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return b.length() < clause.length() ? b + "…" : b.toString();
    }
}
