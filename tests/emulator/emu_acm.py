# SPDX-License-Identifier: Apache-2.0
"""AWS Certificate Manager (ACM) with AWS's real rules, on the emulator's own state.

moto 5.2.1 serves ACM too (moto/acm), but for what libcert relies on it differs from AWS:
ListCertificates has no pagination (no MaxItems, no NextToken) and no default key-type filter
(without Includes.keyTypes AWS lists only RSA_1024 and RSA_2048 certificates); a re-import
replaces the certificate outright (its tags are lost, and the key algorithm, key usages and
extended key usages may change at will, tags are accepted); InUseBy is only ever filled by
moto's own ELB; DeleteCertificate deletes a certificate in use; KeyUsages and ExtendedKeyUsages
are always empty; GetCertificate appends an Amazon root to every chain; a certificate lives in
whatever region the request was signed for, but nothing else knows of it (CloudFront's ACM
rules are the emulator's, emu_cloudfront.py). So these actions never reach moto: this module owns
them.

Every rule carries the page that says so. "ACM API Reference, <Action>" is the action's page
(docs.aws.amazon.com/acm/latest/APIReference/API_<Action>.html); "ACM User Guide, <page>" a page
of the ACM User Guide (import-certificate-prerequisites, import-reimport, acm-limits);
"botocore model" is botocore/data/acm/2015-12-08/service-2.json on this machine. The JSON
protocol (botocore model metadata: json 1.1, targetPrefix CertificateManager): the action is the
X-Amz-Target header's suffix, blobs are base64, timestamps seconds since the epoch, errors
{"__type", "message"}.
"""

import base64
import datetime
import json
import re
import unicodedata
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from emu_common import ACCOUNT_ID, AwsError, Response, cert_now, new_request_id, utcnow
from emu_iam import _issued_by, _pem_blocks, leaf_dns_names

HANDLED_ACTIONS = frozenset(
    [
        "ImportCertificate",
        "DescribeCertificate",
        "GetCertificate",
        "ListCertificates",
        "DeleteCertificate",
        "ListTagsForCertificate",
        "AddTagsToCertificate",
        "RemoveTagsFromCertificate",
        "RequestCertificate",
    ]
)

# ACM User Guide, acm-limits: 2,500 imported certificates per region (expired ones count).
IMPORT_QUOTA = 2500

# botocore model, Filters.keyTypes: "Default filtering returns only RSA_1024 and RSA_2048
# certificates that have at least one domain."
DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")
KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")

# botocore model, KeyUsageName / ExtendedKeyUsageName, from the X.509 extensions.
_KU = (
    ("digital_signature", "DIGITAL_SIGNATURE"),
    ("content_commitment", "NON_REPUDIATION"),
    ("key_encipherment", "KEY_ENCIPHERMENT"),
    ("data_encipherment", "DATA_ENCIPHERMENT"),
    ("key_agreement", "KEY_AGREEMENT"),
    ("key_cert_sign", "CERTIFICATE_SIGNING"),
    ("crl_sign", "CRL_SIGNING"),
)
_EKU = {
    ExtendedKeyUsageOID.SERVER_AUTH.dotted_string: "TLS_WEB_SERVER_AUTHENTICATION",
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string: "TLS_WEB_CLIENT_AUTHENTICATION",
    ExtendedKeyUsageOID.CODE_SIGNING.dotted_string: "CODE_SIGNING",
    ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "EMAIL_PROTECTION",
    ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "TIME_STAMPING",
    ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSP_SIGNING",
    "1.3.6.1.5.5.7.3.5": "IPSEC_END_SYSTEM",
    "1.3.6.1.5.5.7.3.6": "IPSEC_TUNNEL",
    "1.3.6.1.5.5.7.3.7": "IPSEC_USER",
    "2.5.29.37.0": "ANY",
}

# The messages ACM answers, with where they were seen. "Could not validate the certificate with
# the certificate chain." and "The private key does not match the public key in the certificate"
# are the texts users quote from the console and the CLI (aws/aws-cli#2383,
# hashicorp/terraform-provider-aws#2658); the others follow the API Reference's wording.
MSG_CHAIN = "Could not validate the certificate with the certificate chain."
MSG_KEY_MISMATCH = "The private key does not match the public key in the certificate."
MSG_CERT = "The certificate is not PEM-encoded or is not valid."
MSG_KEY = "The private key is not PEM-encoded, is encrypted or is not valid."


