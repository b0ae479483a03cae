package dev.failback.dialect.mysql;

import static java.util.Objects.requireNonNull;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.SystemSchemas;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MySQL and MariaDB dialect: webhook paths {@code /database}, schemas read from
 * {@code information_schema}, rows applied set-wise with {@code INSERT ... ON DUPLICATE KEY UPDATE}
 * and {@code DELETE ... WHERE key IN (...)}, a few statements per call whatever the row count.
 *
 * <p><b>Flavors.</b> On MySQL (8.0.19 and later) the update part names the proposed row through an
 * alias ({@code INSERT ... VALUES (...) AS new ON DUPLICATE KEY UPDATE c = new.c}; the
 * {@code VALUES(c)} function is deprecated since 8.0.20); on MariaDB, which has no alias form, it uses
 * {@code c = VALUES(c)}. {@link MySqlDialectProvider} and {@link #detect} pick the flavor from the
 * server version.
 *
 * <p><b>Columns.</b> Rows that carry different sets of keys are written in separate statements, each
 * writing only its keys' columns: a missing column keeps its value on update and gets its default on
 * insert. Generated columns are never written. Rows with only key columns are inserted or left as
 * they are (a no-op update, not {@code INSERT IGNORE}, which would turn errors into warnings).
 *
 * <p><b>Unique keys other than the primary key.</b> {@code ON DUPLICATE KEY UPDATE} fires on any
 * unique index, so a plain upsert whose row collides with <em>another</em> row's unique value would
 * silently update that other row. For tables that have such indexes (as read by {@link #readSchema},
 * and for every table this dialect has not read) the upsert is guarded: each assignment is
 * {@code c = IF(pk <=> new.pk, new.c, c)}, so a row whose conflict is on a secondary unique key
 * leaves the other row untouched, and a {@code SELECT COUNT(*) ... WHERE pk IN (...)} afterwards
 * verifies that every upserted key is present. A row that is missing collided with another row's
 * unique value and fails the call with error 1062 (SQLState 23000, {@link ErrorKind#CONSTRAINT}),
 * naming the table; an existing row updated to a colliding value fails with 1062 from the server
 * itself. Nothing is ever overwritten: the behaviour matches PostgreSQL's
 * {@code ON CONFLICT (pk) DO UPDATE}. The guard costs one extra query per statement.
 *
 * <p><b>Values</b> arrive as CockroachDB changefeed JSON and are bound typed from their exact text:
 * integers and decimals as exact numbers, floats as doubles, {@code \x} hex as bytes,
 * {@code binary(16)} from a UUID's 16 bytes, {@code bit(n)} from binary digits, time stamps with a
 * zone ({@code ...Z}) as UTC wall-clock time (TIMESTAMP columns are written in a session whose time
 * zone is UTC for the duration of the call), JSON values and arrays as JSON text, GeoJSON through
 * {@code ST_GeomFromGeoJSON}. {@link #checkRow} refuses what MySQL cannot store (non-finite floats,
 * out-of-range values) before the batch is staged.
 *
 * <p><b>Connection requirements.</b> Strict SQL mode ({@code STRICT_TRANS_TABLES}, the default on
 * both servers) so that bad values fail instead of being truncated. {@link MySqlApplyTechnique#BATCH_REWRITE}
 * switches Connector/J's {@code rewriteBatchedStatements} on by itself.
 *
 * <p>Unquoted identifiers are kept as they are. The system schemas are {@code mysql}, {@code sys},
 * {@code performance_schema} and {@code information_schema}.
 *
 * <p>Thread-safe: every method works on the connection it is given; the only state is what
 * {@link #readSchema} learned about unique keys.
 */
public final class MySqlDialect extends AbstractDialect<MySqlApplyTechnique> {
    /** The technique used when none is given: the fastest one measured. */
    public static final MySqlApplyTechnique DEFAULT_TECHNIQUE = MySqlApplyTechnique.MULTI_ROW;

    /** Type kind of JSON columns: MySQL {@code json}, MariaDB LONGTEXT with a {@code json_valid} check. */
    public static final String KIND_JSON = "json";
    /** Type kind of geometry columns (written from GeoJSON). */
    public static final String KIND_GEOMETRY = "geometry";
    /** Type kind of {@code enum} columns. */
    public static final String KIND_ENUM = "enum";
    /** Type kind of {@code set} columns. */
    public static final String KIND_SET = "set";
    /** Type kind of {@code bit(n)} columns. */
    public static final String KIND_BIT = "bit";
    /** Type kind of {@code binary}, {@code varbinary} and blob columns. */
    public static final String KIND_BINARY = "binary";

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Which server family the dialect writes to. */
    public enum Flavor {
        /** Oracle MySQL (8.0.19 or later for the alias form of ON DUPLICATE KEY UPDATE). */
        MYSQL,
        /** MariaDB. */
        MARIADB;

        /**
         * Detects the flavor from a version string ({@code DatabaseMetaData#getDatabaseProductVersion}
         * or {@code SELECT VERSION()}): MariaDB when it mentions MariaDB.
         *
         * @param version the version string, never null
         * @return the flavor
         */
        public static Flavor of(String version) {
            return version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
        }
    }

    private final Flavor flavor;

    /**
     * Creates the dialect with {@link #DEFAULT_TECHNIQUE}.
     *
     * @param flavor the server family, never null
     */
    public MySqlDialect(Flavor flavor) {
        this(flavor, DEFAULT_TECHNIQUE);
    }

    /**
     * Creates the dialect.
     *
     * @param flavor    the server family, never null
     * @param technique how rows are shipped, never null
     */
    public MySqlDialect(Flavor flavor, MySqlApplyTechnique technique) {
        this(flavor, technique, requireNonNull(flavor, "flavor") == Flavor.MARIADB
                ? Writer.OdkuForm.VALUES_FUNCTION : Writer.OdkuForm.ALIAS, Writer.Limits.DEFAULT);
    }

    MySqlDialect(Flavor flavor, MySqlApplyTechnique technique, Writer.OdkuForm form, Writer.Limits limits) {
        this(requireNonNull(flavor, "flavor"), requireNonNull(technique, "technique"), Writer.of(technique,
                requireNonNull(form, "form"), flavor == Flavor.MYSQL, requireNonNull(limits, "limits")));
    }

    private MySqlDialect(Flavor flavor, MySqlApplyTechnique technique, Writer writer) {
        super(new Profile(flavor == Flavor.MARIADB ? "mariadb" : "mysql", "MySQL", "/database", SystemSchemas.mysql(),
                UnaryOperator.identity()), technique, new Parts((c, path) -> SchemaReader.resolve(c, path.get(0)),
                        (c, schema) -> writer.guard(SchemaReader.read(c, schema, flavor)), RowChecker::check, writer,
                        ErrorClassifier::classify, new KeyRules(flavor)));
        this.flavor = flavor;
    }

    /**
     * Creates the dialect for the server a connection talks to: its flavor, and on MySQL before
     * 8.0.19 the {@code VALUES()} form of ON DUPLICATE KEY UPDATE.
     *
     * @param connection a target connection
     * @param technique  how rows are shipped, never null
     * @return the dialect
     * @throws SQLException when the metadata cannot be read
     */
    public static MySqlDialect detect(Connection connection, MySqlApplyTechnique technique) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        return forServer(md.getDatabaseProductName() + " " + md.getDatabaseProductVersion(), technique);
    }

    static MySqlDialect forServer(String productAndVersion, MySqlApplyTechnique technique) {
        Flavor flavor = Flavor.of(productAndVersion);
        Writer.OdkuForm form = Writer.OdkuForm.VALUES_FUNCTION;
        if (flavor == Flavor.MYSQL) {
            Matcher m = VERSION.matcher(productAndVersion);
            boolean old = m.find() && (Integer.parseInt(m.group(1)) * 1_000_000 + Integer.parseInt(m.group(2)) * 1_000
                    + Integer.parseInt(m.group(3))) < 8_000_019;
            form = old ? Writer.OdkuForm.VALUES_FUNCTION : Writer.OdkuForm.ALIAS;
        }
        return new MySqlDialect(flavor, technique, form, Writer.Limits.DEFAULT);
    }

    /**
     * Returns the server family.
     *
     * @return the flavor, never null
     */
    public Flavor flavor() {
        return flavor;
    }

}
