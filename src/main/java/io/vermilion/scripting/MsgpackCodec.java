package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

final class MsgpackCodec {
    private MsgpackCodec() {}
    static LuaTable table() { return new LuaTable(); }
}
