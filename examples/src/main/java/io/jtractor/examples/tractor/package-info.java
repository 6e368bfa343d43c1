/**
 * Java versions of the example scripts that ship with tractor (its {@code examples/} directory):
 * one class per script, each with a {@code main} that prints what happens and exits 0, and the
 * functions its child actors run as public static methods of the same class (the class is the
 * module a child exposes). They follow the originals scene by scene, in jtractor's API, with
 * counts kept small so each finishes in a few seconds; {@code TractorExamplesTest} runs every one
 * in a JVM of its own, as tractor's {@code test_docs_examples} does.
 */
package io.jtractor.examples.tractor;
