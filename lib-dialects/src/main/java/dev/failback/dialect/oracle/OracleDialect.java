package dev.failback.dialect.oracle;

import static java.util.Objects.requireNonNull;

import dev.failback.Mutation;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Oracle dialect: webhook paths {@code /OWNER}, schemas read from the data dictionary
 * ({@code ALL_TABLES}, {@code ALL_TAB_COLS}, {@code ALL_CONSTRAINTS}, {@code ALL_CONS_COLUMNS}),
 * rows applied with {@code MERGE INTO "OWNER"."T" t USING (SELECT CAST(? AS type) "C", ... FROM DUAL) s
 * ON (...) WHEN MATCHED THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ...} and deleted by key.
 *
 * <p>Identifiers are used as the dictionary spells them (upper case unless created quoted); the
 * lower-case JSON keys of the changefeed are matched to columns exactly, then ignoring case. Rows
 * that carry different sets of keys are written in separate statements, each writing only its keys'
 * columns: a missing column keeps its value on update and gets its default on insert. Virtual and
 * hidden columns are never written. A row that carries only its key is merged with
 * {@code WHEN NOT MATCHED THEN INSERT} alone.
 *
 * <p>Values, by column type ({@link dev.failback.spi.ColumnInfo#typeKind()} is one of the labels
 * of {@code OracleType.Kind}: {@code number}, {@code varchar}, {@code clob}, {@code raw},
 * {@code timestamp_tz}, ...):
 * <ul>
 * <li>NUMBER, FLOAT, INTEGER: a {@link java.math.BigDecimal} from the exact JSON text (exponent
 *     forms too); booleans as 1/0. "NaN" and infinities are refused by {@link #checkRow}.</li>
 * <li>BINARY_DOUBLE, BINARY_FLOAT: doubles, including "NaN", "Infinity", "-Infinity".</li>
 * <li>VARCHAR2, CHAR, NVARCHAR2, NCHAR, CLOB: strings as sent; numbers as their JSON text;
 *     booleans as {@code 1}/{@code 0} (what the Oracle driver writes for {@code setBoolean});
 *     JSON objects and arrays as their JSON text. CHAR values are blank-padded so keys compare
 *     equal. CLOB values over {@value Binder#MAX_DIRECT_CLOB_CHARS} characters are bound as a
 *     temporary {@link java.sql.Clob} (a long VARCHAR2 bind in a MERGE is ORA-01461).</li>
 * <li>DATE: {@code 2025-09-30} (midnight) or a timestamp, fractional seconds dropped; TIMESTAMP(n):
 *     {@code 2025-09-30T14:30:15.123456}, or a TIMESTAMPTZ text converted to UTC; TIMESTAMP WITH
 *     TIME ZONE: the offset sent ({@code Z}), UTC when none.</li>
 * <li>RAW, BLOB: {@code \x} hex; a UUID string gives its 16 bytes (RAW(16)).</li>
 * </ul>
 *
 * <p>Detected for targets that report {@code Oracle}, and for H2 running in Oracle mode, which the
 * tests use in place of Oracle (H2 needs compatibility views of the dictionary and the functions
 * {@code TO_CLOB}/{@code TO_BLOB}; see the test resource {@code oracle/h2-oracle-catalog.sql}).
 *
 * <p>Thread-safe and stateless: every method works on the connection it is given.
 */
public final class OracleDialect implements Dialect {
    private static final dev.failback.dialect.internal.SystemSchemas SYSTEM_SCHEMAS =
            dev.failback.dialect.internal.SystemSchemas.oracle();

    /** The technique used by {@link #OracleDialect()}. */
    public static final OracleApplyTechnique DEFAULT_TECHNIQUE = OracleApplyTechnique.BATCH;

    /** The most rows one {@link OracleApplyTechnique#UNION_ALL} MERGE carries. */
    public static final int DEFAULT_MAX_UNION_ROWS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(OracleDialect.class);

    /** ORA error numbers by what they mean for retrying. */
    private static final Map<Integer, ErrorKind> ORA = Map.ofEntries(
            // deadlock, resource busy (NOWAIT / WAIT timeout), serialization, library cache lock timeout
            Map.entry(60, ErrorKind.TRANSIENT), Map.entry(54, ErrorKind.TRANSIENT), Map.entry(30006, ErrorKind.TRANSIENT),
            Map.entry(8177, ErrorKind.TRANSIENT), Map.entry(4021, ErrorKind.TRANSIENT),
            // connection lost or refused, instance starting or stopping, too many sessions
            Map.entry(3113, ErrorKind.TRANSIENT), Map.entry(3114, ErrorKind.TRANSIENT), Map.entry(3135, ErrorKind.TRANSIENT),
            Map.entry(12514, ErrorKind.TRANSIENT), Map.entry(12541, ErrorKind.TRANSIENT), Map.entry(12516, ErrorKind.TRANSIENT),
            Map.entry(12519, ErrorKind.TRANSIENT), Map.entry(12520, ErrorKind.TRANSIENT), Map.entry(12528, ErrorKind.TRANSIENT),
            Map.entry(1033, ErrorKind.TRANSIENT), Map.entry(1034, ErrorKind.TRANSIENT), Map.entry(1089, ErrorKind.TRANSIENT),
            Map.entry(18, ErrorKind.TRANSIENT), Map.entry(20, ErrorKind.TRANSIENT),
            // driver-side: I/O error, closed connection, no more data to read from socket
            Map.entry(17002, ErrorKind.TRANSIENT), Map.entry(17008, ErrorKind.TRANSIENT), Map.entry(17410, ErrorKind.TRANSIENT),
            // unique, parent key not found, child record found, cannot insert NULL, check constraint
            Map.entry(1, ErrorKind.CONSTRAINT), Map.entry(2291, ErrorKind.CONSTRAINT), Map.entry(2292, ErrorKind.CONSTRAINT),
            Map.entry(1400, ErrorKind.CONSTRAINT), Map.entry(1407, ErrorKind.CONSTRAINT), Map.entry(2290, ErrorKind.CONSTRAINT),
            // precision, too large for column, invalid number, date formats, LONG bind, overflow, LOB buffer
            Map.entry(1438, ErrorKind.DATA), Map.entry(12899, ErrorKind.DATA), Map.entry(1722, ErrorKind.DATA),
            Map.entry(1840, ErrorKind.DATA), Map.entry(1841, ErrorKind.DATA), Map.entry(1861, ErrorKind.DATA),
            Map.entry(1843, ErrorKind.DATA), Map.entry(1847, ErrorKind.DATA), Map.entry(1461, ErrorKind.DATA),
            Map.entry(1426, ErrorKind.DATA), Map.entry(22835, ErrorKind.DATA), Map.entry(1465, ErrorKind.DATA));

    private final OracleApplyTechnique technique;
    private final MergeApplier applier;

    /** Creates the dialect with {@link #DEFAULT_TECHNIQUE}. */
    public OracleDialect() {
        this(DEFAULT_TECHNIQUE);
    }

    /**
     * Creates the dialect with a given apply technique.
     *
     * @param technique how rows are shipped, never null
     */
    public OracleDialect(OracleApplyTechnique technique) {
        this(technique, DEFAULT_MAX_UNION_ROWS);
    }

    /** For tests and measurements: another largest UNION ALL bucket. */
    OracleDialect(OracleApplyTechnique technique, int maxUnionRows) {
        this.technique = requireNonNull(technique, "technique");
        if (maxUnionRows < 1) {
            throw new IllegalArgumentException("maxUnionRows must be >= 1, but was " + maxUnionRows);
        }
        this.applier = new MergeApplier(technique, maxUnionRows, 256);
    }

    /**
     * Returns the apply technique in use.
     *
     * @return the technique, never null
     */
    public OracleApplyTechnique technique() {
        return technique;
    }

    @Override
    public String name() {
        return "oracle";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Upper case, as Oracle folds unquoted identifiers.
     */
    @Override
    public String foldIdentifier(String unquoted) {
        return dev.failback.spi.Identifiers.upperAscii(unquoted);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The accounts Oracle creates and maintains ({@code SYS}, {@code SYSTEM}, {@code XDB},
     * {@code MDSYS}, {@code AUDSYS}, ...; {@code ALL_USERS.ORACLE_MAINTAINED = 'Y'} in 12c and later).
     */
    @Override
    public boolean isSystemSchema(String schema) {
        return SYSTEM_SCHEMAS.isSystem(schema);
    }

    @Override
    public int schemaPathSegments() {
        return 1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The segment names an owner ({@code ALL_USERS}): matched exactly, then upper-cased, then
     * ignoring case.
     */
    @Override
    public String resolveSchema(Connection connection, List<String> segments) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(segments, "segments");
        if (segments.size() != 1) {
            throw new IllegalArgumentException("Oracle paths have 1 segment (/SCHEMA), but got " + segments);
        }
        return OracleSchemaReader.resolve(connection, segments.get(0));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the owner's tables in three dictionary queries; hidden columns are left out, virtual
     * columns are marked generated. Tables without a primary key get an empty key list.
     */
    @Override
    public TargetSchema readSchema(Connection connection, String schema) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(schema, "schema");
        return OracleSchemaReader.read(connection, schema);
    }

    @Override
    public String checkRow(TableInfo table, String after) {
        return OracleRowChecker.check(table, after);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the table has no primary key, or a row has a key that
     *                                  names no column or lacks a primary-key column
     */
    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(table, "table");
        requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            return;
        }
        LOG.debug("merge {} rows into {} ({})", rows.size(), table.name(), technique);
        applier.upsert(connection, table, rows);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the table has no primary key or a key has the wrong arity
     */
    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(table, "table");
        requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            return;
        }
        LOG.debug("delete {} rows from {} ({})", rows.size(), table.name(), technique);
        applier.delete(connection, table, rows);
    }

    /**
     * {@inheritDoc}
     *
     * <p>By ORA number first (the error or any chained cause): transient are ORA-00060 deadlock,
     * ORA-00054/30006 resource busy, ORA-08177 serialization, ORA-04021 lock timeout, lost or refused
     * connections (ORA-03113, 03114, 03135, 12514, 12541, 12516, 12519, 12520, 12528, 01033, 01034,
     * 01089, 00018, 00020; driver 17002, 17008, 17410); constraint are ORA-00001, 02291, 02292, 01400,
     * 01407, 02290; data are ORA-01438, 12899, 01722, 01840, 01841, 01843, 01847, 01861, 01461, 01426,
     * 01465, 22835. Otherwise by SQLState as {@link Dialect#classify} does (which is how H2's errors
     * are classified: {@code 23*}, {@code 22*}, {@code 40001}, {@code 08*}), plus H2's lock timeout
     * {@code HYT00}.
     */
    @Override
    public ErrorKind classify(SQLException e) {
        requireNonNull(e, "e");
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof SQLException ? ((SQLException) t).getNextException() : null) {
            if (t instanceof SQLException) {
                ErrorKind kind = ORA.get(((SQLException) t).getErrorCode());
                if (kind != null && isOracle((SQLException) t)) {
                    return kind;
                }
            }
        }
        if ("HYT00".equals(e.getSQLState())) {
            return ErrorKind.TRANSIENT;
        }
        return Dialect.super.classify(e);
    }

    /** ORA numbers are taken from Oracle's errors only: H2 reports its own codes in the same field. */
    private static boolean isOracle(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("ORA-") || e.getClass().getName().startsWith("oracle.");
    }

    @Override
    public String toString() {
        return "OracleDialect[" + technique + "]";
    }
}
