package io.vermilion.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A table scripts cannot change (Redis 7.0's readonly tables: the library tables, the redis
 * table, their metatables): every write raises "Attempt to modify a readonly table".
 */
final class ReadOnlyTable extends LuaTable {
    static final String ERROR = "Attempt to modify a readonly table";
    private boolean locked;

    /** A locked copy of {@code src}'s entries. */
    static ReadOnlyTable copyOf(LuaTable src) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs e = src.next(k);
            k = e.arg1();
            if (k.isnil()) break;
            t.rawset(k, e.arg(2));
        }
        t.locked = true;
        return t;
    }

    @Override public void rawset(int key, LuaValue value) {
        if (locked) throw new LuaError(ERROR);
        super.rawset(key, value);
    }

    @Override public void rawset(LuaValue key, LuaValue value) {
        if (locked) throw new LuaError(ERROR);
        super.rawset(key, value);
    }

    @Override public LuaValue setmetatable(LuaValue mt) {
        if (locked) throw new LuaError(ERROR);
        return super.setmetatable(mt);
    }

    /** Sets the metatable of a locked table (while the engine is being built). */
    void setmetatableUnlocked(LuaValue mt) {
        super.setmetatable(mt);
    }

    @Override public void insert(int pos, LuaValue value) {
        if (locked) throw new LuaError(ERROR);
        super.insert(pos, value);
    }

    @Override public LuaValue remove(int pos) {
        if (locked) throw new LuaError(ERROR);
        return super.remove(pos);
    }
}
