"""A recording stand-in for the AWS IoT control plane, for the export tests.

No IoT emulator can be installed here (moto is on PyPI, which these machines do not reach), so
the tests point the real AWS CLI (--endpoint-url) at this server on 127.0.0.1. It answers the
operations the exported scripts call with the response shapes of the IoT API reference (REST-JSON:
the error type in the x-amzn-ErrorType header and the body), keeps what was registered, and
records every request as it arrived (method, path, query, headers that matter, JSON body).

What it proves: the requests the real client sends for the generated scripts, their order and
idempotency. What it cannot: AWS's own checks (signatures, quotas, what AWS does with a CA in
SNI_ONLY mode); only a real account shows those.
"""
import base64
import hashlib
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

ACCOUNT = "123456789012"
REGION = "eu-central-1"


def certificate_id(pem: str) -> str:
    """AWS IoT's certificate ID: the SHA-256 of the certificate's DER, lowercase hex."""
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    if not body:
        raise ValueError("not a PEM certificate")
    der = base64.b64decode("".join(body.group(1).split()), validate=True)
    return hashlib.sha256(der).hexdigest()


class IotState:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []          # every request, in arrival order
        self.certificates = {}      # id -> {"pem", "arn", "status", "mode"}
        self.ca_certificates = {}   # id -> {"pem", "arn", "mode", "active"}
        self.things = {}            # name -> {"type", "attributes", "principals": [...]}
        self.thing_types = {}       # name -> properties
        self.tasks = []             # StartThingRegistrationTask bodies

    def operations(self, name):
        return [r for r in self.requests if r["operation"] == name]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: IotState = None  # set by start()

    def log_message(self, fmt, *args):  # quiet: the test prints what it needs
        pass

    # -- plumbing
    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", body["__type"])
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, kind, message, **extra):
        self._reply(status, {"__type": kind, "message": message, **extra})

    def _handle(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return self._error(400, "InvalidRequestException", "body is not JSON")
        path = unquote(url.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        record = {"method": method, "path": path, "query": query, "body": body,
                  "principal": self.headers.get("x-amzn-principal"),
                  "signed": self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"),
                  "operation": None}
        with self.state.lock:
            self.state.requests.append(record)
            for pattern, verb, operation in ROUTES:
                m = re.fullmatch(pattern, path)
                if m and verb == method:
                    record["operation"] = operation.__name__
                    return operation(self, query, body, *m.groups())
        return self._error(404, "UnknownOperationException", f"{method} {path}")

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    # -- operations (names as in the API reference)
    def RegisterCertificateWithoutCA(self, query, body):
        pem = body.get("certificatePem", "")
        try:
            cid = certificate_id(pem)
        except (ValueError, base64.binascii.Error):
            return self._error(400, "CertificateValidationException", "not a certificate")
        arn = f"arn:aws:iot:{REGION}:{ACCOUNT}:cert/{cid}"
        if cid in self.state.certificates:
            return self._error(409, "ResourceAlreadyExistsException",
                               "The certificate is already provisioned or registered",
                               resourceId=cid, resourceArn=arn)
        self.state.certificates[cid] = {"pem": pem, "arn": arn,
                                        "status": body.get("status", "INACTIVE"),
                                        "mode": "SNI_ONLY"}
        self._reply(200, {"certificateArn": arn, "certificateId": cid})

    def DescribeCertificate(self, query, body, cid):
        cert = self.state.certificates.get(cid)
        if cert is None:
            return self._error(404, "ResourceNotFoundException",
                               f"The certificate {cid} does not exist")
        self._reply(200, {"certificateDescription": {
            "certificateArn": cert["arn"], "certificateId": cid, "status": cert["status"],
            "certificatePem": cert["pem"], "ownedBy": ACCOUNT, "creationDate": 1767225600.0,
            "certificateMode": cert["mode"]}})

    def DescribeThingType(self, query, body, name):
        if name not in self.state.thing_types:
            return self._error(404, "ResourceNotFoundException", f"Thing type {name} not found")
        self._reply(200, {"thingTypeName": name, "thingTypeId": name + "-id",
                          "thingTypeArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thingtype/{name}",
                          "thingTypeProperties": self.state.thing_types[name]})

    def CreateThingType(self, query, body, name):
        if name in self.state.thing_types:
            return self._error(409, "ResourceAlreadyExistsException", f"{name} exists")
        self.state.thing_types[name] = body.get("thingTypeProperties", {})
        self._reply(200, {"thingTypeName": name, "thingTypeId": name + "-id",
                          "thingTypeArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thingtype/{name}"})

    def DescribeThing(self, query, body, name):
        thing = self.state.things.get(name)
        if thing is None:
            return self._error(404, "ResourceNotFoundException", f"Thing {name} not found")
        self._reply(200, {"thingName": name, "thingId": name + "-id",
                          "thingArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{name}",
                          "thingTypeName": thing["type"], "attributes": thing["attributes"],
                          "version": 1})

    def CreateThing(self, query, body, name):
        if name in self.state.things:
            return self._error(409, "ResourceAlreadyExistsException", f"Thing {name} exists")
        thing_type = body.get("thingTypeName")
        attributes = body.get("attributePayload", {}).get("attributes", {})
        if thing_type is not None and thing_type not in self.state.thing_types:
            return self._error(400, "InvalidRequestException", f"no thing type {thing_type}")
        if thing_type is None and len(attributes) > 3:  # AWS: 3 without a thing type
            return self._error(400, "InvalidRequestException", "too many attributes")
        self.state.things[name] = {"type": thing_type, "attributes": attributes,
                                   "principals": []}
        self._reply(200, {"thingName": name, "thingId": name + "-id",
                          "thingArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{name}"})

    def ListThingPrincipals(self, query, body, name):
        thing = self.state.things.get(name)
        if thing is None:
            return self._error(404, "ResourceNotFoundException", f"Thing {name} not found")
        self._reply(200, {"principals": list(thing["principals"])})

    def AttachThingPrincipal(self, query, body, name):
        thing = self.state.things.get(name)
        principal = self.headers.get("x-amzn-principal")
        if thing is None:
            return self._error(404, "ResourceNotFoundException", f"Thing {name} not found")
        known = {c["arn"] for c in self.state.certificates.values()}
        if principal not in known:
            return self._error(404, "ResourceNotFoundException", f"{principal} not found")
        if principal not in thing["principals"]:
            thing["principals"].append(principal)
        self._reply(200, {})

    def DescribeCACertificate(self, query, body, cid):
        ca = self.state.ca_certificates.get(cid)
        if ca is None:
            return self._error(404, "ResourceNotFoundException",
                               f"The CA certificate {cid} does not exist")
        self._reply(200, {"certificateDescription": {
            "certificateArn": ca["arn"], "certificateId": cid,
            "status": "ACTIVE" if ca["active"] else "INACTIVE", "certificatePem": ca["pem"],
            "ownedBy": ACCOUNT, "certificateMode": ca["mode"]}})

    def RegisterCACertificate(self, query, body):
        pem = body.get("caCertificate", "")
        try:
            cid = certificate_id(pem)
        except (ValueError, base64.binascii.Error):
            return self._error(400, "CertificateValidationException", "not a certificate")
        mode = body.get("certificateMode", "DEFAULT")
        if mode == "DEFAULT" and not body.get("verificationCertificate"):
            return self._error(400, "InvalidRequestException",
                               "DEFAULT mode needs a verification certificate")
        if cid in self.state.ca_certificates:
            return self._error(409, "ResourceAlreadyExistsException", "CA already registered")
        arn = f"arn:aws:iot:{REGION}:{ACCOUNT}:cacert/{cid}"
        self.state.ca_certificates[cid] = {"pem": pem, "arn": arn, "mode": mode,
                                           "active": query.get("setAsActive") == "true"}
        self._reply(200, {"certificateArn": arn, "certificateId": cid})

    def StartThingRegistrationTask(self, query, body):
        missing = [k for k in ("templateBody", "inputFileBucket", "inputFileKey", "roleArn")
                   if k not in body]
        if missing:
            return self._error(400, "InvalidRequestException", f"missing {missing}")
        self.state.tasks.append(body)
        self._reply(200, {"taskId": str(uuid.uuid4())})


ROUTES = [
    (r"/certificate/register-no-ca", "POST", Handler.RegisterCertificateWithoutCA),
    (r"/certificates/([0-9a-f]{64})", "GET", Handler.DescribeCertificate),
    (r"/thing-types/([^/]+)", "GET", Handler.DescribeThingType),
    (r"/thing-types/([^/]+)", "POST", Handler.CreateThingType),
    (r"/things/([^/]+)", "GET", Handler.DescribeThing),
    (r"/things/([^/]+)", "POST", Handler.CreateThing),
    (r"/things/([^/]+)/principals", "GET", Handler.ListThingPrincipals),
    (r"/things/([^/]+)/principals", "PUT", Handler.AttachThingPrincipal),
    (r"/cacertificate/([0-9a-f]{64})", "GET", Handler.DescribeCACertificate),
    (r"/cacertificate", "POST", Handler.RegisterCACertificate),
    (r"/thing-registration-tasks", "POST", Handler.StartThingRegistrationTask),
]


def start():
    """Serves on 127.0.0.1 on a free port; returns (server, state, url)."""
    state = IotState()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, f"http://127.0.0.1:{server.server_address[1]}"
