/**
 * What actors raise: {@link io.jtractor.errors.RemoteActorError} (an error boxed in another actor
 * and shipped back, with the remote traceback), {@link io.jtractor.errors.ContextCancelled} (with
 * its {@code canceller}), {@link io.jtractor.errors.ActorFailure} (an actor that could not start
 * or died without an error to show), {@link io.jtractor.errors.ConnectionLost}, {@link
 * io.jtractor.errors.StreamOverrun}, and the Java twins of the Python errors tractor peers name
 * ({@link io.jtractor.errors.TypeError}, {@link io.jtractor.errors.AttributeError}, {@link
 * io.jtractor.errors.KeyError}, {@link io.jtractor.errors.ModuleNotExposed}).
 *
 * <p>Part of the public contract. Layering: these types use only the wire layer; the runtime
 * raises and unboxes them, and the API package above it rethrows them, so neither layer imports
 * the other to get at them. Prior art: tractor's {@code _exceptions} module.
 */
package io.jtractor.errors;
