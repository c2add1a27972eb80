# SPDX-License-Identifier: Apache-2.0
"""IAM server-certificate APIs with AWS's real rules, on the emulator's own state.

moto 5.2.1 keeps server certificates too, but answers one fixed ServerCertificateId and fixed
dates, accepts duplicates and anything as a certificate, has no PathPrefix filter, no
pagination, and no UpdateServerCertificate / TagServerCertificate / UntagServerCertificate /
ListServerCertificateTags at all. So these actions never reach moto: this module owns them.

Every rule carries the page that says so. "IAM API Reference, <Action>" means the action's page
in the IAM API Reference (docs.aws.amazon.com/IAM/latest/APIReference/API_<Action>.html);
"botocore model" means botocore/data/iam/2010-05-08/service-2.json on this machine, which is
generated from the same service model the API Reference is.
"""

import base64
import re
import time
import unicodedata

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from emu_common import (
    ACCOUNT_ID,
    STATE_LOCK,
    UPPER_ALNUM,
    AwsError,
    esc,
    iso_ms,
    iso_s,
    query_ok,
    rand_chars,
    utcnow,
    cert_now,
)

HANDLED_ACTIONS = frozenset(
    [
        "UploadServerCertificate",
        "GetServerCertificate",
        "ListServerCertificates",
        "UpdateServerCertificate",
        "DeleteServerCertificate",
        "TagServerCertificate",
        "UntagServerCertificate",
        "ListServerCertificateTags",
    ]
)

# Messages AWS answers, with where they were seen.
# "Unable to parse certificate. Please ensure the certificate is in PEM format." is what IAM
# answers for a body (or key) that is not PEM (quoted in several upload how-tos, e.g. the
# sparanoid.com CloudFront guide).
MSG_PARSE = "Unable to parse certificate. Please ensure the certificate is in PEM format."
# Chain out of order / unrelated / text around the PEM: aws/aws-cli#715,
# mprahl/ansible-role-lets-encrypt-route-53#52 (with the index -1).
MSG_CHAIN = (
    "Unable to validate certificate chain. The certificate chain must start with the immediate "
    "signing certificate, followed by any intermediaries in order. The index within the chain of "
    "the invalid certificate is: -1"
)
# IAM API Reference, Errors: KeyPairMismatch ("the public key certificate and the private key do
# not match"); AWS's own message text is not published, so the reference's sentence is used.
MSG_KEY_MISMATCH = (
    "The request was rejected because the public key certificate and the private key do not match."
)
# Name pattern failures: the text IAM answers (zalando-stups/senza#277, GetServerCertificate).
MSG_NAME_PATTERN = (
    "The specified value for {member} is invalid. It must contain only alphanumeric characters "
    "and/or the following: +=,.@_-"
)

# One PEM block; CRLF line ends are legal in these fields (botocore model: certificateBodyType
# pattern [\u0009\u000A\u000D\u0020-\u00FF]+).
_PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


class ServerCert:
    __slots__ = (
        "name",
        "path",
        "cert_id",
        "upload_date",
        "expiration",
        "body",
        "chain",
        "tags",
        "leaf",
        "uploaded_mono",
    )

    @property
    def arn(self):
        # IAM API Reference, ServerCertificateMetadata: Arn; IAM User Guide, "IAM identifiers":
        # arn:aws:iam::account:server-certificate/path/name (the path is part of the ARN).
        return f"arn:aws:iam::{ACCOUNT_ID}:server-certificate{self.path}{self.name}"

    def metadata_xml(self, indent):
        p = " " * indent
        return (
            f"{p}<ServerCertificateName>{esc(self.name)}</ServerCertificateName>\n"
            f"{p}<Path>{esc(self.path)}</Path>\n"
            f"{p}<Arn>{esc(self.arn)}</Arn>\n"
            f"{p}<UploadDate>{iso_ms(self.upload_date)}</UploadDate>\n"
            f"{p}<ServerCertificateId>{self.cert_id}</ServerCertificateId>\n"
            f"{p}<Expiration>{iso_s(self.expiration)}</Expiration>\n"
        )


