#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""libcert's AWS test emulator: moto, plus AWS's real rules where moto is lenient.

One process, one port on 127.0.0.1, serving IAM (query API), STS, CloudFront and Route 53 (REST)
and ACM (JSON) the way moto's server does: the service is the SigV4 credential scope's service
name, or, for unsigned requests, the path (/2020-05-31/... CloudFront, /2013-04-01/... Route 53),
X-Amz-Target (CertificateManager.* ACM) or the query API's Version. The IAM server-certificate
actions, the CloudFront distribution actions and ACM's certificate actions are answered by this
package's own state (emu_iam.py, emu_cloudfront.py, emu_acm.py), Route 53's reads by
emu_route53.py on moto's Route 53 state; everything else goes to moto unchanged. On top sit a fault
injector, added latency, a request log and a JSON control API under /_emu/ (see README.md).

Usage: emulator.py --port 0 --port-file FILE [--auth [N]] [--quota N] [--latency-ms N]
                   [--deploy-delay S] [--consistency-delay S] [--fault JSON]...
                   [--tls-cert PEM --tls-key PEM]
"""

import argparse
import email.utils
import io
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

# moto's CloudFront (and other) calls fail with 500 without credentials in its environment, and
# botocore would otherwise probe the EC2 metadata service for them.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emu_common import (  # noqa: E402
    STATE_LOCK,
    AwsError,
    Response,
    error_for_service,
    iso_ms,
    parse_iso,
)

START = time.monotonic()

# Default error codes for status faults, per AWS's common errors (API references, "Common
# Errors": InternalFailure 500, ServiceUnavailable 503, Throttling 400).
FAULT_CODES = {
    400: ("Throttling", "Rate exceeded"),
    429: ("TooManyRequestsException", "Too Many Requests"),
    500: ("InternalFailure", "The request processing has failed because of an unknown error, exception or failure."),
    502: ("BadGateway", "Bad Gateway"),
    503: ("ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    504: ("GatewayTimeout", "Gateway Timeout"),
}
FAULT_KINDS = ("status", "reset", "stall", "truncate", "invalid", "after")
SERVICES = ("iam", "cloudfront", "sts", "route53", "acm", "*")


class FaultRule:
    _next_id = 1

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault rule is a JSON object")
        self.service = spec.get("service", "*")
        self.action = spec.get("action", "*")
        self.fault = spec.get("fault")
        if self.service not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        if self.fault not in FAULT_KINDS:
            raise ValueError(f"fault must be one of {', '.join(FAULT_KINDS)}")
        self.status = int(spec.get("status", 500))
        if not 400 <= self.status <= 599:
            raise ValueError("status must be 400-599")
        default_code, default_msg = FAULT_CODES.get(self.status, ("InternalFailure", "Injected fault"))
        self.code = spec.get("code", default_code)
        self.message = spec.get("message", default_msg)
        self.ms = int(spec.get("ms", 5000))
        self.then = spec.get("then", "reset" if self.fault == "after" else "close")
        if self.fault == "after" and self.then not in ("reset", "truncate", "status", "stall", "invalid"):
            raise ValueError("after: then must be reset, truncate, status, stall or invalid")
        if self.fault == "stall" and self.then not in ("close", "answer"):
            raise ValueError("stall: then must be close or answer")
        count = spec.get("count")
        self.count = None if count is None else int(count)
        self.skip = int(spec.get("skip", 0))
        # a substring of the request path (one distribution: "/distribution/E123/")
        self.path = spec.get("path")
        if self.path is not None and not isinstance(self.path, str):
            raise ValueError("path must be a string")
        # hold: a stall lasts until POST /_emu/release (ms is then only its upper bound), so a
        # test that acts while a request is held does not race the stall's clock
        self.hold = spec.get("hold", False)
        if not isinstance(self.hold, bool):
            raise ValueError("hold must be true or false")
        if self.hold and not (self.fault == "stall" or (self.fault == "after" and self.then == "stall")):
            raise ValueError("hold goes with a stall")
        self.released = threading.Event()
        self.id = FaultRule._next_id
        FaultRule._next_id += 1

    def stall(self):
        """Wait out the stall: ms, or with hold until released (ms at most)."""
        if self.hold:
            self.released.wait(self.ms / 1000.0)
        else:
            time.sleep(self.ms / 1000.0)

    def matches(self, service, action, path=""):
        return (self.service in ("*", service) and self.action in ("*", action)
                and (self.path is None or self.path in path))

    def to_json(self):
        d = {
            "id": self.id,
            "service": self.service,
            "action": self.action,
            "fault": self.fault,
            "count": self.count,
            "skip": self.skip,
        }
        if self.path is not None:
            d["path"] = self.path
        if self.fault == "status" or (self.fault == "after" and self.then == "status"):
            d.update(status=self.status, code=self.code, message=self.message)
        if self.fault == "stall" or (self.fault == "after" and self.then == "stall"):
            d["ms"] = self.ms
            if self.hold:
                d["hold"] = True
        if self.fault in ("after", "stall"):
            d["then"] = self.then
        return d


def invalid_answer(service, action):
    """A whole 200 answer (Content-Length right, connection kept) whose body is not well-formed
    XML (for ACM, JSON): the action's result element opened, a member opened, and the wrong end tag. Unlike
    `truncate`, nothing is short: the client has all of it and must still refuse it."""
    if service == "cloudfront":
        root = {"GetDistributionConfig": "DistributionConfig", "UpdateDistribution": "Distribution",
                "GetDistribution": "Distribution", "ListDistributions": "DistributionList"}.get(action, "Result")
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} '
                f'xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>E1<Id></{root}>')
    else:
        ns = "https://sts.amazonaws.com/doc/2011-06-15/" if service == "sts" else \
            "https://iam.amazonaws.com/doc/2010-05-08/"
        body = (f'<{action}Response xmlns="{ns}"><{action}Result><IsTruncated>false'
                f'</{action}Result></{action}Response>')
    content_type = "text/xml"
    if service == "acm":  # JSON protocol: an object left open, a string unterminated
        body = '{"CertificateSummaryList": [{"CertificateArn": "arn:aws:acm:us-east-1:1'
        content_type = "application/x-amz-json-1.1"
    headers = [("Content-Type", content_type), ("x-amzn-RequestId", "00000000-0000-0000-0000-00000000bad0")]
    if service == "cloudfront":
        headers.append(("ETag", "EINVALIDXML"))
    return Response(200, headers, body.encode())


class Request:
    """One HTTP request as read off the socket."""

    __slots__ = ("method", "target", "path", "query", "headers", "body", "client", "host")

    def __init__(self, method, target, headers, body, client, host):
        self.method = method
        self.target = target
        parts = urlsplit(target)
        self.path = parts.path or "/"
        self.query = parts.query
        self.headers = headers
        self.body = body
        self.client = client
        self.host = host


class Outcome:
    """What the connection layer must do: answer, or misbehave (a fault)."""

    __slots__ = ("response", "fault", "rule", "service", "action", "handled_status")

    def __init__(self, response=None, fault=None, rule=None, handled_status=None):
        self.response = response
        self.fault = fault
        self.rule = rule
        self.service = None
        self.action = None
        self.handled_status = handled_status  # what the handler answered, when it is not sent


_CRED_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")


class Emulator:
    def __init__(self, knobs, auth_count=None, tls=False):
        import emu_acm
        import emu_cloudfront
        import emu_iam
        import emu_route53

        self._acm_mod = emu_acm
        self._iam_mod = emu_iam
        self._cf_mod = emu_cloudfront
        self._r53_mod = emu_route53
        self.start_knobs = dict(knobs)
        self.knobs = dict(knobs)
        self.tls = tls
        self.port = 0
        self.iam_state = emu_iam.IamState(knobs["quota"])
        self.cf_state = emu_cloudfront.CloudFrontState()
        self.acm_state = emu_acm.AcmState()
        self.iam = emu_iam.IamHandlers(self.iam_state, self)
        self.cloudfront = emu_cloudfront.CloudFrontHandlers(self.cf_state, self)
        self.route53 = emu_route53.Route53Handlers(self)
        self.acm = emu_acm.AcmHandlers(self.acm_state, self)
        self.rules = []
        self.rules_lock = threading.Lock()
        self.held = []  # every rule with hold, taken or not, until released
        self.log = []
        self.log_lock = threading.Lock()
        self.seq = 0
        self._apps = {}
        self._apps_lock = threading.Lock()
        self._load_moto(auth_count)

    # -- moto -----------------------------------------------------------------------------------

    def _load_moto(self, auth_count):
        from moto import settings
        from moto.core.responses import ActionAuthenticatorMixin
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self._create_app = create_backend_app
        self.dispatcher = DomainDispatcherApplication(create_backend_app)
        for service in ("iam", "sts", "cloudfront", "route53"):
            self._app(service)
        # Warm the backends so the first real request is not the slow one.
        for service, body in (("iam", "Action=GetAccountSummary&Version=2010-05-08"),
                              ("sts", "Action=GetCallerIdentity&Version=2011-06-15")):
            req = Request("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"},
                          body.encode(), "127.0.0.1", "127.0.0.1")
            self.call_moto(req, service)
        # Authentication as moto does it: the first INITIAL_NO_AUTH_ACTION_COUNT actions run
        # unchecked (moto/core/authorization.py, ActionAuthenticatorMixin); --auth N sets N.
        if auth_count is not None:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = float(auth_count)
        ActionAuthenticatorMixin.request_count = 0
        self._auth_mixin = ActionAuthenticatorMixin
        self._settings = settings

    def _app(self, service):
        with self._apps_lock:
            app = self._apps.get(service)
            if app is None:
                app = self._create_app(service)
                self._apps[service] = app
            return app

    def environ(self, req):
        body = req.body
        env = {
            "REQUEST_METHOD": req.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(req.path).decode("latin-1"),
            "QUERY_STRING": req.query,
            "RAW_URI": req.target,
            "REQUEST_URI": req.target,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": req.client,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if self.tls else "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for k, v in req.headers.items():
            key = k.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                env["CONTENT_TYPE"] = v
            elif key in ("CONTENT_LENGTH", "TRANSFER_ENCODING", "CONNECTION"):
                continue
            else:
                hk = "HTTP_" + key
                env[hk] = env[hk] + "," + v if hk in env else v
        # moto writes a Host header into the (immutable) request headers when there is none.
        env.setdefault("HTTP_HOST", req.host)
        return env

    def call_moto(self, req, service):
        env = self.environ(req)
        app = self._app(service) if service in ("iam", "sts", "cloudfront", "route53") else self.dispatcher
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: chunks.append(data)

        chunks = []
        result = app(env, start_response)
        try:
            for c in result:
                chunks.append(c)
        finally:
            if hasattr(result, "close"):
                result.close()
        status = int(captured["status"].split()[0])
        headers = [(k, v) for k, v in captured["headers"]
                   if k.lower() not in ("content-length", "transfer-encoding", "connection")]
        return Response(status, headers, b"".join(chunks))

    # -- authentication -------------------------------------------------------------------------

    def check_auth(self, req, service, action):
        """Check a request the emulator answers itself exactly as moto checks its own: moto's
        ActionAuthenticatorMixin (the INITIAL_NO_AUTH_ACTION_COUNT counter) and moto's IAMRequest
        (SigV4 against the access keys moto's IAM knows, then the caller's IAM policies).
        Returns an error Response, or None to go on."""
        from werkzeug.datastructures import Headers
        from werkzeug.exceptions import HTTPException

        mixin = self._auth_mixin
        if mixin.request_count < self._settings.INITIAL_NO_AUTH_ACTION_COUNT:
            mixin.request_count += 1
            return None
        headers = Headers(list(req.headers.items()))
        if "Authorization" not in headers:
            # AWS common errors: MissingAuthenticationToken (403) for an unsigned request.
            err = AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
            return error_for_service(service, err)
        shim = _AuthShim(req, headers, action)
        try:
            shim._authenticate_and_authorize_normal_action()
        except HTTPException as e:
            # moto's code and message (SignatureDoesNotMatch 403, InvalidClientTokenId 403,
            # AccessDenied 403), in the service's own error shape: moto writes
            # <ErrorResponse><Errors><Error>, which botocore's rest-xml parser cannot read and
            # which is not what IAM or CloudFront send.
            err_type = getattr(e, "error_type", None) or "AccessDenied"
            return error_for_service(service, AwsError(err_type, getattr(e, "message", str(e)), e.code))
        return None

    # -- classification and dispatch ------------------------------------------------------------

    def classify(self, req):
        """(service, action, form). service is iam, sts, cloudfront, moto (moto-api and anything
        else moto serves) or control (/_emu/)."""
        if req.path.startswith("/_emu/") or req.path == "/_emu":
            return "control", None, {}
        if req.path.startswith("/moto-api"):
            return "moto", req.path, {}
        scope = None
        m = _CRED_RE.search(req.headers.get("Authorization") or "")
        if m is None:
            m = _CRED_RE.search("Credential=" + (parse_qs(req.query).get("X-Amz-Credential") or [""])[0])
        if m:
            scope = m.group(4).lower()
        target = req.headers.get("X-Amz-Target") or ""
        if scope is None and target.startswith("CertificateManager."):
            scope = "acm"  # an unsigned JSON-protocol request to ACM
        form = {}
        ctype = (req.headers.get("Content-Type") or "").lower()
        if req.method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        elif req.query and "Action=" in req.query:
            form = {k: v[0] for k, v in parse_qs(req.query, keep_blank_values=True).items()}
        action = form.get("Action")
        service = scope
        if service is None:
            if req.path.startswith("/2020-05-31/"):
                service = "cloudfront"
            elif req.path.startswith("/2013-04-01/"):
                service = "route53"
            elif form.get("Version") == "2010-05-08":
                service = "iam"
            elif form.get("Version") == "2011-06-15":
                service = "sts"
            else:
                service = "moto"
        if service == "cloudfront":
            action = self._cf_mod.operation_name(req.method, req.path, req.query)
        elif service == "route53":
            action = self._r53_mod.operation_name(req.method, req.path, req.query)
        elif service == "acm":
            # The JSON protocol: the action is X-Amz-Target's suffix (botocore model acm,
            # metadata.targetPrefix CertificateManager).
            action = target.partition(".")[2] or None
        return service, action, form

    @staticmethod
    def region_of(req):
        """The region a request was signed for (its SigV4 credential scope); us-east-1 unsigned."""
        m = _CRED_RE.search(req.headers.get("Authorization") or "")
        return m.group(3) if m else "us-east-1"

    def dispatch(self, req, service, action, form):
        if service == "iam" and action in self._iam_mod.HANDLED_ACTIONS:
            denied = self.check_auth(req, service, action)
            if denied is not None:
                return denied
            try:
                return self.iam.handle(action, form)
            except AwsError as e:
                return error_for_service("iam", e)
        if service == "acm" and action in self._acm_mod.HANDLED_ACTIONS:
            denied = self.check_auth(req, service, action)
            if denied is not None:
                return denied
            try:
                with STATE_LOCK:
                    return self.acm.handle(action, self.region_of(req), req.body)
            except AwsError as e:
                return error_for_service("acm", e)
        if service == "cloudfront" and action in (
            "CreateDistribution",
            "CreateDistributionWithTags",
            "GetDistribution",
            "GetDistributionConfig",
            "UpdateDistribution",
            "ListDistributions",
            "DeleteDistribution",
        ):
            denied = self.check_auth(req, service, action)
            if denied is not None:
                return denied
            try:
                return self.cloudfront.handle(
                    action, req.method, req.path, parse_qs(req.query, keep_blank_values=True), req.headers, req.body
                )
            except AwsError as e:
                return error_for_service("cloudfront", e)
        if service == "route53" and action in self._r53_mod.HANDLED_ACTIONS:
            denied = self.check_auth(req, service, action)
            if denied is not None:
                return denied
            try:
                return self.route53.handle(action, req.method, req.path, parse_qs(req.query, keep_blank_values=True))
            except AwsError as e:
                return error_for_service("route53", e)
        resp = self.call_moto(req, service)
        if service == "iam" and action == "GetAccountSummary" and resp.status == 200:
            resp.body = self._iam_mod.patch_account_summary(resp.body, self.iam_state)
        return resp

    # -- faults, latency, log -------------------------------------------------------------------

    def take_fault(self, service, action, path=""):
        with self.rules_lock:
            for rule in list(self.rules):
                if not rule.matches(service, action, path):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count <= 0:
                        self.rules.remove(rule)
                return rule
        return None

    def record(self, req, service, action, status, fault, started):
        with self.log_lock:
            self.seq += 1
            self.log.append(
                {
                    "seq": self.seq,
                    "time": time.time(),
                    "service": service,
                    "action": action,
                    "method": req.method,
                    "path": req.path,
                    "query": req.query,
                    "status": status,
                    "fault": fault,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            )

    def process(self, req):
        """Everything but the socket: returns an Outcome for the connection layer."""
        service, action, form = self.classify(req)
        out = self._process(req, service, action, form)
        out.service, out.action = service, action
        return out

    def _process(self, req, service, action, form):
        if service == "control":
            return Outcome(self.control(req))
        if service == "moto":
            return Outcome(self.call_moto(req, service))
        rule = self.take_fault(service, action, req.path)
        latency = self.knobs["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        if rule is not None and rule.fault != "after":
            if rule.fault == "status":
                return Outcome(error_for_service(service, AwsError(rule.code, rule.message, rule.status)),
                               "status", rule)
            if rule.fault == "stall" and rule.then == "answer":
                rule.stall()
                return Outcome(self.dispatch(req, service, action, form), "stall", rule)
            return Outcome(None, rule.fault, rule)
        resp = self.dispatch(req, service, action, form)
        if rule is not None:  # "after": the request reached the service, the answer is lost
            if rule.then == "status":
                return Outcome(error_for_service(service, AwsError(rule.code, rule.message, rule.status)),
                               "after", rule, handled_status=resp.status)
            return Outcome(resp, "after", rule)
        return Outcome(resp)

    # -- control API ----------------------------------------------------------------------------

    def _json(self, status, obj):
        return Response(status, [("Content-Type", "application/json")], json.dumps(obj, indent=1) + "\n")

    def set_knobs(self, obj):
        if "cert_clock" in obj:
            val = obj["cert_clock"]
            if val not in (None, ""):
                parse_iso(val)  # ValueError when it is not ISO 8601
            self.knobs["cert_clock"] = val or None
        for key in ("latency_ms", "quota", "deploy_delay", "consistency_delay", "r53_page_max"):
            if key in obj:
                val = obj[key]
                if not isinstance(val, (int, float)) or isinstance(val, bool) or val < 0:
                    raise ValueError(f"{key} must be a number >= 0")
                self.knobs[key] = int(val) if key in ("quota", "r53_page_max") else val
        unknown = set(obj) - {"latency_ms", "quota", "deploy_delay", "consistency_delay", "cert_clock",
                              "r53_page_max"}
        if unknown:
            raise ValueError("unknown knob(s): " + ", ".join(sorted(unknown)))
        with STATE_LOCK:
            self.iam_state.quota = self.knobs["quota"]

    def add_faults(self, obj):
        specs = obj.get("rules", [obj]) if isinstance(obj, dict) else obj
        rules = [FaultRule(s) for s in specs]
        with self.rules_lock:
            self.rules.extend(rules)
            self.held.extend(r for r in rules if r.hold)
        return rules

    def release(self):
        """End every held stall (taken or still waiting for its request); how many."""
        with self.rules_lock:
            held, self.held = self.held, []
        for rule in held:
            rule.released.set()
        return len(held)

    def reset_all(self):
        from moto.moto_api._internal.models import moto_api_backend

        with STATE_LOCK:
            self.iam_state.reset()
            self.cf_state.reset()
            self.route53.reset()
            self.acm_state.reset()
            self.knobs = dict(self.start_knobs)
            self.iam_state.quota = self.knobs["quota"]
        with self.rules_lock:
            self.rules = []
        self.release()
        with self.log_lock:
            self.log = []
        moto_api_backend.reset()

    def set_upload_date(self, obj):
        """Back-date (or move) one server certificate's UploadDate, so that tests of age rules
        (certprune --unused --min-age) need not wait days. IAM API Reference,
        ServerCertificateMetadata: UploadDate is "the date when the server certificate was
        uploaded"; nothing else about the certificate changes."""
        name, when = obj.get("ServerCertificateName"), obj.get("UploadDate")
        if not isinstance(name, str) or not isinstance(when, str):
            raise ValueError("give ServerCertificateName and UploadDate (ISO 8601 with a zone)")
        dt = parse_iso(when)
        with STATE_LOCK:
            c = self.iam_state.find(name)
            if c is None:
                return self._json(404, {"error": f"no server certificate named {name}"})
            c.upload_date = dt
        return self._json(200, {"ServerCertificateName": c.name, "UploadDate": iso_ms(dt)})

    def set_acm_in_use(self, obj):
        """Say that resources other than the emulator's distributions (an ALB listener, an API
        Gateway domain) use an ACM certificate: they join its InUseBy (ACM API Reference,
        CertificateDetail.InUseBy) and DeleteCertificate refuses it. {"CertificateArn",
        "InUseBy": [ARN, ...]} ([] forgets them)."""
        arn, users = obj.get("CertificateArn"), obj.get("InUseBy")
        if not isinstance(arn, str) or not isinstance(users, list) or \
                not all(isinstance(u, str) for u in users):
            raise ValueError('give {"CertificateArn": ARN, "InUseBy": [ARN, ...]}')
        with STATE_LOCK:
            if self.acm_state.find(arn) is None:
                return self._json(404, {"error": f"no ACM certificate {arn}"})
            self.acm_state.extra_users[arn] = list(users)
        return self._json(200, {"CertificateArn": arn, "InUseBy": users})

    def control(self, req):
        path = req.path.rstrip("/")
        try:
            obj = json.loads(req.body.decode("utf-8")) if req.body.strip() else {}
        except ValueError:
            return self._json(400, {"error": "body is not JSON"})
        try:
            if path == "/_emu/health" and req.method == "GET":
                return self._json(200, {"ok": True, "port": self.port, "uptime_s": round(time.monotonic() - START, 3)})
            if path == "/_emu/config":
                if req.method == "POST":
                    self.set_knobs(obj)
                return self._json(200, self.knobs)
            if path == "/_emu/faults":
                if req.method == "POST":
                    rules = self.add_faults(obj)
                    return self._json(200, {"added": [r.to_json() for r in rules]})
                if req.method == "DELETE":
                    with self.rules_lock:
                        n = len(self.rules)
                        self.rules = []
                    self.release()
                    return self._json(200, {"cleared": n})
                with self.rules_lock:
                    return self._json(200, {"rules": [r.to_json() for r in self.rules]})
            if path == "/_emu/log":
                if req.method == "DELETE":
                    with self.log_lock:
                        self.log = []
                    return self._json(200, {"cleared": True})
                since = int((parse_qs(req.query).get("since") or ["0"])[0])
                with self.log_lock:
                    entries = [e for e in self.log if e["seq"] > since]
                return self._json(200, {"requests": entries})
            if path == "/_emu/release" and req.method == "POST":
                return self._json(200, {"released": self.release()})
            if path == "/_emu/reset" and req.method == "POST":
                self.reset_all()
                return self._json(200, {"reset": True})
            if path == "/_emu/deploy" and req.method == "POST":
                self.cloudfront.force_deploy(obj.get("Id"))
                return self._json(200, {"deployed": obj.get("Id") or "all"})
            if path == "/_emu/upload-date" and req.method == "POST":
                return self.set_upload_date(obj)
            if path == "/_emu/health-check-status" and req.method == "POST":
                return self._json(200, self.route53.set_health(obj))
            if path == "/_emu/acm-in-use" and req.method == "POST":
                return self.set_acm_in_use(obj)
            if path == "/_emu/state" and req.method == "GET":
                with STATE_LOCK:
                    certs = [
                        {"ServerCertificateName": c.name, "Path": c.path, "ServerCertificateId": c.cert_id}
                        for c in self.iam_state.certs.values()
                    ]
                    dists = [
                        {"Id": d.id, "Status": d.status, "ETag": d.etag, "Aliases": d.config.aliases,
                         "IAMCertificateId": d.config.cert_id, "ACMCertificateArn": d.config.acm_arn}
                        for d in self.cf_state.dists.values()
                    ]
                    acm = [
                        {"CertificateArn": c.arn, "Type": c.type, "DomainName": c.domain,
                         "Serial": format(c.leaf.serial_number, "x")}
                        for region in self.acm_state.regions.values() for c in region.values()
                    ]
                return self._json(200, {"server_certificates": certs, "distributions": dists,
                                        "acm_certificates": acm})
        except ValueError as e:
            return self._json(400, {"error": str(e)})
        return self._json(404, {"error": f"no control endpoint {req.method} {req.path}"})


