/**
 * How actors are set up ({@link io.jtractor.config.ActorConfig}), spawned ({@link
 * io.jtractor.config.SpawnOptions}: the JVM, the timeouts, the AOT cache, the warm pool, an
 * infected loop, in-process or in a JVM of its own, on which host via {@link
 * io.jtractor.config.Placement}) and secured ({@link io.jtractor.config.Security}, {@link
 * io.jtractor.config.TreeSecret}). Immutable values with withers.
 *
 * <p>Part of the public contract. Layering: these types use only {@code sc} and the wire layer;
 * the runtime reads them, and the API package passes them down, so the runtime never imports the
 * API package.
 */
package io.jtractor.config;
