package dev.realtimeharness.capture;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pg_type.oid -> typname}, cached. Loads every type once up front, so the capture thread
 * normally never waits on a query; types created later (enums, domains) are looked up on first use,
 * all of a relation's unknown OIDs in one query.
 */
final class TypeNames implements PgOutputDecoder.TypeResolver, AutoCloseable {

    private final Connection connection;
    private final Map<Integer, String> names = new HashMap<>();

    /** Takes ownership of {@code connection} (a normal, non-replication one). */
    TypeNames(Connection connection) throws SQLException {
        this.connection = connection;
        try (PreparedStatement ps = connection.prepareStatement("select oid::int4, typname::text from pg_type");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.put(rs.getInt(1), rs.getString(2));
            }
        }
    }

    @Override
    public String[] typnames(int[] oids) {
        List<Integer> missing = new ArrayList<>();
        for (int oid : oids) {
            if (!names.containsKey(oid)) {
                missing.add(oid);
            }
        }
        if (!missing.isEmpty()) {
            load(missing);
        }
        String[] result = new String[oids.length];
        for (int i = 0; i < oids.length; i++) {
            String name = names.get(oids[i]);
            if (name == null) {
                throw new IllegalStateException("type oid " + oids[i] + " not in pg_type");
            }
            result[i] = name;
        }
        return result;
    }

    private void load(List<Integer> oids) {
        try (PreparedStatement ps = connection.prepareStatement(
                "select oid::int4, typname::text from pg_type where oid::int4 = any(?)")) {
            Array array = connection.createArrayOf("int4", oids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getInt(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resolve type oids " + oids + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