class IamState:
    """Server certificates of the one emulated account, keyed by lower-case name."""

    def __init__(self, quota=20):
        # IAM User Guide, "IAM and AWS STS quotas": 20 server certificates per account by default.
        self.quota = quota
        self.certs = {}

    def reset(self):
        self.certs = {}

    def find(self, name):
        return self.certs.get(name.lower())

    def by_id(self, cert_id):
        for c in self.certs.values():
            if c.cert_id == cert_id:
                return c
        return None

    def count(self):
        return len(self.certs)


# ---------------------------------------------------------------------------------------------
# Parameter validation from the botocore model (patterns, lengths, ranges, list sizes).

_MODEL = None


def _model():
    global _MODEL
    if _MODEL is None:
        from botocore.loaders import create_loader

        _MODEL = create_loader().load_service_model("iam", "service-2")
    return _MODEL


def _lower_first(s):
    return s[:1].lower() + s[1:]


def _tag_chars_ok(value):
    # botocore model tagKeyType / tagValueType: [\p{L}\p{Z}\p{N}_.:/=+\-@]+ (Python's re has no
    # \p classes, so the Unicode categories are checked directly).
    return all(unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in value)


def _pattern_ok(pattern, value):
    if "\\p{" in pattern:
        return _tag_chars_ok(value)
    # The model's patterns are Java regexes matched against the whole value; \w is ASCII there.
    return re.fullmatch(pattern, value, re.ASCII) is not None


def _check_member(path, shape_name, value, errors):
    shape = _model()["shapes"][shape_name]
    kind = shape["type"]
    if kind == "string":
        if "min" in shape and len(value) < shape["min"]:
            errors.append((path, value, f"Member must have length greater than or equal to {shape['min']}"))
        elif "max" in shape and len(value) > shape["max"]:
            errors.append((path, value, f"Member must have length less than or equal to {shape['max']}"))
        elif "pattern" in shape and not _pattern_ok(shape["pattern"], value):
            errors.append((path, value, f"Member must satisfy regular expression pattern: {shape['pattern']}"))
    elif kind == "integer":
        try:
            n = int(value)
        except ValueError:
            errors.append((path, value, "Member must be an integer"))
            return
        if "min" in shape and n < shape["min"]:
            errors.append((path, value, f"Member must have value greater than or equal to {shape['min']}"))
        elif "max" in shape and n > shape["max"]:
            errors.append((path, value, f"Member must have value less than or equal to {shape['max']}"))
    elif kind == "list":
        if "max" in shape and len(value) > shape["max"]:
            errors.append((path, "[...]", f"Member must have length less than or equal to {shape['max']}"))
            return
        member_shape = shape["member"]["shape"]
        for i, item in enumerate(value, 1):
            _check_member(f"{path}.{i}.member", member_shape, item, errors)
    elif kind == "structure":
        for mname, mref in shape["members"].items():
            sub = f"{path}.{_lower_first(mname)}"
            if mname not in value:
                if mname in shape.get("required", []):
                    errors.append((sub, None, "Member must not be null"))
                continue
            _check_member(sub, mref["shape"], value[mname], errors)


def validate(action, params):
    """Check params against the action's input shape in the botocore model.

    IAM answers constraint failures as ValidationError (400) with the service framework's
    "N validation error(s) detected: Value '..' at '..' failed to satisfy constraint: .."
    text; a bad certificate name has its own text (zalando-stups/senza#277).
    """
    op = _model()["operations"][action]
    if "input" not in op:
        return
    shape = _model()["shapes"][op["input"]["shape"]]
    errors = []
    for mname, mref in shape["members"].items():
        path = _lower_first(mname)
        if mname not in params:
            if mname in shape.get("required", []):
                errors.append((path, None, "Member must not be null"))
            continue
        _check_member(path, mref["shape"], params[mname], errors)
    if not errors:
        return
    for path, value, constraint in errors:
        if path in ("serverCertificateName", "newServerCertificateName") and "pattern" in constraint:
            raise AwsError("ValidationError", MSG_NAME_PATTERN.format(member=path), 400)
    parts = []
    sensitive = {"privateKey"}
    for path, value, constraint in errors:
        if value is None:
            parts.append(f"Value null at '{path}' failed to satisfy constraint: {constraint}")
        elif path in sensitive:
            parts.append(f"Value at '{path}' failed to satisfy constraint: {constraint}")
        else:
            shown = value if isinstance(value, str) else "[...]"
            parts.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}")
    n = len(parts)
    head = f"{n} validation error{'s' if n > 1 else ''} detected: "
    raise AwsError("ValidationError", head + "; ".join(parts), 400)


