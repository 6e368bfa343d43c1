/**
 * Java versions of tractor's debugger examples ({@code examples/debugging/}): each a program whose
 * root runs in debug mode, where actors crash or pause and the debugger's REPL opens in the root's
 * terminal. {@code DebuggerTest} drives each through its stdin and stdout, as tractor's {@code
 * test_debugger} drives the scripts with pexpect. Not ported: {@code restore_builtin_breakpoint}
 * (Python's {@code breakpoint()} hook has no Java counterpart).
 */
package io.jtractor.examples.debugging;
