package io.vermilion.scripting;

/**
 * Thrown by the hook to stop a script killed with SCRIPT KILL / FUNCTION KILL. An Error, not a
 * LuaError, so that neither pcall nor the interpreter's own handlers can catch it.
 */
final class ScriptKilled extends Error {
    ScriptKilled() { super("Script killed by user with SCRIPT KILL...", null, false, false); }
}
