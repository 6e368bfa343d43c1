/**
 * jtractor: actors in their own JVMs (or in this one), supervised like structured-concurrency
 * tasks, talking tractor's protocol.
 *
 * <p>The contract is {@code io.jtractor} (opening roots, nurseries, portals, contexts, streams,
 * discovery), {@code io.jtractor.config} (how actors are set up, spawned and secured) and {@code
 * io.jtractor.errors} (what they raise); {@code io.jtractor.experimental} holds what may still
 * change. The runtime's internals are exported only to jtractor's own command-line tool and
 * benchmarks.
 *
 * <p>Functions exposed to other actors are named by method reference and called reflectively: a
 * module that exposes them must open their package to this module ({@code opens my.pkg to
 * io.jtractor}).
 */
module io.jtractor {
  requires transitive io.jtractor.sc;
  requires transitive io.jtractor.wire;
  requires org.slf4j;
  requires java.net.http;
  requires java.management;
  requires jdk.jfr;
  requires jdk.jdi;
  requires jdk.unsupported;
  requires org.jline.reader;
  requires org.jline.terminal;

  exports io.jtractor;
  exports io.jtractor.config;
  exports io.jtractor.errors;
  exports io.jtractor.experimental;

  exports io.jtractor.runtime to io.jtractor.cli, io.jtractor.bench;
  exports io.jtractor.runtime.debug to io.jtractor.cli, io.jtractor.bench;
  exports io.jtractor.runtime.remote to io.jtractor.cli, io.jtractor.bench;
  exports io.jtractor.runtime.registry.etcd to io.jtractor.cli, io.jtractor.bench;
}
