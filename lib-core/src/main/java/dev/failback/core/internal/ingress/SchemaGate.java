package dev.failback.core.internal.ingress;

import dev.failback.core.internal.Databases;
import dev.failback.core.internal.telemetry.AdminService;
import dev.failback.spi.Dialect;
import dev.failback.spi.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which target schemas the webhook may write: never Failback's own (the staging schema, the fence
 * schema {@code _failback}) nor the database system's ({@link Dialect#isSystemSchema}), and when an
 * allow-list is configured ({@code Failback.Builder#schemas}) only those. Checked twice: on the path
 * as sent, before authentication and before anything is read (any spelling of a reserved name is
 * refused; a name no allowed entry could match is refused), and on the path the target resolved,
 * by the target's identifier rules. Immutable, thread-safe.
 */
public final class SchemaGate {
    private final Dialect dialect;
    private final List<String> reserved;
    private final List<List<String>> allowed;

    /**
     * @param dialect       the target's dialect
     * @param stagingSchema the staging schema (reserved whether or not staging lives in the target)
     * @param allowed       the allow-list entries, empty for every schema that is not reserved
     */
    public SchemaGate(Dialect dialect, String stagingSchema, List<String> allowed) {
        this.dialect = dialect;
        this.reserved = List.of(stagingSchema.toLowerCase(Locale.ROOT),
                Databases.TARGET_FENCE_SCHEMA.toLowerCase(Locale.ROOT));
        int n = dialect.schemaPathSegments();
        List<List<String>> entries = new ArrayList<>();
        for (String entry : allowed) {
            List<String> parts = Identifiers.split(entry);
            if (parts.size() == n) {
                entries.add(parts);
            } else if (parts.size() == 1 && n == 2) {
                entries.add(List.of("*", parts.get(0))); // a schema of the connected database
            } else {
                throw new IllegalArgumentException("schemas: \"" + entry + "\" does not name a " + dialect.name()
                        + " target schema (" + (n == 2 ? "database.schema or schema" : "one name") + ")");
            }
        }
        this.allowed = List.copyOf(entries);
    }

    /**
     * Checks a path as sent.
     *
     * @param segments the path's segments, as many as the dialect's schema paths have
     * @return why the path is refused (answer 404), or null
     */
    String refuseAsSent(List<String> segments) {
        String reason = reservedReason(segments);
        if (reason != null) {
            return reason;
        }
        if (allowed.isEmpty()) {
            return null;
        }
        for (List<String> entry : allowed) {
            boolean all = true;
            for (int i = 0; i < entry.size() && all; i++) {
                all = Identifiers.mayMatch(entry.get(i), segments.get(i));
            }
            if (all) {
                return null;
            }
        }
        return notAllowed(segments);
    }

    /**
     * Checks a path as the target resolved it.
     *
     * @param canonical the resolved path
     * @return why the path is refused (answer 404), or null
     */
    String refuseResolved(List<String> canonical) {
        String reason = reservedReason(canonical);
        if (reason != null || allowed.isEmpty()) {
            return reason;
        }
        for (List<String> entry : allowed) {
            if (Identifiers.matches(entry, canonical, dialect::foldIdentifier)) {
                return null;
            }
        }
        return notAllowed(canonical);
    }

    private String reservedReason(List<String> path) {
        String schema = path.get(path.size() - 1);
        if (reserved.contains(schema.toLowerCase(Locale.ROOT))) {
            return "schema " + quoted(schema) + " is Failback's own (staging or lease fence) and is never written"
                    + " by a changefeed; point the changefeed at a target schema";
        }
        if (dialect.isSystemSchema(schema)) {
            return "schema " + quoted(schema) + " belongs to the " + dialect.name() + " system and is never written"
                    + " by a changefeed; point the changefeed at a target schema";
        }
        return null;
    }

    private String notAllowed(List<String> path) {
        return "schema " + quoted(String.join(".", path)) + " is not among the schemas this pipeline serves ("
                + String.join(", ", allowed.stream().map(e -> String.join(".", e)).toList()) + ")";
    }

    private static String quoted(String name) {
        return "\"" + AdminService.abbreviate(name) + "\"";
    }
}
