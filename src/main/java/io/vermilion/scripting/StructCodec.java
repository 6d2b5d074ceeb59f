package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

final class StructCodec {
    private StructCodec() {}
    static LuaTable table() { return new LuaTable(); }
}