# ---------------------------------------------------------------------------------------------
# Query-protocol parameters.


def _form_list(form, name, fields=None):
    """Tags.member.N.Key / TagKeys.member.N: the query protocol's list encoding."""
    out = []
    i = 1
    while True:
        if fields:
            item = {}
            for f in fields:
                key = f"{name}.member.{i}.{f}"
                if key in form:
                    item[f] = form[key]
            if not item:
                break
            out.append(item)
        else:
            key = f"{name}.member.{i}"
            if key not in form:
                break
            out.append(form[key])
        i += 1
    if not out and (name in form):
        return []  # "Tags=" sent as an explicitly empty list
    return out if out else None


def _params(action, form):
    op = _model()["operations"][action]
    shape = _model()["shapes"][op["input"]["shape"]] if "input" in op else {"members": {}}
    params = {}
    for mname, mref in shape["members"].items():
        mshape = _model()["shapes"][mref["shape"]]
        if mshape["type"] == "list":
            member = _model()["shapes"][mshape["member"]["shape"]]
            fields = list(member["members"]) if member["type"] == "structure" else None
            v = _form_list(form, mname, fields)
            if v is not None:
                params[mname] = v
        elif mname in form:
            params[mname] = form[mname]
    return params


# ---------------------------------------------------------------------------------------------
# Certificate checks.


def _pem_blocks(text):
    """(label, full_block_text) for each PEM block, and whether anything else is in text."""
    text = text.replace("\r\n", "\n")
    blocks = []
    pos = 0
    junk = False
    for m in _PEM_RE.finditer(text):
        if text[pos : m.start()].strip():
            junk = True
        blocks.append((m.group(1), m.group(0)))
        pos = m.end()
    if text[pos:].strip():
        junk = True
    return blocks, junk


def parse_leaf(body):
    """IAM API Reference, UploadServerCertificate, CertificateBody: one PEM-encoded certificate;
    anything else is MalformedCertificate (Errors: MalformedCertificate)."""
    blocks, junk = _pem_blocks(body)
    if junk or len(blocks) != 1 or blocks[0][0] != "CERTIFICATE":
        raise AwsError("MalformedCertificate", MSG_PARSE, 400)
    try:
        return x509.load_pem_x509_certificate(blocks[0][1].encode("latin-1"))
    except (ValueError, UnicodeEncodeError):
        raise AwsError("MalformedCertificate", MSG_PARSE, 400)


def parse_private_key(text):
    """IAM API Reference, UploadServerCertificate, PrivateKey: PEM-encoded; CloudFront Developer
    Guide, "Requirements for using SSL/TLS certificates with CloudFront": the private key "cannot
    be encrypted with a password". An encrypted or unreadable key is MalformedCertificate."""
    blocks, junk = _pem_blocks(text)
    if junk or len(blocks) != 1 or not blocks[0][0].endswith("PRIVATE KEY"):
        raise AwsError("MalformedCertificate", MSG_PARSE, 400)
    label, pem = blocks[0]
    if label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in pem:
        raise AwsError("MalformedCertificate", MSG_PARSE, 400)
    try:
        # The key is compared with the certificate's public key (KeyPairMismatch) right after;
        # cryptography's own RSA consistency check (primality tests on p and q) would add about
        # 30 ms to every upload and tell nothing more.
        return serialization.load_pem_private_key(pem.encode("latin-1"), password=None,
                                                  unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError):
        raise AwsError("MalformedCertificate", MSG_PARSE, 400)