def _ok(obj=None):
    rid = new_request_id()
    body = json.dumps(obj) if obj is not None else ""
    return Response(200, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)], body)


def _validation(msg):
    return AwsError("ValidationException", msg, 400)


def _epoch(dt):
    return round(dt.timestamp(), 3)


def partition_of(region):
    # botocore endpoints.json regionRegex: cn-* is aws-cn, us-gov-* aws-us-gov, else aws.
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def key_algorithm(pub):
    """botocore model, KeyAlgorithm: RSA_1024 .. RSA_4096, EC_prime256v1, EC_secp384r1,
    EC_secp521r1; None for a key ACM does not import (ACM User Guide,
    import-certificate-prerequisites: RSA 1024-4096 and ECDSA P-256/384/521)."""
    if isinstance(pub, rsa.RSAPublicKey):
        return f"RSA_{pub.key_size}" if pub.key_size in (1024, 2048, 3072, 4096) else None
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return {"secp256r1": "EC_prime256v1", "secp384r1": "EC_secp384r1",
                "secp521r1": "EC_secp521r1"}.get(pub.curve.name)
    return None


def key_usages(leaf):
    try:
        ku = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return []
    out = [name for attr, name in _KU if getattr(ku, attr)]
    if ku.key_agreement:
        out += ["ENCIPHER_ONLY"] if ku.encipher_only else []
        out += ["DECIPHER_ONLY"] if ku.decipher_only else []
    return out


def extended_key_usages(leaf):
    try:
        eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return []
    return [(_EKU.get(oid.dotted_string, "CUSTOM"), oid.dotted_string) for oid in eku]


def _sig_alg(leaf):
    """CertificateDetail.SignatureAlgorithm as ACM words it ("SHA256WITHRSA", "SHA256WITHECDSA")."""
    h = leaf.signature_hash_algorithm
    name = leaf.signature_algorithm_oid._name.lower()
    kind = "ECDSA" if "ecdsa" in name else "RSA"
    return f"{h.name.upper()}WITH{kind}" if h is not None else name.upper()


