import assert from 'node:assert/strict';
import { parsePing, parseResolvedAddress } from '../../src/model/connectivity';

// Outputs captured from busybox (the test image) and from iputils/glibc, as the engine's exec returns them.
suite('connectivity output parsing', () => {
  test('busybox nslookup: the answer, not the DNS server', () => {
    const out = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tbee\nAddress: 10.200.0.83\n\nNon-authoritative answer:\n\n';
    assert.equal(parseResolvedAddress(out), '10.200.0.83');
    assert.equal(parseResolvedAddress("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nosuch: NXDOMAIN\n"), undefined);
  });

  test('getent hosts', () => {
    assert.equal(parseResolvedAddress('10.0.0.3        db\n'), '10.0.0.3');
    assert.equal(parseResolvedAddress('fd00::3   db\n'), 'fd00::3');
  });

  test('busybox and iputils ping statistics', () => {
    const busybox = '--- bee ping statistics ---\n3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 0.084/0.114/0.158 ms\n';
    assert.deepEqual(parsePing(busybox), { sent: 3, received: 3, avgMs: 0.114 });
    const iputils = '3 packets transmitted, 2 received, 33.3333% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.050/0.061/0.072/0.011 ms\n';
    assert.deepEqual(parsePing(iputils), { sent: 3, received: 2, avgMs: 0.061 });
    assert.deepEqual(parsePing('3 packets transmitted, 0 packets received, 100% packet loss\n'), { sent: 3, received: 0, avgMs: undefined });
    assert.equal(parsePing('ping: bad address'), undefined);
  });
});
