#!/usr/bin/env python3
"""Makes the seed corpora of the fuzz targets from the test fixtures (build/fixtures).

    make_seeds.py --fixtures build/fixtures --out build/fuzz/seeds --verdict-tool PATH \
        [--reelcheck CLI]

Nothing here is committed: every seed comes from the fixture generator's real 7zz/openssl
output, or from 7zz run here on small text (the password seeds must use the key the
fuzz_seven_zip_password target holds). The report reader's seeds are reports the CLI writes of
the fixture bundles (--reelcheck: the sanitizer build's own CLI, or a release build's for the
fuzz build, which has none); without a CLI only a small report made here is a seed. Seeds larger than --max-size are skipped (libFuzzer's
-max_len would cut them anyway, and small seeds mutate faster).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

FUZZ_TRANSPORT_KEY = "Fuzz-Transport-Key-2026"  # = kFuzzTransportKey in fuzz_seven_zip_password.cpp
SPLIT = b"\n#####\n"  # = kSplit in fuzz_certificate.cpp
TARGETS = ("seven_zip", "seven_zip_password", "zip", "key_file", "certificate", "verdict_wire",
           "certificate_wire", "bundle", "keys_archive", "station_certificate", "seen_list",
           "report_digest")

KEY_LINES = (
    "chipID,PBS\n"
    "0A1B2C3D4E5F00120034," + "11" * 64 + "\n"
    "0a1b2c3d4e5f00120035;" + "aB" * 64 + "\r\n"
    "0A1B2C3D4E5F00120036\t" + "0F" * 63 + "\n"
)


def sevenzip(*args: str, cwd: Path) -> None:
    subprocess.run(["7zz", *args, "-bd", "-bso0", "-bsp0", "-y"], cwd=cwd, check=True)


def put(out: Path, target: str, name: str, data: bytes, max_size: int) -> None:
    if len(data) <= max_size:
        (out / target / name).write_bytes(data)


def cheap_key_copy(archive: bytes, cycles: int = 4) -> bytes | None:
    """The same one-folder 7z (plain header), re-encrypted under a 2^cycles-round key instead of
    7-Zip's 2^19: the password target then runs hundreds of times faster on it, and mutations
    still reach AES, LZMA and the CRCs behind a correct key. None if it cannot be done here."""
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        return None
    import struct
    import zlib

    def key(rounds_power: int) -> bytes:
        unit = FUZZ_TRANSPORT_KEY.encode("utf-16-le")
        h = hashlib.sha256()
        for i in range(1 << rounds_power):
            h.update(unit + struct.pack("<Q", i))
        return h.digest()

    a = bytearray(archive)
    offset, size = struct.unpack_from("<QQ", a, 12)
    header = bytes(a[32 + offset:32 + offset + size])
    at = header.find(bytes([0x06, 0xF1, 0x07, 0x01]))
    if at < 0 or header.count(bytes([0x06, 0xF1, 0x07, 0x01])) != 1 or header[0] != 0x01:
        return None  # not a plain header with exactly one AES coder
    props = 32 + offset + at + 5
    if a[props - 1] != 18 or a[props] & 0x3F != 19:
        return None
    iv = bytes(a[props + 2:props + 18])
    packed = bytes(a[32:32 + offset])  # one folder: the whole pack area
    plain = Cipher(algorithms.AES(key(19)), modes.CBC(iv)).decryptor().update(packed)
    a[32:32 + offset] = Cipher(algorithms.AES(key(cycles)), modes.CBC(iv)).encryptor().update(plain)
    a[props] = (a[props] & 0xC0) | cycles
    struct.pack_into("<I", a, 28, zlib.crc32(a[32 + offset:32 + offset + size]))
    struct.pack_into("<I", a, 8, zlib.crc32(a[12:32]))
    return bytes(a)


def cheap_key_copy_mhe(archive: bytes, cycles: int = 4) -> bytes | None:
    """cheap_key_copy for a one-folder 7z with encrypted headers (-mhe=on), as 7zz writes it: an
    encoded header of one AES + LZMA folder packed after the data. The header is decrypted and
    unpacked, its AES coder re-keyed, packed again (Python's LZMA, same properties, with an end
    mark, which 7z readers accept) and encrypted under the cheap key, like the data. None if the
    archive is not of that exact shape."""
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        return None
    import lzma
    import struct
    import zlib

    def key(rounds_power: int) -> bytes:
        unit = FUZZ_TRANSPORT_KEY.encode("utf-16-le")
        h = hashlib.sha256()
        for i in range(1 << rounds_power):
            h.update(unit + struct.pack("<Q", i))
        return h.digest()

    def number(value: int) -> bytes:  # 7z numbers below 2^14 are all this needs
        if value >= 0x4000:
            raise ValueError("number too large for a seed")
        return bytes([value]) if value < 0x80 else bytes([0x80 | value >> 8, value & 0xFF])

    def read_number(b: bytes, at: int) -> tuple[int, int]:
        if b[at] < 0x80:
            return b[at], at + 1
        if b[at] < 0xC0:
            return (b[at] & 0x3F) << 8 | b[at + 1], at + 2
        raise ValueError("number too large for a seed")

    def aes(k: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
        c = Cipher(algorithms.AES(k), modes.CBC(iv))
        return (c.encryptor() if encrypt else c.decryptor()).update(data)

    try:
        a = bytes(archive)
        offset, size = struct.unpack_from("<QQ", a, 12)
        e = a[32 + offset:32 + offset + size]
        if e[:2] != b"\x17\x06":
            return None
        pack_pos, at = read_number(e, 2)
        if e[at:at + 2] != b"\x01\x09":
            return None
        pack_size, at = read_number(e, at + 2)
        # kEnd, kUnpackInfo, kFolder, 1 folder, not external, 2 coders: AES (18 bytes of
        # properties: cycles, IV size, IV) then LZMA (5), bound AES -> LZMA.
        head = b"\x00\x07\x0b\x01\x00\x02\x24\x06\xf1\x07\x01\x12"
        if e[at:at + len(head)] != head or e[at + 12] & 0x3F != 19 or e[at + 13] != 0x0F:
            return None
        aes_props = e[at + 12:at + 30]
        lzma_part = e[at + 30:at + 35]  # 23 03 01 01 05: LZMA with 5 bytes of properties
        if lzma_part[:5] != b"\x23\x03\x01\x01\x05" or e[at + 40:at + 43] != b"\x01\x00\x0c":
            return None
        lzma_props = e[at + 35:at + 40]
        aes_out, at2 = read_number(e, at + 43)
        header_size, at2 = read_number(e, at2)
        if e[at2:at2 + 2] != b"\x0a\x01" or e[at2 + 6:] != b"\x00\x00" or pack_pos + 32 > offset + 32:
            return None
        slow, cheap = key(19), key(cycles)
        packed = aes(slow, aes_props[2:], a[32 + pack_pos:32 + pack_pos + pack_size], False)[:aes_out]
        lc_lp_pb, dictionary = lzma_props[0], struct.unpack("<I", lzma_props[1:])[0]
        filters = [{"id": lzma.FILTER_LZMA1, "lc": lc_lp_pb % 9, "lp": lc_lp_pb // 9 % 5,
                    "pb": lc_lp_pb // 45, "dict_size": dictionary}]
        header = bytearray(lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
                           .decompress(packed, max_length=header_size))
        if len(header) != header_size or header.count(b"\x06\xf1\x07\x01") != 1:
            return None
        props = header.find(b"\x06\xf1\x07\x01") + 5
        if header[props - 1] != 18 or header[props] & 0x3F != 19:
            return None
        iv = bytes(header[props + 2:props + 18])
        data = aes(cheap, iv, aes(slow, iv, a[32:32 + pack_pos], False), True)  # one folder
        header[props] = (header[props] & 0xC0) | cycles
        repacked = lzma.compress(bytes(header), format=lzma.FORMAT_RAW, filters=filters)
        padded = repacked + bytes(-len(repacked) % 16)
        new_pack = aes(cheap, aes_props[2:], padded, True)
        new_props = bytes([(aes_props[0] & 0xC0) | cycles]) + aes_props[1:]
        e2 = (b"\x17\x06" + number(pack_pos) + b"\x01\x09" + number(len(new_pack)) +
              head + new_props + lzma_part + lzma_props + b"\x01\x00\x0c" +
              number(len(repacked)) + number(header_size) + b"\x0a\x01" +
              struct.pack("<I", zlib.crc32(header)) + b"\x00\x00")
    except (ValueError, IndexError, lzma.LZMAError, struct.error):
        return None
    out = bytearray(a[:32]) + data + new_pack + e2
    struct.pack_into("<QQI", out, 12, pack_pos + len(new_pack), len(e2), zlib.crc32(e2))
    struct.pack_into("<I", out, 8, zlib.crc32(out[12:32]))
    return bytes(out)


def small_archives(out: Path, work: Path, max_size: int) -> None:
    """7z and zip archives of key-file-like text, one per method the readers support."""
    src = work / "src"
    (src / "keys").mkdir(parents=True)
    (src / "keys" / "PBS_keys.txt").write_text(KEY_LINES)
    (src / "keys" / "auto_keys.txt").write_text(KEY_LINES.replace("PBS", "AUTH"))
    (src / "keys" / "empty.txt").write_text("")
    plain = [("lzma2", ["-m0=LZMA2"]), ("lzma", ["-m0=LZMA"]), ("copy", ["-m0=Copy"]),
             ("bcj", ["-mf=BCJ", "-m0=LZMA"]), ("delta", ["-m0=Delta:4", "-m1=LZMA"]),
             ("nonsolid", ["-ms=off"]), ("plainheader", ["-mhc=off"])]
    for name, switches in plain:
        a = work / f"{name}.7z"
        sevenzip("a", "-t7z", *switches, str(a), "keys", cwd=src)
        put(out, "seven_zip", f"made_{name}.7z", a.read_bytes(), max_size)
    secret = [("mhe", ["-mhe=on"]), ("nomhe", ["-mhe=off"]), ("copy", ["-mhe=on", "-m0=Copy"]),
              ("lzma", ["-m0=LZMA", "-mhe=on"]), ("nonsolid", ["-ms=off", "-mhe=on"])]
    for name, switches in secret:
        a = work / f"secret_{name}.7z"
        sevenzip("a", "-t7z", f"-p{FUZZ_TRANSPORT_KEY}", *switches, str(a), "keys", cwd=src)
        put(out, "seven_zip_password", f"made_{name}.7z", a.read_bytes(), max_size)
        put(out, "seven_zip", f"made_secret_{name}.7z", a.read_bytes(), max_size)
    for name, switches in [("lzma2", ["-m0=LZMA2"]), ("copy", ["-m0=Copy"]), ("bcj", ["-mf=BCJ"])]:
        a = work / f"cheap_{name}.7z"
        sevenzip("a", "-t7z", f"-p{FUZZ_TRANSPORT_KEY}", "-mhe=off", "-mhc=off", *switches,
                 str(a), "keys/PBS_keys.txt", cwd=src)
        cheap = cheap_key_copy(a.read_bytes())
        if cheap is not None:
            put(out, "seven_zip_password", f"cheap_key_{name}.7z", cheap, max_size)
    for name, switches in [("deflate", ["-mm=Deflate"]), ("store", ["-mm=Copy"])]:
        a = work / f"{name}.zip"
        sevenzip("a", "-tzip", *switches, str(a), "keys", cwd=src)
        put(out, "zip", f"made_{name}.zip", a.read_bytes(), max_size)


def keys_archives(out: Path, work: Path, max_size: int) -> None:
    """Keys archives for fuzz_keys_archive ("<key>\\n<archive>"), each kind the keys rules tell
    apart, made by 7zz: encrypted with and without encrypted headers (-mhe), unencrypted, a
    plaintext key file added beside an encrypted pair (7-Zip adds it without the password), a
    second encrypted pair. The encrypted ones are re-keyed under 2^4 rounds (cheap_key_copy*):
    the target derives the key up to three times per input that opens, and at 7-Zip's 2^19 that
    is seconds under ASan, for every mutation that keeps the header intact. The bundle and
    seven_zip_password targets keep 2^19-round archives among their seeds."""
    src = work / "keysrc"
    for d in ("keys", "a", "b"):
        (src / d).mkdir(parents=True)
        (src / d / "PBS_keys.txt").write_text(KEY_LINES)
        (src / d / "auto_keys.txt").write_text(KEY_LINES.replace("PBS", "AUTH"))
    (src / "keys" / "readme.txt").write_text("not a key file\n")
    password = f"-p{FUZZ_TRANSPORT_KEY}"
    line = FUZZ_TRANSPORT_KEY.encode() + b"\n"

    def make(name: str, switches: list[str], files: list[str]) -> bytes:
        a = work / f"keys_{name}.7z"
        sevenzip("a", "-t7z", *switches, str(a), *files, cwd=src)
        return a.read_bytes()

    def keep(name: str, data: bytes | None) -> None:
        if data is not None:
            put(out, "keys_archive", f"{name}.seed", line + data, max_size)

    pair = ["keys/PBS_keys.txt", "keys/auto_keys.txt"]
    second = ["b/PBS_keys.txt", "b/auto_keys.txt"]
    plain = ["-mhc=off", "-mhe=off"]  # cheap_key_copy needs a plain header
    keep("unencrypted", make("plain", plain, pair))
    keep("encrypted_mhe", cheap_key_copy_mhe(make("mhe", [password, "-mhe=on"], pair)))
    keep("encrypted", cheap_key_copy(make("nomhe", [password, *plain], [*pair, "keys/readme.txt"])))
    keep("second_pair", cheap_key_copy(make("second", [password, *plain], [*pair, *second])))
    cheap = cheap_key_copy(make("pair", [password, *plain], pair))
    if cheap is not None:  # the plaintext file is added to the re-keyed archive, as 7-Zip would
        mixed = work / "keys_mixed.7z"
        mixed.write_bytes(cheap)
        sevenzip("a", "-t7z", "-mhc=off", str(mixed), "a/PBS_keys.txt", cwd=src)
        keep("mixed", mixed.read_bytes())

def fixture_seeds(fixtures: Path, out: Path, work: Path, verdict_tool: Path, max_size: int) -> None:
    manifest = json.loads((fixtures / "manifest.json").read_text())
    bundles = fixtures / "bundles"
    for path in sorted(bundles.glob("*.7z")) + sorted((bundles / "clean_loose").glob("*.7z")):
        put(out, "seven_zip", "fixture_" + path.name, path.read_bytes(), max_size)
    for path in sorted(bundles.glob("*.zip")):
        put(out, "zip", "fixture_" + path.name, path.read_bytes(), max_size)

    # Whole bundles with their keys and names; inner archives of the clean bundle on their own.
    for entry, info in manifest["bundles"].items():
        key = (fixtures / info["key_file"]).read_bytes() if info.get("key_file") else b""
        if len(info["files"]) != 1:
            continue
        path = fixtures / info["files"][0]
        put(out, "bundle", f"{entry}.seed", key + b"\n" + path.name.encode() + b"\n" +
            path.read_bytes(), max_size)
    loose_key = (fixtures / manifest["bundles"]["clean_loose"]["key_file"]).read_text()
    for path in sorted((bundles / "clean_loose").glob("*.7z")):
        put(out, "bundle", "loose_" + path.name + ".seed",
            loose_key.encode() + b"\n" + path.name.encode() + b"\n" + path.read_bytes(), max_size)
        if path.name.endswith("_keys.7z"):
            put(out, "seven_zip_password", "fixture_" + path.name, path.read_bytes(), max_size)

    # Key files: decrypted from the keys archives of bundles with interesting key lines.
    for entry in ("clean_7z", "quirky_keys", "bad_key_lines"):
        info = manifest["bundles"][entry]
        outer = fixtures / info["files"][0]
        key = (fixtures / info["key_file"]).read_text()
        dest = work / "keys" / entry
        dest.mkdir(parents=True)
        sevenzip("x", str(outer), f"-o{dest}", cwd=work)
        for inner in dest.glob("*_keys.7z"):
            sevenzip("x", f"-p{key}", str(inner), f"-o{dest / 'plain'}", cwd=work)
        for text in sorted((dest / "plain").rglob("*.txt")):
            put(out, "key_file", f"{entry}_{text.name}", text.read_bytes(), max_size)
    put(out, "key_file", "made.txt", KEY_LINES.encode(), max_size)

    # Certificates: each PKI certificate alone, and trust file + device certificate pairs.
    pki = fixtures / "pki"
    trust = (pki / "trust.pem").read_bytes()
    for pem in sorted(pki.glob("*.pem")):
        put(out, "certificate", "pki_" + pem.name, pem.read_bytes(), max_size)
    mixed = sorted((bundles / "mixed_certs").glob("*.pem"))
    for pem in mixed[:15]:
        put(out, "certificate", "pair_" + pem.name, trust + SPLIT + pem.read_bytes(), max_size)
    evil = (pki / "evil_ecc_ca.pem").read_bytes()
    if mixed:
        put(out, "certificate", "evil_pair.pem", evil + SPLIT + mixed[0].read_bytes(), max_size)

    subprocess.run([str(verdict_tool), str(pki / "trust.pem"), str(out / "verdict_wire"),
                    str(out / "certificate_wire"), *map(str, mixed[:24])], check=True)


def der_of_pem(pem: bytes) -> bytes:
    body = pem.split(b"-----BEGIN CERTIFICATE-----")[1].split(b"-----END CERTIFICATE-----")[0]
    return base64.b64decode(b"".join(body.split()))


def tls_identity(der: bytes, list_extra: int = 0, total_extra: int = 0) -> bytes:
    """The data object as the chip holds it: 0xC0, 2-byte length, 3-byte certificate list length,
    3-byte certificate length, the DER (lookup.hpp). The extras make the lengths disagree."""
    n = len(der)
    return (bytes([0xC0]) + (n + 6 + total_extra).to_bytes(2, "big") +
            (n + 3 + list_extra).to_bytes(3, "big") + n.to_bytes(3, "big") + der)


def station_certificate_seeds(fixtures: Path, out: Path, max_size: int) -> None:
    """Real device certificates as a station reads them (fuzz_station_certificate reads every
    input as text and as raw bytes): hex, base64, with and without the TLS identity header, and
    the lengths a truncated or padded read gets wrong."""
    certs = sorted((fixtures / "bundles" / "mixed_certs").glob("*.pem"))
    picked = [c for c in certs if c.name.endswith(("_E0E0.pem", "_E0E2.pem"))][:2]  # ECC, RSA
    for pem in picked:
        der = der_of_pem(pem.read_bytes())
        stem = pem.stem
        ident = tls_identity(der)
        forms = {
            "der.bin": der, "identity.bin": ident,
            "der.hex": der.hex().encode(), "der_upper.hex": b"0X" + der.hex().upper().encode(),
            "identity.hex": b"0x" + ident.hex().encode() + b"\r\n",
            "der.b64": base64.b64encode(der), "identity.b64": b" " + base64.b64encode(ident) + b"\n",
            # Broken: cut off, one byte too many, header lengths off by one, a BER length.
            "cut.hex": der[:-1].hex().encode(), "padded.b64": base64.b64encode(der + b"\0"),
            "identity_list.hex": tls_identity(der, list_extra=1).hex().encode(),
            "identity_total.b64": base64.b64encode(tls_identity(der, total_extra=-1)),
            "identity_cut.hex": ident[:-3].hex().encode(), "header_only.hex": ident[:9].hex().encode(),
            "ber_length.hex": (bytes([0x30, 0x83, 0]) + der[2:]).hex().encode()
            if der[1] == 0x82 else b"3080",
        }
        for name, data in forms.items():
            put(out, "station_certificate", f"{stem}_{name}", data, max_size)
    # The size limit (4,096 bytes, in any spelling): a SEQUENCE of real certificate bytes just
    # within it and one byte over, in base64, which can spell more bytes than hex in as much text.
    der = der_of_pem(picked[-1].read_bytes())
    for total, name in ((4096, "largest.b64"), (4097, "too_large.b64")):
        body = (der * (total // len(der) + 1))[:total - 4]
        big = bytes([0x30, 0x82]) + len(body).to_bytes(2, "big") + body
        put(out, "station_certificate", name, base64.b64encode(big), max_size)


def seen_list_seeds(fixtures: Path, out: Path, max_size: int) -> None:
    """Station lists of chip IDs and UIDs: the clean bundle's chips, in the spellings lookup
    takes, with comments, blank lines, a BOM, CRLF, repeats and malformed lines."""
    info = json.loads((fixtures / "manifest.json").read_text())["bundles"]["clean_7z"]
    ids = sorted(info["expected"]["chips"])
    uid = info["sample_uid"]["uid"]
    plain = "".join(i + "\n" for i in ids[:6])
    spelled = ("# shift 2, line 3\n\n" + ids[0].lower() + "\n0x" + ids[1] + "\n" +
               ":".join(ids[2][k:k + 2] for k in range(0, 20, 2)) + "\n  " + uid + "  \n" +
               " ".join(uid[k:k + 2] for k in range(0, 54, 2)) + "\n" + ids[0] + "\n" +
               "0A1B2C3D4E\nnot a chip\n" + ids[3] + "\t\n")
    seeds = {
        "plain.txt": plain.encode(),
        "spelled.txt": spelled.encode(),
        "bom_crlf.txt": b"\xef\xbb\xbf" + spelled.replace("\n", "\r\n").encode(),
        "no_final_newline.txt": (ids[4] + "\n# done\n" + ids[5]).encode(),
        "comments_only.txt": b"# nothing provisioned\n\n   \n#\n",
        "foreign.txt": ("1122334455AA00120034\n" + ids[0] + "\n1122334455aa00120034\n").encode(),
    }
    for name, data in seeds.items():
        put(out, "seen_list", name, data, max_size)


def small_report(report: dict, chips: int) -> dict:
    """A real report cut down to its first chips, the counts made to agree again."""
    r = dict(report)
    r["chips"] = report["chips"][:chips]
    r["unassigned_certificates"] = []
    r["findings"] = [f for f in report["findings"]
                     if f.get("chip_id") in {c["chip_id"] for c in r["chips"]}]
    certs = [c for chip in r["chips"] for c in chip["certificates"].values() if c is not None]
    r["counts"] = {"chips": len(r["chips"]),
                   **{s: sum(c["status"] == s for c in r["chips"]) for s in ("ok", "failed", "extra")},
                   "certificates": len(certs),
                   "certificates_ok": sum(c["verdict"] == "ok" for c in certs)}
    return r


def report_digest_seeds(fixtures: Path, out: Path, work: Path, cli: Path | None,
                        max_size: int) -> None:
    """Reports `reelcheck verify --json` writes of fixture bundles (good, failed and extra chips,
    certificates only), whole and cut down to a few chips."""
    manifest = json.loads((fixtures / "manifest.json").read_text())
    minimal = {"schema": "reelcheck-report", "schema_version": 1, "reel_id": "R1", "batch_id": "B1",
               "check_time": manifest["check_time"], "verdict": "failed",
               "counts": {"chips": 1, "ok": 0, "failed": 1, "extra": 0, "certificates": 1,
                          "certificates_ok": 0},
               "findings": [{"severity": "error", "code": "x"}],
               "chips": [{"chip_id": "0A1B2C3D4E5F00120034", "status": "failed",
                          "certificates": {"E0E0": {"fingerprint_sha256": "",
                                                    "public_key_sha256": ""},
                                           "E0E1": None, "E0E2": None},
                          "pbs": {"present": True, "fingerprint": "6f5224d69eacb51b"},
                          "auth": {"present": False}}]}
    put(out, "report_digest", "made_minimal.json", json.dumps(minimal).encode(), max_size)
    if cli is None:
        return
    runs = [("clean", "clean_7z", []), ("mixed", "mixed", []), ("extra", "extra", []),
            ("quirky_keys", "quirky_keys", []), ("clean_certs_only", "clean_7z", ["--certs-only"])]
    for name, entry, extra in runs:
        info = manifest["bundles"][entry]
        report = work / f"report_{name}.json"
        key = [] if extra else ["--key-file", str(fixtures / info["key_file"])]
        subprocess.run([str(cli), "verify", str(fixtures / info["files"][0]), *key, *extra,
                        "--trust", str(fixtures / manifest["trust"]), "--no-default-trust",
                        "--at", manifest["check_time"], "--json", str(report), "--jobs", "1",
                        "-q"], check=False)  # a failed reel exits non-zero, its report is written
        data = report.read_bytes()
        put(out, "report_digest", f"{name}.json", data, max_size)
        cut = small_report(json.loads(data), 2)
        put(out, "report_digest", f"{name}_2_chips.json",
            json.dumps(cut, separators=(",", ":")).encode(), max_size)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--verdict-tool", type=Path, required=True)
    ap.add_argument("--reelcheck", type=Path, help="the CLI, for the report reader's seeds")
    ap.add_argument("--max-size", type=int, default=512 * 1024)
    args = ap.parse_args()
    args.fixtures, args.out = args.fixtures.resolve(), args.out.resolve()
    args.verdict_tool = args.verdict_tool.resolve()
    cli = args.reelcheck.resolve() if args.reelcheck and args.reelcheck.is_file() else None
    if not (args.fixtures / "manifest.json").exists():
        raise SystemExit(f"make_seeds: no fixtures in {args.fixtures} (run make_fixtures.sh)")
    stamp = args.out / ".stamp"
    # The fixtures, this script and the CLI the seeds were made with: new seeds are made anew.
    script = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    source = f"{(args.fixtures / 'manifest.json').stat().st_mtime_ns} {script} {cli}"
    if stamp.exists() and stamp.read_text() == source:
        return 0  # seeds of these fixtures are already there
    shutil.rmtree(args.out, ignore_errors=True)
    for t in TARGETS:
        (args.out / t).mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="reelcheck-seeds-") as tmp:
        work = Path(tmp)
        small_archives(args.out, work, args.max_size)
        keys_archives(args.out, work, args.max_size)
        fixture_seeds(args.fixtures, args.out, work, args.verdict_tool, args.max_size)
        station_certificate_seeds(args.fixtures, args.out, args.max_size)
        seen_list_seeds(args.fixtures, args.out, args.max_size)
        report_digest_seeds(args.fixtures, args.out, work, cli, args.max_size)
    stamp.write_text(source)
    for t in TARGETS:
        print(f"make_seeds: {t}: {len(list((args.out / t).iterdir()))} seeds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
