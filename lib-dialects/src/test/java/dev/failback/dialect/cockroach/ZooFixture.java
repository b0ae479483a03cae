package dev.failback.dialect.cockroach;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fixture 12 (every column type a changefeed emits) and a checker of the row it lands as. */
final class ZooFixture {
    private ZooFixture() {
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ZooFixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The exact text of {@code payload[0].after} of fixture 12. */
    static String after() throws IOException {
        String body = resource("/postgres/12-all-column-types.json");
        try (JsonParser p = new JsonFactory().createParser(body)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 3 && p.currentName().equals("after")) {
                    p.nextToken();
                    int from = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    int to = (int) p.currentLocation().getCharOffset();
                    return body.substring(from, to);
                }
            }
        }
        throw new IOException("fixture 12 has no after object");
    }

    /** Evaluates each check (a boolean SQL expression) on row {@code id}; returns the failures. */
    static List<String> failures(Connection c, String table, int id, Map<String, String> checks) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (Map.Entry<String, String> e : checks.entrySet()) {
            sql.append("coalesce((").append(e.getValue()).append("), false), ").append(e.getKey()).append("::text, ");
        }
        sql.append("1 FROM ").append(table).append(" WHERE id = ").append(id);
        List<String> failures = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            if (!rs.next()) {
                failures.add("row " + id + " is missing");
                return failures;
            }
            int i = 1;
            for (Map.Entry<String, String> e : checks.entrySet()) {
                if (!rs.getBoolean(i)) {
                    failures.add(e.getKey() + " = " + rs.getString(i + 1) + " fails " + e.getValue());
                }
                i += 2;
            }
        }
        return failures;
    }
}
