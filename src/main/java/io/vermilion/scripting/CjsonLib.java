package io.vermilion.scripting;

import org.luaj.vm2.LuaTable;

/** The cjson library (encode/decode); see JsonCodec. */
final class CjsonLib {
    private CjsonLib() {}
    static LuaTable create() { return JsonCodec.table(); }
}