def _spki(pub):
    return pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _issued_by(child, issuer):
    try:
        child.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def check_chain(leaf, chain_text):
    """IAM API Reference, UploadServerCertificate, CertificateChain: the chain starts with the
    certificate that signed the leaf, then each next issuer in order. Anything else (wrong order,
    unrelated certificates, text around the PEM blocks, unparsable blocks) is MalformedCertificate
    with the chain message (aws/aws-cli#715, mprahl/ansible-role-lets-encrypt-route-53#52)."""
    blocks, junk = _pem_blocks(chain_text)
    if junk or not blocks or any(label != "CERTIFICATE" for label, _ in blocks):
        raise AwsError("MalformedCertificate", MSG_CHAIN, 400)
    certs = []
    for _, pem in blocks:
        try:
            certs.append(x509.load_pem_x509_certificate(pem.encode("latin-1")))
        except (ValueError, UnicodeEncodeError):
            raise AwsError("MalformedCertificate", MSG_CHAIN, 400)
    prev = leaf
    for c in certs:
        if not _issued_by(prev, c):
            raise AwsError("MalformedCertificate", MSG_CHAIN, 400)
        prev = c
    return certs


def check_validity(leaf, now):
    """A leaf whose notBefore is in the future (clock skew on the host that made it) fails IAM's
    X.509 validation: MalformedCertificate, "expected" per the IAM team with a message that does
    not mention time (aws/aws-sdk-go#2586). IAM API Reference, Errors: MalformedCertificate covers
    "malformed or expired" certificates, so an expired leaf is refused the same way."""
    if leaf.not_valid_before_utc > now or leaf.not_valid_after_utc < now:
        raise AwsError("MalformedCertificate", MSG_CHAIN, 400)


def leaf_dns_names(leaf):
    try:
        ext = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return ext.value.get_values_for_type(x509.DNSName)


# ---------------------------------------------------------------------------------------------
# Handlers. Each takes the form dict and returns a Response or raises AwsError.


def _new_cert_id(state):
    # IAM User Guide, "IAM identifiers", Unique ID prefixes: server certificates start "ASCA";
    # the ids IAM answers are 21 characters ("ASCA" + 17 upper-case letters and digits), e.g.
    # ASCAQXRQ45OGOXN4H7UIZ in awslabs/aws-orbit-workbench#634.
    while True:
        cid = "ASCA" + rand_chars(UPPER_ALNUM, 17)
        if state.by_id(cid) is None:
            return cid


def _tags_xml(tags, indent):
    p = " " * indent
    out = "".join(
        f"{p}  <member>\n{p}    <Key>{esc(k)}</Key>\n{p}    <Value>{esc(v)}</Value>\n{p}  </member>\n"
        for k, v in tags
    )
    return f"{p}<Tags>\n{out}{p}</Tags>\n"


def _sorted_tags(tags):
    # IAM API Reference, ListServerCertificateTags / UploadServerCertificate response Tags: "The
    # returned list of tags is sorted by tag key."
    return sorted(tags, key=lambda kv: kv[0])


def _merge_tags(existing, new):
    """IAM API Reference, TagServerCertificate: a tag whose key exists is overwritten. IAM User
    Guide, "Tagging IAM resources": tag keys are not case sensitive for IAM (case is kept)."""
    merged = list(existing)
    for k, v in new:
        merged = [(ek, ev) for ek, ev in merged if ek.lower() != k.lower()]
        merged.append((k, v))
    return merged


def _check_dup_keys(tags):
    # IAM answers duplicate keys in one request (compared without case) as InvalidInput.
    seen = set()
    for k, _ in tags:
        if k.lower() in seen:
            raise AwsError(
                "InvalidInput",
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                400,
            )
        seen.add(k.lower())


def _no_such(name):
    # IAM API Reference, Errors: NoSuchEntity (404); text as IAM answers it (convox/rack#783).
    return AwsError("NoSuchEntity", f"The Server Certificate with name {name} cannot be found.", 404)


def _exists(name):
    # IAM API Reference, UploadServerCertificate / UpdateServerCertificate, Errors:
    # EntityAlreadyExists (409); text as IAM answers it (pythian/opsviz#33).
    return AwsError("EntityAlreadyExists", f"The Server Certificate with name {name} already exists.", 409)


