# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the libcert AWS emulator: responses, AWS-shaped errors, time and XML helpers.

Nothing here talks to the network; emulator.py owns the sockets.
"""

import datetime
import re
import secrets
import string
import threading
import uuid
from xml.sax.saxutils import escape

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
R53_NS = "https://route53.amazonaws.com/doc/2013-04-01/"

# moto's default account; ARNs the emulator builds use it, as moto's own do.
ACCOUNT_ID = "123456789012"

# One lock for all emulated state: IAM and CloudFront look into each other (DeleteConflict,
# InvalidViewerCertificate), so two locks would only invite lock-order bugs.
STATE_LOCK = threading.RLock()

UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits


def rand_chars(alphabet, n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_request_id():
    return str(uuid.uuid4())


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def parse_iso(text):
    """An ISO 8601 time with Z or an offset, as a timezone-aware datetime."""
    dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError("give a time zone (Z or +HH:MM)")
    return dt


def cert_now(knobs):
    """The clock certificate validity is judged by: the real one, or the tests' pinned clock
    (knob cert_clock), so that fixtures with fixed dates stay valid in the emulator."""
    pinned = knobs.get("cert_clock")
    return parse_iso(pinned) if pinned else utcnow()


def iso_ms(dt):
    """ISO 8601 with milliseconds and Z, as IAM answers UploadDate and CloudFront LastModifiedTime."""
    dt = dt.astimezone(datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def iso_s(dt):
    """ISO 8601 to the second with Z, as IAM answers Expiration."""
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def esc(value):
    return escape(str(value))


class Response:
    """What a handler answers: status, header list, body bytes."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers=None, body=b""):
        self.status = int(status)
        self.headers = list(headers or [])
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name, value):
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


class AwsError(Exception):
    """An error answer with AWS's code, HTTP status and message."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _fault_type(status):
    # AWS's query and REST-XML error bodies carry Type Sender for 4xx, Receiver for 5xx.
    return "Receiver" if status >= 500 else "Sender"


def query_error(err, ns=IAM_NS, request_id=None):
    """IAM/STS (query protocol) error document.

    Shape as IAM answers it, e.g. the 409 EntityAlreadyExists quoted in pythian/opsviz#33:
    ErrorResponse / Error (Type, Code, Message) / RequestId.
    """
    rid = request_id or new_request_id()
    body = (
        f'<ErrorResponse xmlns="{ns}">\n'
        "  <Error>\n"
        f"    <Type>{_fault_type(err.status)}</Type>\n"
        f"    <Code>{esc(err.code)}</Code>\n"
        f"    <Message>{esc(err.message)}</Message>\n"
        "  </Error>\n"
        f"  <RequestId>{rid}</RequestId>\n"
        "</ErrorResponse>\n"
    )
    return Response(err.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body)


def rest_error(err, request_id=None, ns=CF_NS):
    """CloudFront and Route 53 (rest-xml protocol) error document, with the x-amzn-RequestId
    header."""
    rid = request_id or new_request_id()
    body = (
        '<?xml version="1.0"?>\n'
        f'<ErrorResponse xmlns="{ns}">'
        f"<Error><Type>{_fault_type(err.status)}</Type><Code>{esc(err.code)}</Code>"
        f"<Message>{esc(err.message)}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>"
    )
    return Response(err.status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body)


def query_ok(action, result_xml, ns=IAM_NS):
    """A successful query-protocol answer: <ActionResponse><ActionResult>..</ActionResult>
    <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>."""
    rid = new_request_id()
    result = f"  <{action}Result>\n{result_xml}  </{action}Result>\n" if result_xml is not None else ""
    body = (
        f'<{action}Response xmlns="{ns}">\n'
        f"{result}"
        "  <ResponseMetadata>\n"
        f"    <RequestId>{rid}</RequestId>\n"
        "  </ResponseMetadata>\n"
        f"</{action}Response>\n"
    )
    return Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body)


def json_error(err, request_id=None):
    """The JSON protocol's error answer (ACM): {"__type": code, "message": text} with
    x-amzn-RequestId (ACM API Reference, Common Errors)."""
    import json

    rid = request_id or new_request_id()
    body = json.dumps({"__type": err.code, "message": err.message})
    return Response(err.status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)],
                    body)


def error_for_service(service, err):
    """Render err as the given service answers errors (used by fault injection too)."""
    if service == "cloudfront":
        return rest_error(err)
    if service == "route53":
        return rest_error(err, ns=R53_NS)
    if service == "acm":
        return json_error(err)
    if service == "sts":
        return query_error(err, ns=STS_NS)
    return query_error(err, ns=IAM_NS)


# The REST operations of a botocore model, each an http method, a path pattern and the query key
# that tells it apart, longest first (a service's name -> that list; made once).
_REST_OPS = {}


def rest_operation(service, method, path, query):
    """The operation a REST request names in botocore's model of `service` ("cloudfront",
    "route53"), for the log and the fault rules (AWS's operation names); None when none."""
    ops = _REST_OPS.get(service)
    if ops is None:
        from botocore.loaders import create_loader

        model = create_loader().load_service_model(service, "service-2")
        ops = []
        for name, op in model["operations"].items():
            uri = op["http"]["requestUri"]
            upath, _, uquery = uri.partition("?")
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(upath)) + "/?$"
            ops.append((op["http"]["method"], re.compile(rx), uquery.split("=")[0], len(upath), name))
        ops.sort(key=lambda o: (-len(o[2]), -o[3]))
        _REST_OPS[service] = ops
    for op_method, rx, qkey, _, name in ops:
        if op_method == method and rx.match(path) and (not qkey or qkey in query):
            return name
    return None
