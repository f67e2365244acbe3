// The reference loader's own expectations, case by case: files compose-go's loader tests (loader/loader_test.go,
// compose-spec/compose-go) expect to fail must get an error of the named rule here, and files they expect to load
// must get none. The YAML is written here after those tests, not copied.
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/compose/analyze';

const refused: Array<[string, string, string]> = [
  ['non-string top-level key', '123:\n  foo:\n    image: busybox\n', 'non-string-key'],
  ['non-string service name', 'services:\n  foo:\n    image: busybox\n  123:\n    image: busybox\n', 'non-string-key'],
  ['non-string key in ipam config', 'services:\n  foo:\n    image: busybox\nnetworks:\n  default:\n    ipam:\n      config:\n        - 123: oh dear\n', 'non-string-key'],
  ['non-string environment key', 'services:\n  env:\n    image: busybox\n    environment:\n      1: FOO\n', 'non-string-key'],
  ['top level is a number', '1\n', 'schema'],
  ['top level is a list', '["hello"]\n', 'schema'],
  ['services as a list', 'services:\n  - foo:\n      image: busybox\n', 'schema'],
  ['a service as a string', 'services:\n  foo: busybox\n', 'schema'],
  ['networks as a list', 'networks:\n  - default:\n      driver: bridge\n', 'schema'],
  ['a network as a string', 'networks:\n  default: bridge\n', 'schema'],
  ['image as a list', 'services:\n  foo:\n    image: ["busybox", "latest"]\n', 'schema'],
  ['environment value as a list', 'services:\n  env:\n    image: busybox\n    environment:\n      FOO: ["1"]\n', 'schema'],
  ['environment as a string', 'services:\n  env:\n    image: busybox\n    environment: "FOO=1"\n', 'schema'],
  ['unknown resource kind', 'services:\n  foo:\n    image: busybox\n    deploy:\n      resources:\n        impossible:\n          x: 1\n', 'schema'],
  ['external volume with driver', 'volumes:\n  v:\n    external: true\n    driver: foobar\n', 'external-conflict'],
  ['external volume with driver_opts', 'volumes:\n  v:\n    external: true\n    driver_opts:\n      beep: boop\n', 'external-conflict'],
  ['external volume with labels', 'volumes:\n  v:\n    external: true\n    labels:\n      - beep=boop\n', 'external-conflict'],
  ['volume name and external.name', 'volumes:\n  v:\n    name: user_specified_name\n    external:\n      name: external_name\n', 'external-name-conflict'],
  ['secret name and external.name', 'secrets:\n  s:\n    name: user_specified_name\n    external:\n      name: external_name\n', 'external-name-conflict'],
  ['network name and external.name', 'networks:\n  n:\n    name: user_specified_name\n    external:\n      name: external_name\n', 'external-name-conflict'],
  ['tmpfs size below zero', 'services:\n  t:\n    image: nginx\n    volumes:\n      - type: tmpfs\n        target: /app\n        tmpfs:\n          size: -1\n', 'schema'],
  ['tmpfs size not an integer', 'services:\n  t:\n    image: nginx\n    volumes:\n      - type: tmpfs\n        target: /app\n        tmpfs:\n          size: 0.0001\n', 'schema'],
  ['bind mount without source', 'services:\n  t:\n    image: nginx\n    volumes:\n      - type: bind\n        target: /app\n', 'invalid-volume-mapping'],
  ['device count neither number nor all', 'services:\n  s:\n    image: redis\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              capabilities: [gpu]\n              count: some_string\n', 'device-count'],
  ['device count with device_ids', 'services:\n  s:\n    image: redis\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              capabilities: [gpu]\n              count: 2\n              device_ids: ["my-device-id"]\n', 'device-count'],
  ['device reservation without capabilities', 'services:\n  s:\n    image: redis\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 2\n', 'schema'],
  ['build ssh without value', 'services:\n  t:\n    build:\n      context: .\n      ssh:\n', 'schema'],
  ['project name not a string', 'name: 123\n', 'schema'],
  ['environment name with a trailing space', 'services:\n  t:\n    image: nginx\n    environment:\n      - DEBUG = true\n', 'invalid-environment-key'],
  ['watch without action', 'services:\n  f:\n    image: webapp\n    develop:\n      watch:\n        - path: ./webapp/html\n          target: /var/www\n', 'schema'],
  ['network_mode bridge with networks', 'services:\n  redis:\n    image: redis\n    network_mode: bridge\n    networks:\n      gratheon: null\nnetworks:\n  gratheon:\n    name: scratch_gratheon\n', 'network-mode-conflict'],
  ['depends_on cycle', 'services:\n  service1:\n    image: a\n    depends_on: [service2]\n  service2:\n    image: a\n    depends_on: [service3]\n  service3:\n    image: a\n    depends_on: [service1]\n', 'depends-on-cycle'],
  ['depends_on itself', 'services:\n  service1:\n    image: a\n    depends_on: [service1]\n', 'depends-on-cycle'],
  ['empty file', '', 'empty-file'],
  ['extends cycle', 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n', 'extends-cycle'],
  ['extends of a missing service', 'services:\n  a:\n    image: x\n    extends: nope\n', 'extends-missing'],
  // loader_test.go TestLoadSecretDriver loads this only with the consistency check skipped; validate.go then refuses it.
  ['a secret with a driver only', 'services:\n  h:\n    image: redis\n    secrets: [secret]\nsecrets:\n  secret:\n    name: secret\n    driver: secret-bucket\n    driver_opts:\n      OptionA: value\n', 'resource-source'],
  ['ipc of an undefined service', 'services:\n  a:\n    image: x\n    ipc: service:zot\n', 'undefined-service'],
  ['cpus beside a limits block without cpus', 'services:\n  a:\n    image: x\n    cpus: 1.5\n    deploy:\n      resources:\n        limits:\n          memory: 128m\n', 'distinct-limits'],
];

const accepted: Array<[string, string]> = [
  ['an external config with a template driver', 'services:\n  h:\n    image: redis\n    configs: [config]\nconfigs:\n  config:\n    name: config\n    external: true\n    template_driver: config-driver\n'],
  ['watch restart without a target', 'services:\n  s:\n    build: .\n    develop:\n      watch:\n        - path: ./config\n          action: restart\n'],
  ['extends in one file', 'services:\n  foo:\n    image: busybox\n    extends: bar\n  bar:\n    image: alpine\n    command: echo\n'],
  ['extends with !reset', 'services:\n  foo:\n    extends:\n      service: bar\n    volumes: !reset []\n  bar:\n    image: alpine\n    volumes:\n      - .:/src\n'],
  ['two YAML documents', 'name: multi\nservices:\n  test:\n    image: nginx:latest\n---\nservices:\n  test:\n    image: nginx:override\n'],
  ['device count as number, "all" and "1", or none', 'services:\n  s:\n    image: redis\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - {driver: nvidia, capabilities: [gpu], count: 1}\n            - {driver: nvidia, capabilities: [gpu], count: all}\n            - {driver: nvidia, capabilities: [gpu], count: "1"}\n            - {driver: nvidia, capabilities: [gpu]}\n'],
  ['gpus with a driver only', 'services:\n  t:\n    image: redis\n    gpus:\n      - driver: nvidia\n      - driver: 3dfx\n        device_ids: ["voodoo2"]\n        capabilities: ["directX"]\n'],
  ['gpus: all', 'services:\n  t:\n    image: redis\n    gpus: all\n'],
  ['a service named x-foo', 'services:\n  test:\n    image: test\n    depends_on:\n      - x-foo\n  x-foo:\n    image: foo\n'],
  ['service hooks', 'services:\n  t:\n    image: a\n    post_start:\n      - command: echo start\n        user: root\n        privileged: true\n        working_dir: /\n        environment: [FOO=BAR]\n    pre_stop:\n      - command: echo stop\n        environment:\n          FOO: BAR\n'],
  ['named ports and app_protocol', 'services:\n  t:\n    image: foo\n    ports:\n      - name: http\n        published: 8080\n        target: 80\n        app_protocol: http\n'],
  ['extra_hosts as map, list and long syntax', 'services:\n  a:\n    image: b\n    extra_hosts:\n      zulu: "162.242.195.82"\n  b:\n    image: b\n    extra_hosts: ["alpha:50.31.209.229", "zulu:ff02::1", "myhost=0.0.0.1,0.0.0.2"]\n  c:\n    image: b\n    extra_hosts:\n      myhost: ["0.0.0.1", "0.0.0.2"]\n'],
  ['init: yes (a string in YAML 1.2)', 'services:\n  test:\n    image: a\n    init: yes\n'],
  ['secret file modes', 'services:\n  t:\n    image: a\n    secrets:\n      - source: cert\n        target: server.cert\n        mode: 0o440\n      - source: cert\n        target: other.cert\n        mode: "0440"\nsecrets:\n  cert:\n    file: ./cert.pem\n'],
  ['a provider service', 'services:\n  test:\n    provider:\n      type: foo\n      options:\n        bar: zot\n'],
  ['image and npipe mounts', 'services:\n  t:\n    image: a\n    volumes:\n      - type: image\n        source: app/image\n        target: /mnt/image\n        image:\n          subpath: /foo\n'],
  ['network interface_name and gw_priority', 'services:\n  t:\n    image: a\n    networks:\n      test:\n        interface_name: eth0\n        gw_priority: 42\nnetworks:\n  test: {}\n'],
  ['pull_policy every_2d', 'services:\n  t:\n    image: a\n    pull_policy: every_2d\n'],
  ['watch with an x- key', 'services:\n  f:\n    image: w\n    build: ./webapp\n    develop:\n      watch:\n        - path: ./webapp/html\n          action: sync\n          x-initialSync: true\n          target: /var/www\n'],
  ['numeric volume names', 'services:\n  foo:\n    image: busybox\n    volumes:\n      - 0:/foo\nvolumes:\n  "0": {}\n'],
  ['sysctls as list and mapping', 'services:\n  a:\n    image: b\n    sysctls: [net.core.somaxconn=1024, testing.one.two]\n  b:\n    image: b\n    sysctls:\n      net.core.somaxconn: 1024\n      testing.one.two:\n'],
  ['environment list and map forms', 'services:\n  a:\n    image: b\n    environment: [FOO=1, BU=, ZO]\n  b:\n    image: b\n    environment:\n      FOO: "1"\n      BAR: 2\n      ZO:\n'],
  ['interpolated arrays', 'services:\n  t:\n    image: a\n    ports:\n      - "1000:1000"\n      - ${INLINED_ARRAY[*]}\n'],
];

suite('compose: the reference loader\'s own cases', () => {
  for (const [name, yaml, code] of refused) {
    test(`refused: ${name} → ${code}`, () => {
      const errors = analyzeText(yaml).diagnostics.filter((d) => d.severity === 'error');
      assert.ok(errors.some((d) => d.code === code), `expected an error of ${code}, got: ${errors.map((d) => `${d.code}: ${d.message}`).join(' | ') || 'none'}`);
    });
  }
  for (const [name, yaml] of accepted) {
    test(`accepted: ${name}`, () => {
      assert.deepEqual(analyzeText(yaml).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`), []);
    });
  }
});
