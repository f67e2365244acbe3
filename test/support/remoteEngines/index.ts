/**
 * Engines of every kind the extension must talk to, started by the tests on this machine and stopped again:
 *
 *   startTlsEngine()      a private dockerd serving TCP with --tlsverify, certificates made here with openssl,
 *                         reachable from the host at tcp://127.0.0.1:PORT
 *   startSshEngine()      Debian's sshd on 127.0.0.1:PORT with its own config, host key and a test user key,
 *                         in front of a private dockerd (`docker system dial-stdio` runs over it)
 *   startSwarmEngine()    a private dockerd that is a Swarm manager with an attachable overlay network
 *   startPodmanService()  `podman system service` with its own storage, configuration and event log
 *
 * Isolation. Every private engine runs in a network namespace and a mount namespace of its own
 * (`unshare --net --mount`): a second dockerd in the host's namespace would rewrite the first engine's docker0
 * bridge and iptables chains (with `--bridge none` it even deletes docker0), and its overlay mounts would show up
 * in the host's mount table. The engine's unix socket is a file, so the host reaches it all the same. TCP is
 * brought out with two socat relays (the TLS stream is not terminated on the way, so the certificate's IP SAN
 * 127.0.0.1 is what the client checks):
 *
 *   host 127.0.0.1:PORT --socat--> DIR/tls-relay.sock --socat (inside the namespace)--> 127.0.0.1:2376 dockerd
 *
 * Everything an engine uses lives in one folder /tmp/dnvtest-re-KIND-XXXXXX (short: unix socket paths are limited
 * to 108 bytes). stop() ends what it started, then any process whose command line or environment still names
 * that folder (dockerd's managed containerd, sshd sessions), and removes the folder; it may be called any number
 * of times. When the test process ends without stop() (a crash, a timeout), an exit hook sends SIGTERM to what is
 * still running, and the next start clears folders whose owning test process is gone. Nothing here stops, or
 * changes, an engine it did not start.
 */
export * from './types';
export { dockerAt, freePort, OVERLAY_NETWORK, sweepStale, TEST_IMAGE } from './common';
export { startTlsEngine } from './tls';
export { SLOW_SHELL_S, sshFingerprint, startSshEngine } from './ssh';
export { startSwarmEngine } from './swarm';
export { probeDockerApi, startPodmanService } from './podman';
