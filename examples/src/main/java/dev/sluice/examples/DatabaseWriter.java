package dev.sluice.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The seed's database service: inserts each event into {@code family_events} over JDBC (SQLite by default, any
 * JDBC database by URL). The primary key is the event's (partition, offset), so a redelivered event is recognised
 * as a duplicate and not inserted twice: at-least-once delivery becomes exactly-once rows. Owned by one thread.
 */
public final class DatabaseWriter implements EventHandler, AutoCloseable {
    private final Connection connection;
    private final PreparedStatement insert;

    public DatabaseWriter(String jdbcUrl) throws SQLException {
        connection = DriverManager.getConnection(jdbcUrl);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS family_events ("
                    + "event_partition INTEGER NOT NULL, event_offset BIGINT NOT NULL, member_id VARCHAR(64) NOT NULL, "
                    + "name VARCHAR(200) NOT NULL, relation VARCHAR(64) NOT NULL, email VARCHAR(200) NOT NULL, "
                    + "created_at_ms BIGINT NOT NULL, PRIMARY KEY (event_partition, event_offset))");
        }
        insert = connection.prepareStatement("INSERT INTO family_events "
                + "(event_partition, event_offset, member_id, name, relation, email, created_at_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)");
    }

    @Override
    public boolean handle(FamilyEvent event, int partition, long offset) throws SQLException {
        insert.setInt(1, partition);
        insert.setLong(2, offset);
        insert.setString(3, event.id());
        insert.setString(4, event.name());
        insert.setString(5, event.relation());
        insert.setString(6, event.email());
        insert.setLong(7, event.createdAtMs());
        try {
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Rows in the table, read back with SELECT COUNT(*). */
    public long countRows() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM family_events")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** SQL state class 23 is an integrity-constraint violation in every JDBC driver; SQLite reports code 19. */
    private static boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("23")) || e.getErrorCode() == 19;
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        connection.close();
    }
}
