package io.vermilion.persistence.rdb;

import io.vermilion.types.Sds;
import java.io.IOException;
import java.util.List;

/**
 * Serializes the values of one family of types in RDB form (the part after the type byte and
 * the key). The string codec is built in; other types (lists, hashes, ...) plug in here by
 * combining codecs with {@link #of}, without the RDB reader/writer changing.
 *
 * <p>{@link #write} may run on a background thread (BGSAVE, full sync): it must only read the
 * value, and the snapshot code guarantees that the value it gets is not mutated meanwhile.
 */
public interface ValueCodec {
    /** The RDB type byte this codec writes for {@code value}, or -1 if it is not its kind. */
    int typeOf(Object value);

    void write(RdbWriter w, Object value) throws IOException;

    /** Whether this codec can read values of RDB type {@code type}. */
    boolean reads(int type);

    Object read(RdbReader r, int type) throws IOException;

    /**
     * An independent copy of a mutable value, or the value itself when it is immutable. Used
     * when a snapshot must keep the state of a value that the keyspace may change in place.
     */
    default Object freeze(Object value) { return value; }

    /** Strings: byte[] (immutable) and {@link Sds} (mutable, APPEND/SETRANGE), type 0. */
    ValueCodec STRINGS = new ValueCodec() {
        @Override public int typeOf(Object v) {
            return v instanceof byte[] || v instanceof Sds ? Rdb.TYPE_STRING : -1;
        }

        @Override public void write(RdbWriter w, Object v) throws IOException {
            if (v instanceof byte[] b) {
                w.writeString(b, 0, b.length);
            } else {
                Sds s = (Sds) v;
                w.writeString(s.array(), 0, s.length());
            }
        }

        @Override public boolean reads(int type) { return type == Rdb.TYPE_STRING; }

        @Override public Object read(RdbReader r, int type) throws IOException {
            return r.readString();
        }

        @Override public Object freeze(Object v) {
            return v instanceof Sds s ? s.toBytes() : v;
        }
    };

    /** A codec that tries each of {@code codecs} in order. */
    static ValueCodec of(ValueCodec... codecs) {
        List<ValueCodec> all = List.of(codecs);
        return new ValueCodec() {
            @Override public int typeOf(Object v) {
                for (ValueCodec c : all) {
                    int t = c.typeOf(v);
                    if (t >= 0) return t;
                }
                return -1;
            }

            @Override public void write(RdbWriter w, Object v) throws IOException {
                for (ValueCodec c : all) {
                    if (c.typeOf(v) >= 0) { c.write(w, v); return; }
                }
                throw new IllegalArgumentException("no RDB codec for " + v.getClass().getName());
            }

            @Override public boolean reads(int type) {
                for (ValueCodec c : all) if (c.reads(type)) return true;
                return false;
            }

            @Override public Object read(RdbReader r, int type) throws IOException {
                for (ValueCodec c : all) if (c.reads(type)) return c.read(r, type);
                throw new UnsupportedTypeException(type, r.position());
            }

            @Override public Object freeze(Object v) {
                for (ValueCodec c : all) if (c.typeOf(v) >= 0) return c.freeze(v);
                return v;
            }
        };
    }
}
