#!/usr/bin/env node
// The azure-dps export through Azure's own Node SDK (npm azure-iot-provisioning-service) to a
// recording HTTPS endpoint on 127.0.0.1.
//
//   node azure_dps_test.cjs REELCHECK_CLI REAL_BUNDLE.7z FIXTURES_DIR
//
// The real 200-chip bundle is exported with --certs-only (its transport key is not public):
// every bulk body goes through ProvisioningServiceClient.runBulkEnrollmentOperation and the
// enrollment group through createOrUpdateEnrollmentGroup. The test checks what arrived against
// the bundle's own certificate files (unpacked here with 7zz, read with Node's X509Certificate):
// one enrollment per chip, registration ID = the certificate's CN, device ID = the chip ID, the
// certificate itself, the reel's tags, at most 10 per request, signed with a SAS token. The
// `mixed` fixture, whose certificates all have CN=InfineonIoTNode (not a valid registration ID),
// must export no enrollment and say why.
//
// The SDK connects to the HostName of its connection string; an https.Agent sends that
// connection to the local endpoint instead (the TLS name stays the DPS host name, which the
// test's self-signed certificate, made here by openssl, carries). Nothing leaves 127.0.0.1.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');

// Skipped (exit 77, ctest's SKIP_RETURN_CODE) only where its inputs cannot be had: the npm
// packages before `npm ci` (scripts/bootstrap.sh --web), or the real bundle outside this workplace.
let ProvisioningServiceClient, RestApiClient;
try {
  ({ ProvisioningServiceClient } = require('azure-iot-provisioning-service'));
  ({ RestApiClient } = require('azure-iot-http-base'));
} catch (e) {
  console.log('azure-iot-provisioning-service is not installed (npm ci): skipped');
  process.exit(77);
}

const DPS_HOST = 'reelcheck-test.azure-devices-provisioning.net';
const failures = [];
function check(ok, message) {
  if (!ok) {
    failures.push(message);
    console.log('FAIL:', message);
  }
}

function tlsCertificate(dir) {
  const key = path.join(dir, 'tls.key');
  const cert = path.join(dir, 'tls.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${DPS_HOST}`,
    '-addext', `subjectAltName=DNS:${DPS_HOST}`], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

// The DPS service API as far as the SDK calls it here, recording every request.
function startEndpoint(tls) {
  const requests = [];
  const server = https.createServer(tls, (req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const url = new URL(req.url, `https://${DPS_HOST}`);
      const record = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
        host: req.headers.host, authorization: req.headers.authorization || '', body: body ? JSON.parse(body) : null };
      requests.push(record);
      let status = 200;
      let answer;
      if (req.method === 'POST' && url.pathname === '/enrollments/') {
        answer = { isSuccessful: true, errors: [] };
      } else if (req.method === 'PUT' && url.pathname.startsWith('/enrollmentGroups/')) {
        answer = { ...record.body, etag: '"1"', createdDateTimeUtc: new Date(0).toISOString() };
      } else {
        status = 404;
        answer = { errorCode: 404000, message: `${req.method} ${url.pathname}` };
      }
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, requests })));
}

// An agent that connects wherever the SDK asks to 127.0.0.1:port instead.
class LocalAgent extends https.Agent {
  constructor(port, ca) {
    super({ ca, keepAlive: false });
    this.localPort = port;
  }
  createConnection(options, callback) {
    return super.createConnection({ ...options, host: '127.0.0.1', port: this.localPort }, callback);
  }
}

function client(port, ca) {
  const key = crypto.randomBytes(32).toString('base64');
  const connection = `HostName=${DPS_HOST};SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=${key}`;
  // fromConnectionString's config, with a RestApiClient whose transport uses our agent.
  const config = { host: DPS_HOST,
    sharedAccessSignature: require('azure-iot-common').SharedAccessSignature.create(
      DPS_HOST, 'provisioningserviceowner', key, Date.now()) };
  check(ProvisioningServiceClient.fromConnectionString(connection) instanceof ProvisioningServiceClient,
    'fromConnectionString');
  const rest = new RestApiClient(config, 'reelcheck-test');
  rest.setOptions({ http: { agent: new LocalAgent(port, ca) }, ca });
  return new ProvisioningServiceClient(config, rest);
}

