package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

final class JsonCodec {
    private JsonCodec() {}
    static LuaTable table() { return new LuaTable(); }
}
