package io.jtractor.runtime;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Transport;
import io.jtractor.wire.Uid;

/**
 * Who an actor trusts and how its connections prove it: the tree's secret, the transport for IP
 * addresses (TCP, or TLS when configured), the handshake of every connection both ways, and who
 * may cancel the actor. Fixed when the actor is made.
 *
 * <p>Threads: immutable (its {@link Authorization} guards its own state).
 *
 * @param secret the tree's secret: the configuration's, else chosen here (see {@link
 *     TreeSecret#forRoot})
 * @param transport what carries connections to IP addresses
 * @param auth the handshake of every connection, both ways
 * @param authorization who may cancel this actor; knows its ancestors
 */
record ActorSecurity(TreeSecret secret, Transport transport, HandshakeAuth auth, Authorization authorization) {
  /** The security of actor {@code uid} configured by {@code config}; {@code children} tells its own children. */
  static ActorSecurity of(Uid uid, ActorConfig config, boolean isRoot, ActorChildren children) {
    Security sec = config.security();
    // Roots sharing a registry on etcd share the secret as roots sharing a registrar do.
    boolean etcd = config.registryAddress() == null && io.jtractor.runtime.registry.etcd.EtcdRegistry.configured() != null;
    TreeSecret secret = sec.secret() != null ? sec.secret()
        : isRoot && etcd ? TreeSecret.shared()
        : isRoot ? TreeSecret.forRoot(config.registryAddress()) : TreeSecret.random();
    Authorization authorization = new Authorization(uid);
    HandshakeAuth auth = Authenticator.of(secret, sec, uid, authorization::ancestors, children::isOwnChild);
    return new ActorSecurity(secret, transportFor(sec), auth, authorization);
  }

  /** The transport for IP addresses under {@code sec}: TLS when keys are configured, else TCP. */
  static Transport transportFor(Security sec) {
    return sec.tls() == null ? Transport.TCP : Transport.tls(sec.tls());
  }
}