def _names(leaf):
    """DomainName and SubjectAlternativeNames as ACM shows them: the SANs (DNS names), the
    subject CN first when there are none."""
    sans = leaf_dns_names(leaf)
    cns = [a.value for a in leaf.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    domain = cns[0] if cns else (sans[0] if sans else "")
    return domain, sans or ([domain] if domain else [])


class AcmCert:
    """One certificate of one region."""

    def __init__(self, arn, leaf, cert_pem, chain_pem, cert_type, tags=None):
        self.arn = arn
        self.type = cert_type  # IMPORTED, AMAZON_ISSUED, PRIVATE
        self.tags = dict(tags or {})
        self.created = utcnow()
        self.imported = self.created
        self.set_leaf(leaf, cert_pem, chain_pem)

    def set_leaf(self, leaf, cert_pem, chain_pem):
        self.leaf = leaf
        self.cert_pem = cert_pem
        self.chain_pem = chain_pem
        self.key_algorithm = key_algorithm(leaf.public_key())
        self.key_usages = key_usages(leaf)
        self.ekus = extended_key_usages(leaf)
        self.domain, self.sans = _names(leaf)

    def status(self, knobs):
        # ACM API Reference, CertificateDetail.Status: EXPIRED once NotAfter is past.
        return "EXPIRED" if self.leaf.not_valid_after_utc <= cert_now(knobs) else "ISSUED"

    def times(self):
        out = {"NotBefore": _epoch(self.leaf.not_valid_before_utc),
               "NotAfter": _epoch(self.leaf.not_valid_after_utc)}
        if self.type == "IMPORTED":
            out["ImportedAt"] = _epoch(self.imported)
        else:
            out["CreatedAt"] = _epoch(self.created)
            out["IssuedAt"] = _epoch(self.created)
        return out

    def summary(self, knobs, in_use_by):
        """ACM API Reference, CertificateSummary (ListCertificates)."""
        s = {
            "CertificateArn": self.arn,
            "DomainName": self.domain,
            # "only the first 100 subject alternative names"
            "SubjectAlternativeNameSummaries": self.sans[:100],
            "HasAdditionalSubjectAlternativeNames": len(self.sans) > 100,
            "Status": self.status(knobs),
            "Type": self.type,
            "KeyAlgorithm": self.key_algorithm,
            "KeyUsages": list(self.key_usages),
            "ExtendedKeyUsages": [name for name, _ in self.ekus],
            "InUse": bool(in_use_by),
            "Exported": False,
            "RenewalEligibility": "INELIGIBLE" if self.type == "IMPORTED" else "ELIGIBLE",
        }
        s.update(self.times())
        return s

    def detail(self, knobs, in_use_by):
        """ACM API Reference, CertificateDetail (DescribeCertificate)."""
        cn = self.leaf.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        d = {
            "CertificateArn": self.arn,
            "DomainName": self.domain,
            "SubjectAlternativeNames": list(self.sans),
            "Serial": ":".join(f"{b:02x}" for b in self.leaf.serial_number.to_bytes(
                (self.leaf.serial_number.bit_length() + 7) // 8 or 1, "big")),
            "Subject": self.leaf.subject.rfc4514_string(),
            "Issuer": cn[0].value if cn else self.leaf.issuer.rfc4514_string(),
            "Status": self.status(knobs),
            "KeyAlgorithm": self.key_algorithm,
            "SignatureAlgorithm": _sig_alg(self.leaf),
            "InUseBy": list(in_use_by),
            "Type": self.type,
            "KeyUsages": [{"Name": n} for n in self.key_usages],
            "ExtendedKeyUsages": [{"Name": n, "OID": oid} for n, oid in self.ekus],
            "RenewalEligibility": "INELIGIBLE" if self.type == "IMPORTED" else "ELIGIBLE",
            "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"},
        }
        d.update(self.times())
        return d


class AcmState:
    """Certificates per region (ACM is regional: ACM User Guide, acm-regions), and resources that
    use a certificate besides the emulator's distributions (an ALB, set through /_emu/acm-in-use)."""

    def __init__(self):
        self.regions = {}
        self.extra_users = {}

    def reset(self):
        self.regions = {}
        self.extra_users = {}

    def region(self, name):
        return self.regions.setdefault(name, {})

    def find(self, arn):
        """The certificate an ARN names, in the region the ARN names."""
        m = ARN_RE.fullmatch(arn or "")
        if m is None:
            return None
        return self.regions.get(m.group(2), {}).get(arn)


# ACM API Reference, Arn: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID
ARN_RE = re.compile(r"arn:([\w+=/,.@-]+):acm:([\w+=/,.@-]*):([0-9]+):certificate/([\w+=,.@-]+)")


def _decode_blob(params, name, required):
    v = params.get(name)
    if v is None:
        if required:
            raise _validation(f"1 validation error detected: Value null at '{name[0].lower() + name[1:]}' "
                              "failed to satisfy constraint: Member must not be null")
        return None
    try:
        return base64.b64decode(v, validate=True).decode("latin-1")
    except (ValueError, TypeError):
        raise AwsError("SerializationException", f"{name} is not a valid base64 blob", 400)


def _tag_ok(key, value):
    # botocore model, TagKey / TagValue: [\p{L}\p{Z}\p{N}_.:\/=+\-@]*, 1-128 / 0-256.
    def chars(s):
        return all(unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in s)

    return isinstance(key, str) and 1 <= len(key) <= 128 and chars(key) and isinstance(value, str) and \
        len(value) <= 256 and chars(value)


def _check_tags(tags):
    if tags is None:
        return {}
    if not isinstance(tags, list) or not 1 <= len(tags) <= 50:
        # botocore model, TagList: 1 to 50; ACM API Reference, Errors: TooManyTagsException.
        raise AwsError("TooManyTagsException", "the TagSet contains too many Tags", 400)
    out = {}
    for t in tags:
        k, v = t.get("Key"), t.get("Value", "")
        if not _tag_ok(k, v) or k.startswith("aws:"):
            # ACM API Reference, AddTagsToCertificate, Errors: InvalidTagException.
            raise AwsError("InvalidTagException", f"The tag {k!r} is not valid.", 400)
        out[k] = v
    return out


class AcmHandlers:
    def __init__(self, state, emu):
        self.state = state
        self.emu = emu  # knobs, and the CloudFront side (InUseBy)

    def in_use_by(self, arn):
        """ACM API Reference, CertificateDetail.InUseBy: the ARNs of the AWS resources that use
        the certificate: here every distribution of the emulator that serves it (or served it
        in a change still InProgress), and the resources /_emu/acm-in-use added."""
        return self.emu.cloudfront.distributions_using_acm(arn) + list(self.state.extra_users.get(arn, []))

    def handle(self, action, region, body):
        try:
            params = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            raise AwsError("SerializationException", "Start of structure or map found where not expected.", 400)
        if not isinstance(params, dict):
            raise AwsError("SerializationException", "Start of structure or map found where not expected.", 400)
        return getattr(self, "_" + action)(region, params)

    def _get(self, region, arn):
        if not isinstance(arn, str) or ARN_RE.fullmatch(arn) is None:
            # ACM API Reference, Errors: InvalidArnException.
            raise AwsError("InvalidArnException", f"The certificate ARN {arn} is not valid.", 400)
        c = self.state.region(region).get(arn)
        if c is None:
            # ACM API Reference, Errors: ResourceNotFoundException; an ARN of another region is
            # not found in this one (certificates are regional).
            raise AwsError("ResourceNotFoundException", f"Could not find certificate {arn}.", 400)
        return c

    # -- import ---------------------------------------------------------------------------------

    def _parse_import(self, params):
        """ACM User Guide, import-certificate-prerequisites: the certificate, chain and key are
        PEM; the key unencrypted, matching, at most 5 KB (botocore model, PrivateKeyBlob max
        5,120); the certificate valid now; RSA 1024-4096 or ECDSA P-256/384/521; the chain
        verifies the certificate."""
        cert_text = _decode_blob(params, "Certificate", True)
        key_text = _decode_blob(params, "PrivateKey", True)
        chain_text = _decode_blob(params, "CertificateChain", False)
        if len(key_text) > 5120:
            raise _validation("1 validation error detected: Value at 'privateKey' failed to satisfy "
                              "constraint: Member must have length less than or equal to 5120")
        if len(cert_text) > 32768:
            raise _validation("1 validation error detected: Value at 'certificate' failed to satisfy "
                              "constraint: Member must have length less than or equal to 32768")
        blocks, junk = _pem_blocks(cert_text)
        if len(blocks) > 1:
            raise _validation("The certificate field contains more than one certificate. You can "
                              "specify only one certificate in this field.")
        if junk or len(blocks) != 1 or blocks[0][0] != "CERTIFICATE":
            raise _validation(MSG_CERT)
        try:
            leaf = x509.load_pem_x509_certificate(blocks[0][1].encode("latin-1"))
        except (ValueError, UnicodeEncodeError):
            raise _validation(MSG_CERT)
        kblocks, kjunk = _pem_blocks(key_text)
        if kjunk or len(kblocks) != 1 or not kblocks[0][0].endswith("PRIVATE KEY") or \
                kblocks[0][0] == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in kblocks[0][1]:
            raise _validation(MSG_KEY)
        try:
            key = serialization.load_pem_private_key(kblocks[0][1].encode("latin-1"), password=None,
                                                     unsafe_skip_rsa_key_validation=True)
        except Exception:
            raise _validation(MSG_KEY)
        spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        if key.public_key().public_bytes(*spki) != leaf.public_key().public_bytes(*spki):
            raise _validation(MSG_KEY_MISMATCH)
        if key_algorithm(leaf.public_key()) is None:
            raise _validation("The certificate's key algorithm is not supported: ACM imports RSA 1024 "
                              "to 4096 and EC prime256v1, secp384r1 and secp521r1 keys.")
        now = cert_now(self.emu.knobs)
        if leaf.not_valid_after_utc <= now:
            raise _validation("The certificate has expired, is not valid.")
        if leaf.not_valid_before_utc > now:
            raise _validation("The certificate is not in effect yet, is not valid.")
        chain = []
        if chain_text is not None:
            cblocks, cjunk = _pem_blocks(chain_text)
            if cjunk or not cblocks or any(lb != "CERTIFICATE" for lb, _ in cblocks):
                raise _validation(MSG_CHAIN)
            try:
                chain = [x509.load_pem_x509_certificate(p.encode("latin-1")) for _, p in cblocks]
            except (ValueError, UnicodeEncodeError):
                raise _validation(MSG_CHAIN)
            prev = leaf
            for c in chain:
                if not _issued_by(prev, c):
                    raise _validation(MSG_CHAIN)
                prev = c
        pem = leaf.public_bytes(serialization.Encoding.PEM).decode("ascii")
        chain_pem = "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain)
        return leaf, pem, chain_pem or None

    def _reimport_rules(self, old, leaf):
        """ACM User Guide, import-reimport ("Reimport a certificate"): the key algorithm and size
        stay; key usages and extended key usages may only be added, except that
        keyEncipherment may be dropped from an ECDSA certificate and TLS client authentication
        may be dropped (aws-rules.md, ACM for CloudFront; issue #13); an ACM-issued
        certificate cannot be re-imported; no tags with a re-import."""
        if old.type != "IMPORTED":
            raise _validation(f"The certificate {old.arn} is not an imported certificate: only "
                              "imported certificates can be reimported.")
        new_alg = key_algorithm(leaf.public_key())
        if new_alg != old.key_algorithm:
            raise _validation(f"The certificate's key algorithm ({new_alg}) must match the key "
                              f"algorithm of the certificate being reimported ({old.key_algorithm}).")
        dropped = set(old.key_usages) - set(key_usages(leaf))
        if new_alg.startswith("EC_"):
            dropped.discard("KEY_ENCIPHERMENT")
        if dropped:
            raise _validation("The new certificate must keep the key usages of the certificate being "
                              f"reimported; it lacks {', '.join(sorted(dropped))}.")
        dropped = {n for n, _ in old.ekus} - {n for n, _ in extended_key_usages(leaf)}
        dropped.discard("TLS_WEB_CLIENT_AUTHENTICATION")
        if dropped:
            raise _validation("The new certificate must keep the extended key usages of the certificate "
                              f"being reimported; it lacks {', '.join(sorted(dropped))}.")

    def _ImportCertificate(self, region, params):
        arn = params.get("CertificateArn")
        if arn is not None and params.get("Tags"):
            # botocore model, ImportCertificateRequest.Tags: "You cannot apply tags when reimporting
            # a certificate."
            raise _validation("You cannot apply tags when reimporting a certificate.")
        tags = _check_tags(params.get("Tags"))
        leaf, pem, chain_pem = self._parse_import(params)
        certs = self.state.region(region)
        if arn is not None:
            old = self._get(region, arn)
            self._reimport_rules(old, leaf)
            # The ARN, tags, associations (InUseBy) stay; the certificate is replaced.
            old.set_leaf(leaf, pem, chain_pem)
            old.imported = utcnow()
            return _ok({"CertificateArn": arn})
        if sum(1 for c in certs.values() if c.type == "IMPORTED") >= IMPORT_QUOTA:
            raise AwsError("LimitExceededException",
                           f"The certificate limit of {IMPORT_QUOTA} imported certificates has been "
                           "exceeded.", 400)
        arn = f"arn:{partition_of(region)}:acm:{region}:{ACCOUNT_ID}:certificate/{uuid.uuid4()}"
        certs[arn] = AcmCert(arn, leaf, pem, chain_pem, "IMPORTED", tags)
        return _ok({"CertificateArn": arn})

    def _RequestCertificate(self, region, params):
        """An ACM-issued certificate (AMAZON_ISSUED; PRIVATE with CertificateAuthorityArn),
        issued at once (a deviation: AWS validates the domain first, PENDING_VALIDATION): for the
        tests of what libcert must never re-import or replace."""
        from emu_certs import Pki

        domain = params.get("DomainName")
        if not isinstance(domain, str) or not domain:
            raise _validation("1 validation error detected: Value null at 'domainName' failed to "
                              "satisfy constraint: Member must not be null")
        names = [domain] + [n for n in params.get("SubjectAlternativeNames") or [] if n != domain]
        pki = getattr(self, "_pki", None) or Pki("Emulated Amazon")
        self._pki = pki
        nb = cert_now(self.emu.knobs) - datetime.timedelta(days=1)
        issued = pki.leaf(names, key_kind="rsa", not_before=nb, days=395)
        kind = "PRIVATE" if params.get("CertificateAuthorityArn") else "AMAZON_ISSUED"
        arn = f"arn:{partition_of(region)}:acm:{region}:{ACCOUNT_ID}:certificate/{uuid.uuid4()}"
        self.state.region(region)[arn] = AcmCert(arn, issued.cert, issued.cert_pem, pki.chain, kind,
                                                 _check_tags(params.get("Tags")))
        return _ok({"CertificateArn": arn})

    # -- read -----------------------------------------------------------------------------------

    def _DescribeCertificate(self, region, params):
        c = self._get(region, params.get("CertificateArn"))
        return _ok({"Certificate": c.detail(self.emu.knobs, self.in_use_by(c.arn))})

    def _GetCertificate(self, region, params):
        # ACM API Reference, GetCertificate: the certificate and the chain of its issuer and the
        # intermediates: as imported (an imported certificate's chain is what was imported).
        c = self._get(region, params.get("CertificateArn"))
        out = {"Certificate": c.cert_pem}
        if c.chain_pem:
            out["CertificateChain"] = c.chain_pem
        return _ok(out)

    def _ListCertificates(self, region, params):
        """ACM API Reference, ListCertificates: CertificateStatuses and Includes filter (keyTypes
        defaults to RSA_1024 and RSA_2048); MaxItems 1-1000 (the emulator's page without it:
        1,000); an opaque NextToken while more remain; summaries in import order."""
        statuses = params.get("CertificateStatuses") or None
        includes = params.get("Includes") or {}
        key_types = includes.get("keyTypes") or list(DEFAULT_KEY_TYPES)
        for k in key_types:
            if k not in KEY_TYPES:
                raise _validation(f"1 validation error detected: Value '[{k}]' at 'includes.keyTypes' "
                                  "failed to satisfy constraint: Member must satisfy enum value set")
        max_items = params.get("MaxItems", 1000)
        if not isinstance(max_items, int) or not 1 <= max_items <= 1000:
            raise _validation(f"1 validation error detected: Value '{max_items}' at 'maxItems' failed "
                              "to satisfy constraint: Member must have value between 1 and 1000")
        token = params.get("NextToken")
        start = 0
        if token is not None:
            try:
                start = int(base64.b64decode(token).decode("ascii").split(":")[1])
            except (ValueError, IndexError, UnicodeDecodeError):
                raise AwsError("InvalidArgsException", "The NextToken is not valid.", 400)
        knobs = self.emu.knobs
        chosen = [c for c in self.state.region(region).values()
                  if c.key_algorithm in key_types and (statuses is None or c.status(knobs) in statuses)
                  and c.domain]
        page = chosen[start:start + max_items]
        out = {"CertificateSummaryList": [c.summary(knobs, self.in_use_by(c.arn)) for c in page]}
        if start + max_items < len(chosen):
            out["NextToken"] = base64.b64encode(f"next:{start + max_items}".encode()).decode()
        return _ok(out)

    def _ListTagsForCertificate(self, region, params):
        c = self._get(region, params.get("CertificateArn"))
        return _ok({"Tags": [{"Key": k, "Value": v} for k, v in c.tags.items()]})

    # -- change ---------------------------------------------------------------------------------

    def _AddTagsToCertificate(self, region, params):
        c = self._get(region, params.get("CertificateArn"))
        tags = _check_tags(params.get("Tags"))
        merged = dict(c.tags)
        merged.update(tags)
        if len(merged) > 50:
            # ACM User Guide, acm-limits / tags: at most 50 tags a certificate.
            raise AwsError("TooManyTagsException", "the TagSet contains too many Tags", 400)
        c.tags = merged
        return _ok()

    def _RemoveTagsFromCertificate(self, region, params):
        c = self._get(region, params.get("CertificateArn"))
        for t in params.get("Tags") or []:
            k = t.get("Key")
            if k in c.tags and ("Value" not in t or c.tags[k] == t["Value"]):
                del c.tags[k]
        return _ok()

    def _DeleteCertificate(self, region, params):
        c = self._get(region, params.get("CertificateArn"))
        users = self.in_use_by(c.arn)
        if users:
            # ACM API Reference, DeleteCertificate: "You cannot delete an ACM certificate that is
            # being used by another AWS service"; Errors: ResourceInUseException.
            raise AwsError("ResourceInUseException",
                           f"Certificate {c.arn} in account {ACCOUNT_ID} is in use by {users[0]}.", 400)
        del self.state.region(region)[c.arn]
        return _ok()
