package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code failback preflight} with {@code start}'s flags: checks, one line each, what {@code start} will need —
 * the flags, the TLS files, the ports, the target and staging connections (within 2 s each, naming which one
 * failed and why), the staging schema, the target's tables and, on PostgreSQL, the privileges to write them,
 * and how requests will authenticate — then exits 0 when nothing failed, 1 otherwise. Nothing is created or
 * written: it is the runbook's pre-cutover checklist, run before the changefeed exists.
 */
@Command(name = "preflight", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Check, without starting, what 'start' with the same flags will need: flags, TLS files, ports,",
            "target and staging connections, staging schema, target tables and privileges, authentication.",
            "One line per check; exit 0 when none failed, 1 otherwise."})
final class PreflightCommand extends StartCommand {
    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    PreflightCommand() {
    }

    private void ok(String check, String detail) {
        lines.add("ok    " + check + ": " + detail);
    }

    private void warn(String check, String detail) {
        lines.add("warn  " + check + ": " + detail);
    }

    private void fail(String check, String detail) {
        lines.add("FAIL  " + check + ": " + detail);
        failed = true;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            run();
        } catch (RuntimeException e) { // a connection string the driver cannot take, a missing --targetConn, …
            fail("preflight", Pools.cause(e));
        } finally {
            lines.forEach(out::println);
            out.println(failed ? "preflight: FAILED" : "preflight: ok");
            out.flush();
        }
        return failed ? 1 : 0;
    }

    private void run() {
        applyEnvironment();
        boolean tlsOk = false;
        try {
            tlsConfig = tls.config(spec.commandLine());
            tlsOk = true;
            ok("tls", tlsConfig == null ? "none: the sink speaks plain HTTP (CockroachDB sends only to https; a TLS"
                    + " proxy must sit in front)" : "certificate and key load" + (tlsConfig.clientCaFile().isPresent()
                            ? ", client certificates checked against " + tlsConfig.clientCaFile().get() : ""));
        } catch (ParameterException e) {
            fail("tls", e.getMessage());
        }
        try {
            auth.validate(spec.commandLine(), disableAuthentication);
            MoltFlags.check(spec.commandLine()).forEach(w -> warn("flags", w));
            if (tlsOk) {
                validate(); // it checks the TLS files again: once is enough to report
                ok("flags", "valid");
            } else {
                ConnectionUrls.toJdbc(targetConn);
            }
        } catch (ParameterException e) {
            fail("flags", e.getMessage());
            return;
        }
        port("bindAddr", bindAddr);
        if (metricsAddr != null) {
            port("metricsAddr", metricsAddr);
        }
        String product;
        try (HikariDataSource target = Pools.probe("preflight-target", targetConn)) {
            product = connect("target", target, targetConn);
            if (product == null) {
                return;
            }
            targetTables(target, product);
            if (stagingConn == null) {
                stagingSchema(target, "target");
                authentication(target);
                return;
            }
        }
        try (HikariDataSource staging = Pools.probe("preflight-staging", stagingConn)) {
            if (connect("staging", staging, stagingConn) != null) {
                stagingSchema(staging, "staging");
                authentication(staging);
            }
        }
    }

    private void port(String flag, BindAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address.host().isEmpty() ? new InetSocketAddress(address.port())
                    : new InetSocketAddress(address.host(), address.port()));
            ok(flag, "port " + address.port() + " is free" + (address.host().isEmpty() ? " on every interface"
                    : " on " + address.host()));
        } catch (IOException e) {
            fail(flag, "cannot listen on " + (address.host().isEmpty() ? "" : address.host()) + ":" + address.port()
                    + ": " + e.getMessage());
        }
    }

    /** Connects within {@value Pools#PROBE_SECONDS} s; the database's product and version, or null (failed). */
    private String connect(String which, HikariDataSource ds, String conn) {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            ok(which, "connected to " + ConnectionUrls.mask(conn) + " (" + md.getDatabaseProductName() + " "
                    + md.getDatabaseProductVersion().lines().findFirst().orElse("") + ", user " + md.getUserName() + ")");
            return md.getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            fail(which, "cannot connect to " + ConnectionUrls.mask(conn) + " within " + Pools.PROBE_SECONDS + " s: "
                    + Pools.cause(e));
            return null;
        }
    }

    /** The target's tables in the schemas it will write (--schemas, else the connection's own), and on PostgreSQL the right to write them. */
    private void targetTables(HikariDataSource target, String product) {
        try (Connection c = target.getConnection()) {
            List<String[]> places = new ArrayList<>(); // catalog, schema
            if (schemas.isEmpty()) {
                places.add(new String[] {c.getCatalog(), product.contains("postgres") ? "public"
                        : product.contains("oracle") ? c.getMetaData().getUserName() : null});
            } else {
                for (String s : schemas) {
                    String[] parts = s.split("\\.");
                    places.add(product.contains("mysql") || product.contains("mariadb")
                            ? new String[] {parts[parts.length - 1], null}
                            : new String[] {parts.length > 1 ? parts[0] : c.getCatalog(), parts[parts.length - 1]});
                }
            }
            for (String[] place : places) {
                String where = (place[0] == null ? "" : place[0]) + (place[1] == null ? "" : "." + place[1]);
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = c.getMetaData().getTables(place[0], literal(c, place[1]), "%", new String[] {"TABLE"})) {
                    while (rs.next()) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
                if (tables.isEmpty()) {
                    fail("target tables", where + " has no table: create the schema of the source (MOLT Fetch did, in a"
                            + " forward migration) before the changefeed starts");
                    continue;
                }
                ok("target tables", where + ": " + tables.size() + " table" + (tables.size() == 1 ? "" : "s"));
                if (product.contains("postgres") && place[1] != null) {
                    List<String> denied = new ArrayList<>();
                    // has_table_privilege with a list is true when ANY of them is held: each is asked apart
                    try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                            + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p')"
                            + " AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')"
                            + " AND has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE')"
                            + " AND has_table_privilege(c.oid, 'DELETE'))")) {
                        ps.setString(1, place[1]);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                denied.add(rs.getString(1));
                            }
                        }
                    }
                    if (denied.isEmpty()) {
                        ok("target privileges", "SELECT, INSERT, UPDATE and DELETE on every table of " + where);
                    } else {
                        fail("target privileges", "missing USAGE on the schema or SELECT, INSERT, UPDATE or DELETE on " + denied.size() + " table"
                                + (denied.size() == 1 ? "" : "s") + " of " + where + ": " + String.join(", ",
                                        denied.subList(0, Math.min(10, denied.size()))) + (denied.size() > 10 ? ", …" : ""));
                    }
                } else if (!product.contains("postgres")) {
                    warn("target privileges", "not checked on " + product + ": the first window applied shows them");
                }
            }
        } catch (SQLException e) {
            fail("target tables", "cannot read the target's catalog: " + Pools.cause(e));
        }
    }

    /** A name as a JDBC metadata pattern matching only itself ({@code _failback}'s {@code _} is a wildcard there). */
    static String literal(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String escape = c.getMetaData().getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private void stagingSchema(HikariDataSource ds, String which) {
        String schema = postgresStagingSchema(ds, stagingSchema, org.slf4j.helpers.NOPLogger.NOP_LOGGER);
        String own = schema.substring(schema.lastIndexOf('.') + 1);
        try (Connection c = ds.getConnection()) {
            boolean exists;
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("mysql") || product.contains("mariadb")) {
                try (ResultSet rs = c.getMetaData().getCatalogs()) {
                    exists = false;
                    while (rs.next()) {
                        exists |= rs.getString(1).equals(own);
                    }
                }
            } else {
                try (ResultSet rs = c.getMetaData().getSchemas(null, literal(c, own))) {
                    exists = rs.next();
                }
            }
            if (exists) {
                ok("staging schema", schema + " exists (in the " + which + " database)");
            } else if (stagingCreateSchema) {
                ok("staging schema", schema + " does not exist yet; --stagingCreateSchema will create it");
            } else {
                fail("staging schema", schema + " does not exist in the " + which + " database: create it, or pass"
                        + " --stagingCreateSchema");
            }
        } catch (SQLException e) {
            fail("staging schema", "cannot check " + schema + ": " + Pools.cause(e));
        }
    }

    private void authentication(HikariDataSource staging) {
        if (disableAuthentication) {
            warn("authentication", "disabled: any caller that can reach the port may write to the target");
            return;
        }
        if (!auth.jwtFromStaging) {
            ok("authentication", "configured by flags");
            return;
        }
        String schema = postgresStagingSchema(staging, stagingSchema, org.slf4j.helpers.NOPLogger.NOP_LOGGER);
        String table = schema + "." + dev.failback.core.auth.JdbcJwtKeyStore.PUBLIC_KEYS_TABLE;
        try (Connection c = staging.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table)) {
            try (ResultSet rs = ps.executeQuery()) {
                long keys = rs.next() ? rs.getLong(1) : 0;
                if (keys == 0) {
                    warn("authentication", "JWTs from " + table + (auth.defaulted ? " (no flag: MOLT's default)" : "")
                            + ", which holds no key yet: every request will get 401 until one is inserted");
                } else {
                    ok("authentication", "JWTs from " + table + ": " + keys + " key" + (keys == 1 ? "" : "s"));
                }
            }
        } catch (SQLException e) {
            warn("authentication", "JWTs from " + table + (auth.defaulted ? " (no flag: MOLT's default)" : "")
                    + ", not readable yet (" + Pools.cause(e) + "): every request"
                    + " will get 401 until a key is inserted there");
        }
    }
}
