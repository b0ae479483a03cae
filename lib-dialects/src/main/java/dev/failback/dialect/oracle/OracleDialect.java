package dev.failback.dialect.oracle;

import static java.util.Objects.requireNonNull;

import dev.failback.dialect.internal.AbstractDialect;
import dev.failback.dialect.internal.SystemSchemas;
import dev.failback.spi.Identifiers;

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
 * <p>Keys: a delete binds each key value through the same conversion as the {@code MERGE}, so it addresses
 * the row the upsert of the same source key wrote. Key columns that store two CockroachDB keys as one row
 * (a {@code NUMBER(p,s)}, {@code FLOAT}, {@code BINARY_FLOAT}/{@code BINARY_DOUBLE}, {@code TIMESTAMP(s)} with
 * {@code s < 6}, {@code DATE}, {@code CHAR}/{@code NCHAR}, a collation other than {@code BINARY}) are
 * {@link #keyHazards}, and {@link #keyCollisions} finds the keys of a window they would merge ({@code KeyRules}).
 *
 * <p>Detected for targets that report {@code Oracle}, and for H2 running in Oracle mode, which the
 * tests use in place of Oracle (H2 needs compatibility views of the dictionary and the functions
 * {@code TO_CLOB}/{@code TO_BLOB}; see the test resource {@code oracle/h2-oracle-catalog.sql}).
 *
 * <p>Unquoted identifiers fold to upper case, as Oracle folds them. The system schemas are the
 * accounts Oracle creates and maintains ({@code SYS}, {@code SYSTEM}, {@code XDB}, {@code MDSYS},
 * {@code AUDSYS}, ...; {@code ALL_USERS.ORACLE_MAINTAINED = 'Y'} in 12c and later).
 *
 * <p>Thread-safe and stateless: every method works on the connection it is given.
 */
public final class OracleDialect extends AbstractDialect<OracleApplyTechnique> {
    /** The technique used by {@link #OracleDialect()}. */
    public static final OracleApplyTechnique DEFAULT_TECHNIQUE = OracleApplyTechnique.BATCH;

    /** The most rows one {@link OracleApplyTechnique#UNION_ALL} MERGE carries. */
    public static final int DEFAULT_MAX_UNION_ROWS = 64;

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
        super(new Profile("oracle", "Oracle", "/SCHEMA", SystemSchemas.oracle(), Identifiers::upperAscii), technique,
                new Parts((c, path) -> SchemaReader.resolve(c, path.get(0)), SchemaReader::read, RowChecker::check,
                        new Writer(requireNonNull(technique, "technique"), maxUnionRows, 256), ErrorClassifier::classify,
                        new KeyRules()));
    }

}
