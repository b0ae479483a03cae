package dev.failback.dialect.postgres;

import dev.failback.dialect.internal.Json;
import dev.failback.dialect.internal.Shape;
import dev.failback.Mutation;
import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * {@link ApplyTechnique#JSONB_RECORDSET}: the raw {@code after} texts, joined into one JSON array,
 * are expanded by {@code jsonb_to_recordset}. Its record columns are declared with the target types,
 * so PostgreSQL's input functions read every value from its JSON text (numbers keep their digits,
 * arrays and jsonb work element-wise). Geometry and geography are declared {@code jsonb} and go
 * through {@code ST_GeomFromGeoJSON}, as the geometry input function ignores the column SRID and
 * geography's rejects GeoJSON.
 */
final class RecordsetWriter extends Writer {

    RecordsetWriter(UpsertSyntax syntax, Limits limits, KeyCast keyCast) {
        super(syntax, limits, keyCast);
    }

    @Override
    public void upsert(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        Map<List<String>, List<Mutation>> groups = Shape.group(rows, m -> Json.keys(m.after()));
        for (Map.Entry<List<String>, List<Mutation>> group : groups.entrySet()) {
            Shape shape = Shape.of(table, group.getKey());
            String sql = upsertSql(table, shape);
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                List<Mutation> groupRows = group.getValue();
                StringBuilder json = new StringBuilder();
                int count = 0;
                for (Mutation m : groupRows) {
                    String after = m.after();
                    if (count > 0 && (count >= limits.maxRows() || json.length() + after.length() > limits.maxChars())) {
                        execute(ps, json);
                        json.setLength(0);
                        count = 0;
                    }
                    json.append(count == 0 ? '[' : ',').append(after);
                    count++;
                }
                execute(ps, json);
            }
        }
    }

    @Override
    public void delete(Connection connection, TableInfo table, List<Mutation> rows) throws SQLException {
        List<ColumnInfo> pk = Shape.keyColumns(table);
        List<List<Json.Value>> keys = Shape.keyValues(table, rows);
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(Sql.table(table.name()))
                .append(" AS t USING jsonb_to_recordset(?::jsonb) AS x(");
        for (int i = 0; i < pk.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("k").append(i).append(' ').append(keyType(pk.get(i)));
        }
        sql.append(") WHERE ");
        for (int i = 0; i < pk.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append("t.").append(Sql.quote(pk.get(i).name())).append(" = ")
                    .append(value("x.k" + i, pk.get(i)));
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            StringBuilder json = new StringBuilder();
            int count = 0;
            for (List<Json.Value> key : keys) {
                if (count > 0 && (count >= limits.maxRows() || json.length() > limits.maxChars())) {
                    execute(ps, json);
                    json.setLength(0);
                    count = 0;
                }
                json.append(count == 0 ? "[{" : ",{");
                for (int i = 0; i < key.size(); i++) {
                    json.append(i == 0 ? "\"k" : ",\"k").append(i).append("\":").append(key.get(i).json());
                }
                json.append('}');
                count++;
            }
            execute(ps, json);
        }
    }

    private String upsertSql(TableInfo table, Shape shape) {
        List<ColumnInfo> columns = shape.columns();
        StringBuilder b = new StringBuilder(syntax.head(table, columns)).append("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(value("x." + Sql.quote(shape.keys().get(i)), columns.get(i)));
        }
        b.append(" FROM jsonb_to_recordset(?::jsonb) AS x(");
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(Sql.quote(shape.keys().get(i))).append(' ')
                    .append(declaredType(columns.get(i)));
        }
        return b.append(')').append(syntax.tail(table, columns)).toString();
    }

    private static String declaredType(ColumnInfo column) {
        return Sql.isGeo(column) ? "jsonb" : Sql.castType(column);
    }

    private String keyType(ColumnInfo column) {
        return Sql.isGeo(column) ? "jsonb" : keyCast.type(column);
    }

    private static String value(String field, ColumnInfo column) {
        return Sql.isGeo(column) ? Sql.convert(field, column) : field;
    }

    private static void execute(PreparedStatement ps, StringBuilder json) throws SQLException {
        if (json.length() == 0) {
            return;
        }
        json.append(']');
        ps.setString(1, json.toString());
        ps.executeUpdate();
    }
}
