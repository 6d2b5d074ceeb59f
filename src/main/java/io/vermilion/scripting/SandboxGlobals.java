package io.vermilion.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The globals table of a script engine: read-only once the engine is set up (Redis 7.0 locks
 * the globals: "Attempt to modify a readonly table"), with a metatable whose __index raises
 * "Script attempted to access nonexistent global variable". EVAL's KEYS and ARGV are set with
 * the lock lifted, as Redis does.
 */
final class SandboxGlobals extends Globals {
    boolean locked;

    @Override public void rawset(int key, LuaValue value) {
        if (locked) throw new LuaError(ReadOnlyTable.ERROR);
        super.rawset(key, value);
    }

    @Override public void rawset(LuaValue key, LuaValue value) {
        if (locked) throw new LuaError(ReadOnlyTable.ERROR);
        super.rawset(key, value);
    }

    @Override public LuaValue setmetatable(LuaValue mt) {
        if (locked) throw new LuaError(ReadOnlyTable.ERROR);
        return super.setmetatable(mt);
    }

    /** Sets a global with the lock lifted (KEYS, ARGV). */
    void setUnlocked(String name, LuaValue v) {
        boolean l = locked;
        locked = false;
        super.rawset(LuaValue.valueOf(name), v);
        locked = l;
    }
}
