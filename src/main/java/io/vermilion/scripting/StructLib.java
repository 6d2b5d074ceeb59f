package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

/** The struct library (pack/unpack/size); see StructCodec. */
final class StructLib {
    private StructLib() {}
    static LuaTable create() { return StructCodec.table(); }
}