function exportDps(cli, out, inputs, extra) {
  try {
    execFileSync(cli, ['export', '-q', '--format', 'azure-dps', '--out', out, ...inputs, ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    return 0;
  } catch (e) {
    return e.status;
  }
}

// chip ID -> X509Certificate of the slot's file, straight from the bundle (7zz, not reelcheck).
function bundleCertificates(bundle, dir, slot) {
  execFileSync('7zz', ['x', '-y', `-o${dir}/outer`, bundle], { stdio: 'ignore' });
  const inner = fs.readdirSync(`${dir}/outer`).find((n) => n.endsWith(`_${slot}_Certs.7z`));
  execFileSync('7zz', ['x', '-y', `-o${dir}/certs`, `${dir}/outer/${inner}`], { stdio: 'ignore' });
  const certs = new Map();
  for (const name of fs.readdirSync(`${dir}/certs`))
    if (name.endsWith(`_${slot}.pem`))
      certs.set(name.split('_')[0], new crypto.X509Certificate(fs.readFileSync(`${dir}/certs/${name}`)));
  return certs;
}

const commonName = (x509) => (x509.subject.split('\n').find((l) => l.startsWith('CN=')) || '').slice(3);

async function main() {
  const [cli, realBundle, fixtures] = process.argv.slice(2);
  if (!fs.existsSync(realBundle)) {
    console.log(`the real bundle is not at ${realBundle}: skipped`);
    process.exit(77);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcheck-dps-'));
  try {
    const tls = tlsCertificate(work);
    const { server, requests } = await startEndpoint(tls);
    const dps = client(server.address().port, tls.cert);

    // The real bundle: 200 chips, certificates only.
    const out = path.join(work, 'real');
    check(exportDps(cli, out, [realBundle], ['--certs-only']) === 0, 'export of the real bundle failed');
    const bodies = fs.readdirSync(`${out}/enrollments`).sort();
    for (const name of bodies) {
      const body = JSON.parse(fs.readFileSync(`${out}/enrollments/${name}`, 'utf8'));
      // With a callback: the SDK (1.11.2) only settles this operation's promise form when a
      // callback was given too, so awaiting it alone never returns.
      const result = await new Promise((resolve, reject) => dps.runBulkEnrollmentOperation(body,
        (err, answer) => (err ? reject(err) : resolve(answer))));
      check(result.isSuccessful === true, `${name}: not successful`);
    }
    const groups = fs.readdirSync(`${out}/enrollment-groups`);
    for (const name of groups)
      await new Promise((resolve, reject) => dps.createOrUpdateEnrollmentGroup(
        JSON.parse(fs.readFileSync(`${out}/enrollment-groups/${name}`, 'utf8')),
        (err, answer) => (err ? reject(err) : resolve(answer))));

    const expected = bundleCertificates(realBundle, path.join(work, 'bundle'), 'E0E0');
    const bulk = requests.filter((r) => r.method === 'POST' && r.path === '/enrollments/');
    check(bulk.length === bodies.length && bulk.length === Math.ceil(expected.size / 10),
      `${bulk.length} bulk requests for ${expected.size} chips`);
    const seen = new Map();
    for (const r of bulk) {
      check(r.query['api-version'] === '2021-10-01', 'api-version');
      check(r.authorization.startsWith(`SharedAccessSignature sr=${DPS_HOST}`), 'no SAS token');
      check(r.host === DPS_HOST, `Host header ${r.host}`);
      check(r.body.mode === 'create' && r.body.enrollments.length >= 1 && r.body.enrollments.length <= 10,
        'a bulk body is not a create of 1 to 10 enrollments');
      for (const e of r.body.enrollments) seen.set(e.deviceId, e);
    }
    check(seen.size === expected.size, `${seen.size} enrollments for ${expected.size} chips`);
    for (const [chip, x509] of expected) {
      const e = seen.get(chip);
      if (!e) { check(false, `chip ${chip} not enrolled`); continue; }
      check(e.registrationId === commonName(x509), `${chip}: registration ID is not the CN`);
      check(/^[a-z0-9][a-z0-9._:-]{0,127}$/.test(e.registrationId), `${chip}: registration ID rules`);
      check(e.attestation.type === 'x509', `${chip}: attestation type`);
      const sent = new crypto.X509Certificate(e.attestation.x509.clientCertificates.primary.certificate);
      check(sent.raw.equals(x509.raw), `${chip}: not the bundle's certificate`);
      check(e.initialTwin.tags.reel_id === '78211223032C7EFA' && e.initialTwin.tags.batch === chip.slice(0, 12),
        `${chip}: tags ${JSON.stringify(e.initialTwin.tags)}`);
      check(e.provisioningStatus === 'enabled', `${chip}: not enabled`);
    }
    const put = requests.filter((r) => r.method === 'PUT');
    check(put.length === 1 && put[0].path === `/enrollmentGroups/${put[0].body.enrollmentGroupId}`,
      'one enrollment group PUT');
    if (put.length === 1) {
      const ca = new crypto.X509Certificate(put[0].body.attestation.x509.signingCertificates.primary.certificate);
      check(ca.subject.includes('Trust M CA 306'), `group's signing CA: ${ca.subject}`);
      check(Array.from(expected.values()).every((x) => x.checkIssued(ca) && x.verify(ca.publicKey)),
        "the group's CA did not sign the reel's certificates");
    }

    // The fixture reel: every CN is "InfineonIoTNode", which DPS cannot take.
    const mixed = path.join(work, 'mixed');
    const m = JSON.parse(fs.readFileSync(`${fixtures}/manifest.json`, 'utf8')).bundles.mixed;
    exportDps(cli, mixed, [`${fixtures}/${m.files[0]}`], ['--key-file', `${fixtures}/${m.key_file}`,
      '--trust', `${fixtures}/pki/trust.pem`, '--no-default-trust', '--at', '2026-06-01']);
    const manifest = JSON.parse(fs.readFileSync(`${mixed}/manifest.json`, 'utf8'));
    check(manifest.counts.exported === 0 && !fs.existsSync(`${mixed}/enrollments`),
      'mixed: enrollments for CNs DPS cannot take');
    const okChips = Object.entries(m.expected.chips).filter(([, v]) => v.status === 'ok').map(([c]) => c);
    check(okChips.every((c) => manifest.left_out.some((l) => l.chip_id === c &&
      l.reasons[0].code === 'registration_id_invalid')), 'mixed: the reason is not registration_id_invalid');

    server.close();
    console.log(`azure-dps: ${seen.size} enrollments in ${bulk.length} bulk requests through the SDK, ` +
      `1 enrollment group; mixed fixture: ${okChips.length} verified chips left out (CN not a registration ID)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(failures.length ? `azure clients: ${failures.length} check(s) failed` : 'azure clients: all checks passed');
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
