package dev.glasskey.secret;

import java.io.ByteArrayOutputStream;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;

import dev.glasskey.system.Sealing;
import dev.glasskey.testing.PostgresServerTest;

class SecretsAtRestPostgresTest extends PostgresServerTest implements SecretsAtRestContract {
    @Autowired
    Sealing sealing;

    @Override
    public Sealing sealing() {
        return sealing;
    }

    /** Every value of every row of every table of the schema (text as stored, bytea as its bytes). */
    @Override
    public byte[] storedBytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String> tables = jdbc.sql("select table_name from information_schema.tables where table_schema = current_schema() "
                + "and table_type = 'BASE TABLE'").query(String.class).list();
        for (String table : tables) {
            jdbc.sql("select * from " + table).query(rs -> {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    byte[] value = rs.getBytes(i);
                    if (value != null) {
                        all.writeBytes(value);
                        all.write(0);
                    }
                }
            });
        }
        return all.toByteArray();
    }
}
