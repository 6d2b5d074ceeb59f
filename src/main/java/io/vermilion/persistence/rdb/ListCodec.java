package io.vermilion.persistence.rdb;

import io.vermilion.types.Listpack;
import io.vermilion.types.QuickList;
import java.io.IOException;
import java.util.List;

/**
 * Lists in RDB form. Writes RDB_TYPE_LIST_QUICKLIST_2 (18) as Redis 7.0 does: the node count,
 * then per node its container (1 PLAIN, 2 PACKED) and its bytes as an RDB string (a listpack's
 * own bytes for a PACKED node), so a DUMP payload is byte-identical to Redis's for the same list.
 *
 * <p>Reads every list encoding Redis 7.0 loads, with its integrity checks (a failure is an
 * {@link RdbException}, which RESTORE reports as "Bad data format"): 1 (LIST: length and
 * strings, pushed one by one), 10 (a ziplist, converted element by element), 14 (QUICKLIST:
 * ziplist nodes, each converted to one listpack node) and 18 (listpack or plain nodes, kept as
 * they are after validation). Empty nodes are skipped, an empty list is refused.
 */
public final class ListCodec implements ValueCodec {
    public static final ListCodec INSTANCE = new ListCodec();

    private static final int CONTAINER_PLAIN = 1;
    private static final int CONTAINER_PACKED = 2;

    private ListCodec() {}

    @Override
    public int typeOf(Object value) {
        return value instanceof QuickList ? Rdb.TYPE_LIST_QUICKLIST_2 : -1;
    }

    @Override
    public void write(RdbWriter w, Object value) throws IOException {
        QuickList ql = (QuickList) value;
        int n = ql.nodeCount();
        w.writeLen(n);
        for (int i = 0; i < n; i++) {
            Object node = ql.node(i);
            if (node instanceof Listpack lp) {
                w.writeLen(CONTAINER_PACKED);
                w.writeString(lp.array(), 0, lp.bytes());
            } else {
                byte[] plain = (byte[]) node;
                w.writeLen(CONTAINER_PLAIN);
                w.writeString(plain, 0, plain.length);
            }
        }
    }

    @Override
    public boolean reads(int type) {
        return type == Rdb.TYPE_LIST || type == Rdb.TYPE_LIST_ZIPLIST
                || type == Rdb.TYPE_LIST_QUICKLIST || type == Rdb.TYPE_LIST_QUICKLIST_2;
    }

    @Override
    public Object read(RdbReader r, int type) throws IOException {
        long at = r.position();
        QuickList ql = new QuickList(QuickList.FILL_UNSET);
        switch (type) {
            case Rdb.TYPE_LIST -> {
                long len = r.readLen();
                for (long i = 0; i < len; i++) ql.pushTail(r.readString());
            }
            case Rdb.TYPE_LIST_ZIPLIST -> {
                List<Encodings.Entry> entries = Encodings.ziplist(r.readString());
                if (entries == null) throw new RdbException("List ziplist integrity check failed.", at);
                for (Encodings.Entry e : entries) ql.pushTail(e.text());
            }
            case Rdb.TYPE_LIST_QUICKLIST, Rdb.TYPE_LIST_QUICKLIST_2 -> {
                long nodes = r.readLen();
                for (long i = 0; i < nodes; i++) {
                    int container = CONTAINER_PACKED;
                    if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                        long ct = r.readLen();
                        if (ct != CONTAINER_PLAIN && ct != CONTAINER_PACKED) {
                            throw new RdbException("Quicklist integrity check failed.", r.position());
                        }
                        container = (int) ct;
                    }
                    byte[] blob = r.readString();
                    if (blob.length == 0) throw new RdbException("empty quicklist node", r.position());
                    if (container == CONTAINER_PLAIN) {
                        ql.appendNode(blob);
                        continue;
                    }
                    Listpack lp;
                    if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                        if (Listpack.validate(blob) < 0) throw new RdbException("Listpack integrity check failed.", r.position());
                        lp = Listpack.wrap(blob);
                    } else {
                        List<Encodings.Entry> entries = Encodings.ziplist(blob);
                        if (entries == null) throw new RdbException("Ziplist integrity check failed.", r.position());
                        lp = new Listpack();
                        for (Encodings.Entry e : entries) {
                            if (e.isInt()) lp.append(e.value());
                            else lp.append(e.text());
                        }
                        lp.trim();
                    }
                    if (lp.size() == 0) continue; // Redis skips empty nodes
                    ql.appendNode(lp);
                }
            }
            default -> throw new UnsupportedTypeException(type, at);
        }
        if (ql.size() == 0) throw new RdbException("empty list", at);
        return ql;
    }

    @Override
    public Object freeze(Object value) {
        return ((QuickList) value).copy();
    }
}
