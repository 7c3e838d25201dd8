#!/usr/bin/env python3
"""The AWS exports run through the real AWS CLI (Debian awscli) against a recording endpoint.

    aws_cli_test.py REELCHECK_CLI FIXTURES_DIR

For the `aws_small` fixture reel (3 chips ok; one failed by a damaged certificate, one by a bad
key line although its certificates are valid) it exports `aws-cli`, runs the generated script with
/usr/bin/aws (--endpoint-url, dummy credentials) and checks what arrived: exactly the verified
certificates (their IDs computed here from the bundle's own files), Things named by chip ID with
the reel's attributes, each certificate attached to its Thing, nothing of a failed chip; then a
second run registers nothing new. (That the failed chips of `mixed`, ten of them failed in eight
ways, and extra chips unless asked for, stay out of the script is checked on the exported files,
in export_test.cpp.) For `aws-bulk` on `mixed` (10 ok, 10 failed) it runs register-ca.sh
(SNI_ONLY, twice) and start-registration-task.sh, and checks the StartThingRegistrationTask
request.
Only 127.0.0.1 is contacted.
"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aws_iot_endpoint  # noqa: E402

AWS = "/usr/bin/aws"  # Debian's; a pyenv shim earlier on PATH may be another aws
THING_TYPE = "OPTIGA_Trust_M"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def der_sha256(pem_text):
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem_text, re.S)
    return hashlib.sha256(base64.b64decode("".join(body.group(1).split()))).hexdigest()


def bundle_certificate_ids(bundle, work, slot="E0E0"):
    """chip ID -> certificate ID of the slot's file, read from the bundle with 7zz (not reelcheck)."""
    outer = work / "outer"
    subprocess.run(["7zz", "x", "-y", f"-o{outer}", str(bundle)], check=True,
                   stdout=subprocess.DEVNULL)
    inner = next(outer.glob(f"*_{slot}_Certs.7z"))
    files = work / "certs"
    subprocess.run(["7zz", "x", "-y", f"-o{files}", str(inner)], check=True,
                   stdout=subprocess.DEVNULL)
    ids = {}
    for pem in files.glob(f"*_{slot}.pem"):
        ids[pem.name.split("_")[0]] = der_sha256(pem.read_text())
    return ids


def run(cmd, env, **kw):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        print("$", " ".join(map(str, cmd)), "->", result.returncode)
        print(result.stdout[-3000:], result.stderr[-3000:])
    return result


