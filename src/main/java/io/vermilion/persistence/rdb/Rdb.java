package io.vermilion.persistence.rdb;

/**
 * Constants of the RDB format as Redis 7.0 writes it (version 10): opcodes, value types,
 * length and string encodings.
 */
public final class Rdb {
    private Rdb() {}

    public static final int VERSION = 10;
    /** "REDIS" followed by the version in four digits. */
    public static final int MAGIC_LEN = 9;

    // Opcodes: bytes that precede something other than a key/value pair.
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    // Value types.
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE_PRE_GA = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;

    // Length encoding: the two top bits of the first byte.
    static final int LEN_6BIT = 0;
    static final int LEN_14BIT = 1;
    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int ENCVAL = 3;

    // Special string encodings (ENCVAL, low six bits).
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    /** Whether {@code t} is a value type byte Redis 7.0 knows (rdbIsObjectType). */
    public static boolean isObjectType(int t) {
        return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
    }

    /** A readable name for a value type byte, for error messages. */
    public static String typeName(int t) {
        switch (t) {
            case TYPE_STRING: return "string";
            case TYPE_LIST: return "list";
            case TYPE_SET: return "set";
            case TYPE_ZSET: return "zset";
            case TYPE_HASH: return "hash";
            case TYPE_ZSET_2: return "zset-2";
            case TYPE_MODULE_PRE_GA: return "module-pre-ga";
            case TYPE_MODULE_2: return "module-2";
            case TYPE_HASH_ZIPMAP: return "hash-zipmap";
            case TYPE_LIST_ZIPLIST: return "list-ziplist";
            case TYPE_SET_INTSET: return "set-intset";
            case TYPE_ZSET_ZIPLIST: return "zset-ziplist";
            case TYPE_HASH_ZIPLIST: return "hash-ziplist";
            case TYPE_LIST_QUICKLIST: return "list-quicklist";
            case TYPE_STREAM_LISTPACKS: return "stream-listpacks";
            case TYPE_HASH_LISTPACK: return "hash-listpack";
            case TYPE_ZSET_LISTPACK: return "zset-listpack";
            case TYPE_LIST_QUICKLIST_2: return "list-quicklist-2";
            case TYPE_STREAM_LISTPACKS_2: return "stream-listpacks-2";
            default: return "unknown";
        }
    }
}