class _AuthShim:
    """Just enough of a moto BaseResponse for moto's ActionAuthenticatorMixin to check a request
    the emulator answers itself (moto/core/authorization.py reads these attributes)."""

    def __new__(cls, req, headers, action):
        from moto.core.responses import ActionAuthenticatorMixin, BaseResponse
        from moto.iam.models import get_account_id_from

        class Shim(ActionAuthenticatorMixin):
            def _get_action(self):
                return action

        s = Shim()
        s.headers = headers
        s.uri = f"http://{req.host}{req.target}"
        s.method = req.method
        # The raw body is what the client signed (moto itself re-encodes the form, and sends a GET's
        # headers as "data", which makes every signed CloudFront GET fail in moto 5.2.1).
        s.raw_body = req.body
        s.data = {}
        if "MOTO_ACCOUNT_ID" in os.environ:
            s.current_account = os.environ["MOTO_ACCOUNT_ID"]
        elif "x-moto-account-id" in headers:
            s.current_account = headers["x-moto-account-id"]
        else:
            m = BaseResponse.access_key_regex.search(headers.get("Authorization", ""))
            s.current_account = get_account_id_from(m.group(1) if m else "AKIAEXAMPLE")
        return s


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An answer goes out as two writes (headers, then body): with Nagle's algorithm on, the
    # body waits for the client's delayed ACK of the headers, 40 ms on Linux, on every request.
    disable_nagle_algorithm = True
    server_version = "libcert-emulator"
    sys_version = ""
    emu = None  # set by main()
    quiet = True

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.settimeout(30)
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                raise
            self.connection.settimeout(None)

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("emulator: " + (fmt % args) + "\n")

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                out.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(out)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _serve(self):
        started = time.monotonic()
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        host = self.headers.get("Host") or f"127.0.0.1:{self.emu.port}"
        req = Request(self.command, self.path, self.headers, body, self.client_address[0], host)
        try:
            out = self.emu.process(req)
        except Exception as e:  # a bug in the emulator: answer 500 and say what
            import traceback

            traceback.print_exc()
            out = Outcome(Response(500, [("Content-Type", "text/plain")], f"emulator error: {e!r}\n"))
        fault = out.fault
        if out.service not in (None, "control", "moto"):
            # Logged once the answer is decided and before any of it is sent: a client that has
            # its answer (or gave up on a stall) always finds its request in the log.
            # status: what the handler answered (for "after", what was lost); None when no
            # handler ran (reset, stall, truncate).
            status = out.response.status if out.response is not None and fault != "truncate" else None
            if out.handled_status is not None:
                status = out.handled_status
            self.emu.record(req, out.service, out.action, status, fault, started)
        if fault in (None, "status") or (fault == "stall" and out.rule.then == "answer"):
            self._send(out.response)
        elif fault == "after":
            then = out.rule.then
            if then == "status":
                self._send(out.response)
            elif then == "truncate":
                self._send(out.response, truncate=True)
            elif then == "stall":
                out.rule.stall()
                self._drop()
            elif then == "invalid":
                self._send(invalid_answer(out.service, out.action))
            else:
                self._reset()
        elif fault == "reset":
            self._reset()
        elif fault == "stall":
            out.rule.stall()
            self._drop()
        elif fault == "truncate":
            partial = b'<?xml version="1.0" encoding="UTF-8"?>\n<'
            self._send(Response(200, [("Content-Type", "text/xml")], partial + b"Response>"), truncate=True)
        elif fault == "invalid":
            self._send(invalid_answer(out.service, out.action))

    def _send(self, resp, truncate=False):
        body = resp.body if self.command != "HEAD" else b""
        self.send_response_only(resp.status)
        self.send_header("Date", email.utils.formatdate(usegmt=True))
        for k, v in resp.headers:
            if k.lower() in ("date", "server", "content-length", "connection", "transfer-encoding"):
                continue
            self.send_header(k, str(v))
        if truncate:
            # Announce more than is sent, send half, close: the client sees a short read.
            self.send_header("Content-Length", str(len(body) + 512))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            return
        if self.command == "HEAD" and resp.header("Content-Length"):
            self.send_header("Content-Length", resp.header("Content-Length"))
        else:
            self.send_header("Content-Length", str(len(resp.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self):
        # Close with SO_LINGER 0: the client gets a TCP RST, no answer at all.
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _drop(self):
        # Close normally (FIN) without having answered.
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients that hang up (or that we hung up on) are not errors worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, OSError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def write_port_file(path, port):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description="libcert AWS emulator (moto + AWS's real rules)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick a free one)")
    p.add_argument("--port-file", help="write the port here once ready to serve")
    p.add_argument("--auth", nargs="?", type=int, const=0, default=None, metavar="N",
                   help="check SigV4 signatures as moto does, after N unchecked actions (default 0)")
    p.add_argument("--quota", type=int, default=20, help="server certificates per account (20)")
    p.add_argument("--latency-ms", type=float, default=0, help="added to every answer (0)")
    p.add_argument("--deploy-delay", type=float, default=2.0, help="seconds InProgress before Deployed (2)")
    p.add_argument("--consistency-delay", type=float, default=0.0,
                   help="seconds after an upload during which CloudFront does not see the certificate (0)")
    p.add_argument("--cert-clock", default=None, metavar="ISO8601",
                   help="judge certificate validity as of this time (tests pin their fixtures' "
                        "clock); UploadDate and everything else stay on the real clock")
    p.add_argument("--fault", action="append", default=[], metavar="JSON", help="a fault rule (repeatable)")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", help="... and this key (PEM)")
    p.add_argument("-v", "--verbose", action="store_true", help="log every request on stderr")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    auth = args.auth
    if auth is None and os.environ.get("INITIAL_NO_AUTH_ACTION_COUNT"):
        auth = int(float(os.environ["INITIAL_NO_AUTH_ACTION_COUNT"]))
    knobs = {
        "latency_ms": args.latency_ms,
        "quota": args.quota,
        "deploy_delay": args.deploy_delay,
        "consistency_delay": args.consistency_delay,
        "cert_clock": args.cert_clock,
        "r53_page_max": 0,
    }
    emu = Emulator(knobs, auth_count=auth, tls=bool(args.tls_cert))
    for spec in args.fault:
        emu.add_faults(json.loads(spec))

    Handler.emu = emu
    Handler.quiet = not args.verbose
    server = Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    emu.port = server.server_address[1]

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    if args.port_file:
        write_port_file(args.port_file, emu.port)
    scheme = "https" if args.tls_cert else "http"
    sys.stderr.write(
        f"emulator: {scheme}://127.0.0.1:{emu.port} ready in {time.monotonic() - START:.2f}s"
        f"{' (auth after %d actions)' % auth if auth is not None else ''}\n"
    )
    sys.stderr.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
