package io.vermilion.scripting;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * luaj's debug hook, used (instead of the debug library, which scripts never see) for two
 * things: the instruction-count check that lets a long script notice busy-reply-threshold and
 * SCRIPT KILL (Redis's count hook every 100000 instructions; here a cheaper countdown), and the
 * position of the last instruction run, which is where an error was raised: the "on
 * @user_script:LINE." of Redis's error replies.
 */
final class Hook extends DebugLib {
    /** Called every {@link #INTERVAL} instructions while a script runs. */
    interface Check { void check(); }

    static final int INTERVAL = 10_000;

    private Prototype[] stack = new Prototype[64];
    private int depth;
    private Prototype cur;
    Prototype lastProto;
    int lastPc;
    int countdown = INTERVAL;
    Check check;

    void reset() {
        depth = 0;
        cur = null;
        lastProto = null;
        lastPc = 0;
        countdown = INTERVAL;
    }

    @Override public void onCall(LuaFunction f) {
        push(null);
    }

    @Override public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        push(c.p);
    }

    private void push(Prototype p) {
        if (depth == stack.length) stack = java.util.Arrays.copyOf(stack, depth * 2);
        stack[depth++] = p;
        cur = p;
    }

    @Override public void onReturn() {
        if (depth > 0) depth--;
        cur = depth > 0 ? stack[depth - 1] : null;
    }

    @Override public void onInstruction(int pc, Varargs v, int top) {
        lastPc = pc;
        lastProto = cur;
        if (--countdown <= 0) {
            countdown = INTERVAL;
            if (check != null) check.check();
        }
    }

    /** Makes the next instruction run the check (a killed script stops at once, even inside pcall). */
    void checkEveryInstruction() { countdown = 1; }

    @Override public String traceback(int level) { return null; }

    /** Source of the last instruction run ("@user_script"), or null. */
    String source() {
        return lastProto == null || lastProto.source == null ? null : lastProto.source.tojstring();
    }

    /** Line of the last instruction run, or 0. */
    int line() {
        if (lastProto == null || lastProto.lineinfo == null || lastPc < 0 || lastPc >= lastProto.lineinfo.length) return 0;
        return lastProto.lineinfo[lastPc];
    }
}