def export(cli, fixtures, name, fmt, out, extra_args=()):
    entry = fixtures_manifest(fixtures)["bundles"][name]
    cmd = [cli, "export", "-q", "--format", fmt, "--out", str(out), str(fixtures / entry["files"][0]),
           "--key-file", str(fixtures / entry["key_file"]), "--trust", str(fixtures / "pki/trust.pem"),
           "--no-default-trust", "--at", fixtures_manifest(fixtures)["check_time"], *extra_args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    check(result.returncode in (0, 1), f"export {name} {fmt}: exit {result.returncode} {result.stderr}")
    return entry


def fixtures_manifest(fixtures):
    return json.loads((fixtures / "manifest.json").read_text())


def one_at_a_time(cli, fixtures, name, env, work, include_extra=False, rerun=False):
    out = work / f"{name}-aws-cli"
    entry = export(cli, fixtures, name, "aws-cli", out, ["--include-extra"] if include_extra else [])
    wanted = {"ok", "extra"} if include_extra else {"ok"}
    chips = entry["expected"]["chips"]
    expected = sorted(c for c, v in chips.items() if v["status"] in wanted)
    others = sorted(c for c in chips if c not in expected)
    ids = bundle_certificate_ids(fixtures / entry["files"][0], work / f"{name}-bundle")

    server, state, url = aws_iot_endpoint.start()
    try:
        script = out / "register-certificates.sh"
        first = run([str(script)], dict(env, AWS_ENDPOINT_URL=url))
        check(first.returncode == 0, f"{name}: first run failed")
        registered = [r["body"] for r in state.operations("RegisterCertificateWithoutCA")]
        got_ids = sorted(aws_iot_endpoint.certificate_id(b["certificatePem"]) for b in registered)
        check(got_ids == sorted(ids[c] for c in expected),
              f"{name}: registered {len(got_ids)} certificates, expected exactly the "
              f"{len(expected)} verified ones")
        check(all(b.get("status") == "ACTIVE" for b in registered), f"{name}: status not ACTIVE")
        created = sorted(r["path"].split("/")[2] for r in state.operations("CreateThing"))
        check(created == expected, f"{name}: Things {created} != verified chips {expected}")
        for chip in expected:
            thing = state.things.get(chip, {})
            check(thing.get("type") == THING_TYPE, f"{name}: {chip} thing type {thing.get('type')}")
            check(thing.get("attributes") == {
                "reel_id": entry["reel_id"], "batch": chip[:12], "slot": "E0E0",
                "wafer_x": str(int(chip[12:16], 16)), "wafer_y": str(int(chip[16:20], 16))},
                f"{name}: {chip} attributes {thing.get('attributes')}")
            arn = state.certificates.get(ids[chip], {}).get("arn")
            check(arn is not None and thing.get("principals") == [arn],
                  f"{name}: {chip} principals {thing.get('principals')} != [{arn}]")
        every = json.dumps(state.requests)
        for chip in others:
            check(chip not in every and (chip not in ids or ids[chip] not in every),
                  f"{name}: {chip} ({chips[chip]['status']}) reached AWS")
        check(all(r["signed"] for r in state.requests), f"{name}: an unsigned request")
        check(all(r["operation"] for r in state.requests),
              f"{name}: unknown operations {[r['path'] for r in state.requests if not r['operation']]}")
        check(f"{len(expected)} certificate(s) registered, 0 already" in first.stdout,
              f"{name}: summary line: {first.stdout[-300:]}")

        if rerun:
            before = len(state.requests)
            snapshot = json.dumps([state.certificates, state.things, state.thing_types],
                                  sort_keys=True)
            # The endpoint as an extra argument this time (passed through to every call).
            second = run([str(script), "--endpoint-url", url], env)
            check(second.returncode == 0, f"{name}: second run failed")
            again = [r["operation"] for r in state.requests[before:]]
            for op in ("RegisterCertificateWithoutCA", "CreateThing", "AttachThingPrincipal",
                       "CreateThingType"):
                check(op not in again, f"{name}: the second run called {op}")
            check(json.dumps([state.certificates, state.things, state.thing_types],
                             sort_keys=True) == snapshot, f"{name}: the second run changed state")
            check(f"0 certificate(s) registered, {len(expected)} already registered, 0 Thing"
                  in second.stdout, f"{name}: second summary: {second.stdout[-300:]}")
        print(f"{name}: {len(expected)} verified certificates registered"
              f"{', nothing on the second run' if rerun else ''} "
              f"({len(state.requests)} requests recorded)")
    finally:
        server.shutdown()


def bulk(cli, fixtures, env, work):
    out = work / "mixed-aws-bulk"
    entry = export(cli, fixtures, "mixed", "aws-bulk", out)
    ca_pem = (fixtures / "pki/ecc_ca.pem").read_text()
    server, state, url = aws_iot_endpoint.start()
    try:
        env = dict(env, AWS_ENDPOINT_URL=url)
        for attempt in (1, 2):
            result = run([str(out / "register-ca.sh")], env)
            check(result.returncode == 0, f"register-ca.sh run {attempt} failed")
        cas = state.operations("RegisterCACertificate")
        check(len(cas) == 1, f"register-ca.sh registered {len(cas)} CAs over two runs, not 1")
        if cas:
            check(cas[0]["body"].get("certificateMode") == "SNI_ONLY", "CA not in SNI_ONLY mode")
            check("verificationCertificate" not in cas[0]["body"], "a verification certificate")
            check(cas[0]["query"].get("setAsActive") == "true", "CA not set active")
            check(aws_iot_endpoint.certificate_id(cas[0]["body"]["caCertificate"]) ==
                  der_sha256(ca_pem), "the registered CA is not the test PKI's CA 306")

        role = "arn:aws:iam::123456789012:role/IoTThingsRegistration"
        result = run([str(out / "start-registration-task.sh"), "reel-bucket",
                      "reels/mixed/bulk-parameters.jsonl", role], env)
        check(result.returncode == 0, "start-registration-task.sh failed")
        check(len(state.tasks) == 1, f"{len(state.tasks)} registration tasks started")
        if state.tasks:
            task = state.tasks[0]
            template = (out / "bulk-template.json").read_text()
            check(task["templateBody"] == template, "templateBody is not bulk-template.json")
            check(len(task["templateBody"]) <= 10240, "templateBody over 10,240 characters")
            check((task["inputFileBucket"], task["inputFileKey"], task["roleArn"]) ==
                  ("reel-bucket", "reels/mixed/bulk-parameters.jsonl", role), f"task {task}")
        types = state.operations("CreateThingType")
        check(len(types) == 1 and types[0]["body"]["thingTypeProperties"]["searchableAttributes"]
              == ["reel_id", "batch", "slot"], "thing type not created as expected")
        lines = (out / "bulk-parameters.jsonl").read_text().splitlines()
        verified = sorted(c for c, v in entry["expected"]["chips"].items() if v["status"] == "ok")
        check(sorted(json.loads(line)["ThingName"] for line in lines) == verified,
              "bulk-parameters.jsonl does not list exactly the verified chips")
        print(f"aws-bulk: CA registered once in SNI_ONLY mode, registration task started "
              f"({len(lines)} chips in the parameters file)")
    finally:
        server.shutdown()


def main():
    cli, fixtures = sys.argv[1], Path(sys.argv[2])
    if not os.access(AWS, os.X_OK):
        print(f"{AWS} is missing: install Debian's awscli (scripts/bootstrap.sh does)")
        return 1
    with tempfile.TemporaryDirectory(prefix="reelcheck-aws-") as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work / "home"),
               "AWS_CLI": AWS, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
               "AWS_SECRET_ACCESS_KEY": "not-a-secret", "AWS_DEFAULT_REGION": "eu-central-1",
               "AWS_CONFIG_FILE": str(work / "home/none"),
               "AWS_SHARED_CREDENTIALS_FILE": str(work / "home/none"),
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "LC_ALL": "C.UTF-8"}
        # Each AWS CLI call is a Python start (about 1 s of CPU, five calls per chip on a first
        # run): the runs go side by side, and the one-at-a-time script runs on a reel of 3
        # verified chips beside 2 failed ones, then a second time. Which chips a script holds, for
        # every kind of failure, is export_test.cpp's (the files), which costs no client start.
        runs = [threading.Thread(target=one_at_a_time,
                                 args=(cli, fixtures, "aws_small", env, work), kwargs={"rerun": True}),
                threading.Thread(target=bulk, args=(cli, fixtures, env, work))]
        for t in runs:
            t.start()
        for t in runs:
            t.join()
    print("aws clients: all checks passed" if not failures else
          f"aws clients: {len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
