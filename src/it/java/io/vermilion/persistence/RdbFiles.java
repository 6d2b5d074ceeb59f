package io.vermilion.persistence;

import io.vermilion.persistence.rdb.RdbHandler;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Test helper: the contents of an RDB file as "db/keyhex" -> "valuehex@expire". */
final class RdbFiles {
    private RdbFiles() {}

    static String k(int db, byte[] key) { return db + "/" + HexFormat.of().formatHex(key); }

    static String v(byte[] value, long expire) { return HexFormat.of().formatHex(value) + "@" + expire; }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            new RdbReader(new RdbSource.Stream(in, Files.size(file))).read(new RdbHandler() {
                @Override public void entry(int db, byte[] key, Object value, long exp, long idle, int freq) {
                    if (m.put(k(db, key), v((byte[]) value, exp)) != null) throw new IllegalStateException("duplicate");
                }
            });
        }
        return m;
    }
}
