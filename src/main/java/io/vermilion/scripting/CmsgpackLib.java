package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

/** The cmsgpack library (pack/unpack); see MsgpackCodec. */
final class CmsgpackLib {
    private CmsgpackLib() {}
    static LuaTable create() { return MsgpackCodec.table(); }
}
