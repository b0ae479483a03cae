package dev.failback.core.internal.stage;

import dev.failback.Mutation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stages a batch on PostgreSQL with {@code COPY … FROM STDIN} (text format) through pgjdbc's copy API: the
 * rows go to the server as one stream of escaped text, without the array literals and parameter
 * encoding of an {@code INSERT … SELECT unnest(…)}. COPY has no {@code ON CONFLICT}: a batch that holds
 * a row already staged (a redelivery) fails with 23505 and the caller stages it again the other way.
 * Loaded only when the staging connection is pgjdbc's. Stateless.
 */
final class PgCopy {
    /** Bytes sent to the server at once. */
    private static final int CHUNK = 1 << 16;

    private PgCopy() {
    }

    /**
     * Whether the connection is pgjdbc's (the caller has checked that the server is PostgreSQL).
     *
     * @param c a staging connection
     * @return true when COPY can be used through it
     */
    static boolean supports(Connection c) {
        try {
            return c.isWrapperFor(PGConnection.class);
        } catch (SQLException | LinkageError e) {
            return false;
        }
    }

    /**
     * Copies a batch into the mutations table, in the caller's transaction.
     *
     * @return the rows copied
     * @throws SQLException 23505 when a row is staged already (the transaction is then aborted)
     */
    static long copy(Connection c, String mutations, String group, List<Mutation> batch) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + mutations
                + " (grp, tschema, tbl, wall, logical, key, after, before) FROM STDIN");
        try {
            StringBuilder sb = new StringBuilder(CHUNK + 4096);
            for (Mutation m : batch) {
                field(sb, group).append('\t');
                field(sb, m.table().schema()).append('\t');
                field(sb, m.table().name()).append('\t');
                sb.append(m.updated().wall()).append('\t').append(m.updated().logical()).append('\t');
                field(sb, m.key()).append('\t');
                field(sb, m.after()).append('\t');
                field(sb, m.before()).append('\n');
                if (sb.length() >= CHUNK) {
                    write(in, sb);
                }
            }
            write(in, sb);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void write(CopyIn in, StringBuilder sb) throws SQLException {
        if (sb.length() > 0) {
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            sb.setLength(0);
        }
    }

    /** A value in COPY's text format: {@code \N} for null, the four special characters escaped. */
    private static StringBuilder field(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