class IamHandlers:
    def __init__(self, state, emu):
        self.state = state
        self.emu = emu  # the Emulator: knobs and the CloudFront side (DeleteConflict)

    def handle(self, action, form):
        params = _params(action, form)
        validate(action, params)
        return getattr(self, "_" + action)(params)

    def _UploadServerCertificate(self, p):
        name = p["ServerCertificateName"]
        path = p.get("Path", "/")  # IAM API Reference, UploadServerCertificate, Path: default "/"
        now = utcnow()
        leaf = parse_leaf(p["CertificateBody"])
        cert_clock = cert_now(self.emu.knobs)
        key = parse_private_key(p["PrivateKey"])
        if _spki(key.public_key()) != _spki(leaf.public_key()):
            # IAM API Reference, UploadServerCertificate, Errors: KeyPairMismatch (400).
            raise AwsError("KeyPairMismatch", MSG_KEY_MISMATCH, 400)
        if "CertificateChain" in p:
            check_chain(leaf, p["CertificateChain"])
        check_validity(leaf, cert_clock)
        tags = [(t["Key"], t["Value"]) for t in p.get("Tags", [])]
        _check_dup_keys(tags)
        with STATE_LOCK:
            if self.state.find(name):
                raise _exists(name)
            if self.state.count() >= self.state.quota:
                # IAM API Reference, UploadServerCertificate, Errors: LimitExceeded (409); text as
                # IAM answers it (remind101/empire#471).
                raise AwsError(
                    "LimitExceeded",
                    f"Cannot exceed quota for ServerCertificatesPerAccount: {self.state.quota}",
                    409,
                )
            c = ServerCert()
            c.name = name
            c.path = path
            c.cert_id = _new_cert_id(self.state)
            c.upload_date = now  # IAM API Reference, ServerCertificateMetadata: UploadDate
            # IAM API Reference, ServerCertificateMetadata: Expiration, "the date on which the
            # certificate is set to expire": the leaf's notAfter.
            c.expiration = leaf.not_valid_after_utc
            c.body = p["CertificateBody"].strip()
            c.chain = p["CertificateChain"].strip() if "CertificateChain" in p else None
            c.tags = tags
            c.leaf = leaf
            c.uploaded_mono = time.monotonic()
            self.state.certs[name.lower()] = c
        result = "    <ServerCertificateMetadata>\n" + c.metadata_xml(6) + "    </ServerCertificateMetadata>\n"
        if tags:
            result += _tags_xml(_sorted_tags(tags), 4)
        return query_ok("UploadServerCertificate", result)

    def _GetServerCertificate(self, p):
        with STATE_LOCK:
            c = self.state.find(p["ServerCertificateName"])
            if c is None:
                raise _no_such(p["ServerCertificateName"])
            x = "    <ServerCertificate>\n      <ServerCertificateMetadata>\n"
            x += c.metadata_xml(8) + "      </ServerCertificateMetadata>\n"
            x += f"      <CertificateBody>{esc(c.body)}</CertificateBody>\n"
            if c.chain:
                x += f"      <CertificateChain>{esc(c.chain)}</CertificateChain>\n"
            if c.tags:
                x += _tags_xml(_sorted_tags(c.tags), 6)
            x += "    </ServerCertificate>\n"
        return query_ok("GetServerCertificate", x)

    @staticmethod
    def _page(items, key, marker, max_items):
        """IAM API Reference, ListServerCertificates: MaxItems defaults to 100; when more exist
        IsTruncated is true and Marker says where the next call starts. The marker is opaque."""
        if marker is not None:
            try:
                start_key = base64.urlsafe_b64decode(marker.encode("ascii")).decode("utf-8")
            except (ValueError, UnicodeError):
                raise AwsError("ValidationError", "Invalid Marker.", 400)
            items = [i for i in items if key(i) >= start_key]
        page, rest = items[:max_items], items[max_items:]
        next_marker = base64.urlsafe_b64encode(key(rest[0]).encode("utf-8")).decode("ascii") if rest else None
        return page, next_marker

    def _ListServerCertificates(self, p):
        # IAM API Reference, ListServerCertificates, PathPrefix: defaults to "/", lists the
        # certificates whose path starts with the prefix.
        prefix = p.get("PathPrefix", "/")
        max_items = int(p.get("MaxItems", 100))
        with STATE_LOCK:
            certs = sorted(
                (c for c in self.state.certs.values() if c.path.startswith(prefix)),
                key=lambda c: c.name.lower(),
            )
            page, next_marker = self._page(certs, lambda c: c.name.lower(), p.get("Marker"), max_items)
            members = "".join(
                "      <member>\n" + c.metadata_xml(8) + "      </member>\n" for c in page
            )
        x = f"    <IsTruncated>{'true' if next_marker else 'false'}</IsTruncated>\n"
        x += f"    <ServerCertificateMetadataList>\n{members}    </ServerCertificateMetadataList>\n"
        if next_marker:
            x += f"    <Marker>{next_marker}</Marker>\n"
        return query_ok("ListServerCertificates", x)

    def _UpdateServerCertificate(self, p):
        """IAM API Reference, UpdateServerCertificate: changes the name and/or the path; the id
        stays (CloudFront refers to it), a clash with another name is EntityAlreadyExists."""
        name = p["ServerCertificateName"]
        with STATE_LOCK:
            c = self.state.find(name)
            if c is None:
                raise _no_such(name)
            new_name = p.get("NewServerCertificateName", c.name)
            other = self.state.find(new_name)
            if other is not None and other is not c:
                raise _exists(new_name)
            del self.state.certs[c.name.lower()]
            c.name = new_name
            c.path = p.get("NewPath", c.path)
            self.state.certs[c.name.lower()] = c
        return query_ok("UpdateServerCertificate", None)

    def _DeleteServerCertificate(self, p):
        name = p["ServerCertificateName"]
        with STATE_LOCK:
            c = self.state.find(name)
            if c is None:
                raise _no_such(name)
            users = self.emu.cloudfront.distributions_using_cert(c.cert_id)
            if users:
                # IAM API Reference, DeleteServerCertificate, Errors: DeleteConflict (409), also
                # while an update that used the certificate is still InProgress
                # (hashicorp/terraform#5713); text as IAM answers it
                # (awslabs/aws-orbit-workbench#634).
                raise AwsError(
                    "DeleteConflict",
                    f"Certificate: {c.cert_id} is currently in use by {users[0]}. "
                    "Please remove it first before deleting it from IAM.",
                    409,
                )
            del self.state.certs[c.name.lower()]
        return query_ok("DeleteServerCertificate", None)

    def _TagServerCertificate(self, p):
        tags = [(t["Key"], t["Value"]) for t in p["Tags"]]
        _check_dup_keys(tags)
        with STATE_LOCK:
            c = self.state.find(p["ServerCertificateName"])
            if c is None:
                raise _no_such(p["ServerCertificateName"])
            merged = _merge_tags(c.tags, tags)
            if len(merged) > 50:
                # IAM API Reference, TagServerCertificate, Errors: LimitExceeded; IAM User Guide,
                # "IAM and AWS STS quotas": 50 tags per resource.
                raise AwsError("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
            c.tags = merged
        return query_ok("TagServerCertificate", None)

    def _UntagServerCertificate(self, p):
        with STATE_LOCK:
            c = self.state.find(p["ServerCertificateName"])
            if c is None:
                raise _no_such(p["ServerCertificateName"])
            gone = {k.lower() for k in p["TagKeys"]}
            c.tags = [(k, v) for k, v in c.tags if k.lower() not in gone]
        return query_ok("UntagServerCertificate", None)

    def _ListServerCertificateTags(self, p):
        max_items = int(p.get("MaxItems", 100))
        with STATE_LOCK:
            c = self.state.find(p["ServerCertificateName"])
            if c is None:
                raise _no_such(p["ServerCertificateName"])
            tags = _sorted_tags(c.tags)
        page, next_marker = self._page(tags, lambda kv: kv[0], p.get("Marker"), max_items)
        x = _tags_xml(page, 4)
        x += f"    <IsTruncated>{'true' if next_marker else 'false'}</IsTruncated>\n"
        if next_marker:
            x += f"    <Marker>{next_marker}</Marker>\n"
        return query_ok("ListServerCertificateTags", x)


def patch_account_summary(body, state):
    """GetAccountSummary goes to moto (it knows users, roles, ...) and its two server-certificate
    entries are replaced by the emulator's (IAM API Reference, GetAccountSummary: SummaryMap keys
    ServerCertificates and ServerCertificatesQuota)."""
    text = body.decode("utf-8")
    with STATE_LOCK:
        values = {"ServerCertificates": state.count(), "ServerCertificatesQuota": state.quota}
    for key, val in values.items():
        text = re.sub(
            r"(<key>%s</key>\s*<value>)[^<]*(</value>)" % key,
            lambda m, v=val: f"{m.group(1)}{v}{m.group(2)}",
            text,
        )
    return text.encode("utf-8")

