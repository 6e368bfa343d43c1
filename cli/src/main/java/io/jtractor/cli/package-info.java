/**
 * The {@code jtractor} command-line tool: {@code registrar} (run a registrar daemon), {@code ps}
 * (the actors a registrar knows, as a tree where parentage is known) and {@code demo} (the
 * showcase). Built on the public API only; the {@code ./jtractor} script at the repository root
 * runs it from {@code cli/target/jtractor.jar}.
 */
package io.jtractor.cli;
