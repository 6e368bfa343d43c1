/**
 * tractor's wire: framing, the msgpack codec, messages, the handshake and the transports (TCP,
 * TLS, Unix domain sockets).
 */
module io.jtractor.wire {
  requires org.slf4j;

  exports io.jtractor.wire;
}
