/**
 * The actor runtime: an {@link io.jtractor.runtime.Actor} (identity, listener, service nursery),
 * its connections ({@link io.jtractor.runtime.PeerChannel}: one message loop each, RPC dispatch,
 * the {@code self} namespace), the exposed namespaces ({@link io.jtractor.runtime.Modules}),
 * one side of a context or stream ({@link io.jtractor.runtime.ContextLink}: buffering, overruns,
 * credit, remote errors), the types injected into context and streaming functions ({@link
 * io.jtractor.runtime.Injectables}), spawning and reaping child JVMs ({@link io.jtractor.runtime.ChildProcess}, {@link
 * io.jtractor.runtime.ChildMain}), and error boxing. Prior art: tractor's {@code _runtime},
 * {@code _spawn}, {@code _child} and {@code _exceptions}.
 *
 * <p>Rules kept here: only a connection's message loop reads its socket (user tasks wait on
 * {@code sc} channels); bad input ends one connection, never the actor; no child outlives its
 * parent, however the parent ends.
 */
package io.jtractor.runtime;
