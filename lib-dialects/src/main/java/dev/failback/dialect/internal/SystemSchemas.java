package dev.failback.dialect.internal;

import java.util.Locale;
import java.util.Set;

/**
 * A database system's own schemas, which a changefeed must never write: names compared ignoring
 * case, plus name prefixes (temporary schemas). Immutable.
 */
public final class SystemSchemas {
    private final Set<String> names;
    private final Set<String> prefixes;

    private SystemSchemas(Set<String> names, Set<String> prefixes) {
        this.names = names;
        this.prefixes = prefixes;
    }

    /**
     * PostgreSQL's: {@code pg_catalog}, {@code information_schema}, {@code pg_toast}, temporary schemas.
     *
     * @return the set
     */
    public static SystemSchemas postgres() {
        return new SystemSchemas(Set.of("pg_catalog", "information_schema", "pg_toast"),
                Set.of("pg_temp_", "pg_toast_temp_"));
    }

    /**
     * CockroachDB's: PostgreSQL's catalog schemas, {@code crdb_internal} and {@code pg_extension}.
     *
     * @return the set
     */
    public static SystemSchemas cockroach() {
        return new SystemSchemas(Set.of("pg_catalog", "information_schema", "crdb_internal", "pg_extension"),
                Set.of("pg_temp"));
    }

    /**
     * MySQL's and MariaDB's system databases.
     *
     * @return the set
     */
    public static SystemSchemas mysql() {
        return new SystemSchemas(Set.of("mysql", "sys", "performance_schema", "information_schema"), Set.of());
    }

    /**
     * The accounts Oracle Database creates and maintains (12c to 23ai).
     *
     * @return the set
     */
    public static SystemSchemas oracle() {
        return new SystemSchemas(Set.of("sys", "system", "xdb", "outln", "dbsnmp", "appqossys", "audsys", "ctxsys",
                "dbsfwuser", "dgpdb_int", "dip", "dvf", "dvsys", "ggsharedcap", "ggsys", "gsmadmin_internal",
                "gsmcatuser", "gsmrootuser", "gsmuser", "lbacsys", "mddata", "mdsys", "ojvmsys", "olapsys",
                "oracle_ocm", "orddata", "ordplugins", "ordsys", "pdbadmin", "remote_scheduler_agent",
                "si_informtn_schema", "sys$umf", "sysbackup", "sysdg", "syskm", "sysrac", "wmsys", "xs$null",
                "anonymous", "public", "baasys", "sysraw"), Set.of("apex_", "flows_"));
    }

    /**
     * Whether a name is one of these schemas, ignoring case.
     *
     * @param schema a schema name
     * @return true for a system schema
     */
    public boolean isSystem(String schema) {
        String s = schema.toLowerCase(Locale.ROOT);
        if (names.contains(s)) {
            return true;
        }
        for (String p : prefixes) {
            if (s.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
