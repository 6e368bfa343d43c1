/**
 * Runnable examples of jtractor, and the showcase that README.md's first command runs. Each example
 * is a {@code main} that prints a readable trace and exits 0; a test runs each one.
 */
package io.jtractor.examples;
