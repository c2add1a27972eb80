# SPDX-License-Identifier: Apache-2.0
"""CloudFront distribution APIs with AWS's real rules, on the emulator's own state.

moto 5.2.1 re-renders a DistributionConfig from its own model (elements it does not model are
dropped), ignores If-Match on UpdateDistribution, never changes Status, does not check the
ViewerCertificate against IAM, and lists summaries without Aliases and ViewerCertificate. The
emulator keeps the DistributionConfig document as it was sent and answers it back unchanged, so
a client that edits one element and sends the rest back can be checked byte for byte.

"CloudFront API Reference, <Action>" means that action's page in the Amazon CloudFront API
Reference; "botocore model" means botocore/data/cloudfront/2020-05-31/service-2.json here.
"""

import re
import time
import xml.etree.ElementTree as ET

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from emu_common import (
    ACCOUNT_ID,
    CF_NS,
    LOWER_ALNUM,
    STATE_LOCK,
    UPPER_ALNUM,
    AwsError,
    Response,
    esc,
    iso_ms,
    new_request_id,
    rand_chars,
    rest_operation,
    utcnow,
    cert_now,
)
from emu_iam import leaf_dns_names

API = "/2020-05-31"
_DIST_RE = re.compile(r"^/2020-05-31/distribution(?:/([^/]+)(/config)?)?/?$")

# Texts CloudFront answers, with where they were seen.
# CloudFront API Reference, Errors: InvalidViewerCertificate; text as CloudFront answers it for a
# certificate it cannot use (cloudposse/terraform-aws-cloudfront-s3-cdn#55 and many others).
MSG_CERT_UNUSABLE = (
    "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or "
    "doesn't include a valid certificate chain."
)
# Alias not covered by the certificate (hashicorp/terraform-provider-aws#13828).
MSG_ALIAS_UNCOVERED = (
    "The certificate that is attached to your distribution doesn't cover the alternate domain name "
    "(CNAME) that you're trying to add. For more details, see: "
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html"
    "#alternate-domain-names-requirements"
)
# Aliases with the default certificate (cloudposse/terraform-aws-cloudfront-s3-cdn#72).
MSG_ALIAS_NEEDS_CERT = (
    "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a "
    "trusted certificate that validates your authorization to use the domain name. For more "
    "details, see: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html"
    "#alternate-domain-names-requirements"
)

SSL_METHODS = ("sni-only", "vip", "static-ip")  # botocore model: SSLSupportMethod
PROTOCOLS = (  # botocore model: MinimumProtocolVersion
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.3_2025",
    "TLSv1.2_2025",
)

def operation_name(method, path, query):
    m = _DIST_RE.match(path)
    if m:
        dist_id, config = m.group(1), m.group(2)
        if dist_id is None:
            if method == "POST":
                return "CreateDistributionWithTags" if "WithTags" in query else "CreateDistribution"
            if method == "GET":
                return "ListDistributions"
        elif config:
            return {"GET": "GetDistributionConfig", "PUT": "UpdateDistribution"}.get(method)
        else:
            return {"GET": "GetDistribution", "DELETE": "DeleteDistribution"}.get(method)
    # the others, for the log and the fault rules: botocore's model names them
    return rest_operation("cloudfront", method, path, query)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _child(el, name):
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el, name):
    c = _child(el, name)
    if c is None:
        return None
    return (c.text or "").strip()


def _ser(el):
    """Serialise an element without namespace prefixes, whitespace between elements dropped."""
    tag = _local(el.tag)
    if len(el):
        return f"<{tag}>" + "".join(_ser(c) for c in el) + f"</{tag}>"
    text = el.text or ""
    return f"<{tag}>{esc(text)}</{tag}>" if text else f"<{tag}/>"


def _canon(el):
    if el is None:
        return ""
    return _ser(el)


class Config:
    """What the emulator reads out of a DistributionConfig; the document itself stays as sent."""

    def __init__(self, raw):
        self.raw = raw
        if not raw.strip():
            # CloudFront API Reference, Errors: MissingBody.
            raise AwsError(
                "MissingBody",
                "This operation requires a body. Ensure that the body is present and the "
                "Content-Type header is set.",
                400,
            )
        try:
            self.root = ET.fromstring(raw)
        except ET.ParseError:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                           "validate against our published schema.", 400)
        if _local(self.root.tag) != "DistributionConfig":
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                           "validate against our published schema.", 400)
        # botocore model, DistributionConfig: required members.
        for name in ("CallerReference", "Origins", "DefaultCacheBehavior", "Comment", "Enabled"):
            if _child(self.root, name) is None:
                raise AwsError("InvalidArgument", f"The parameter {name} is required.", 400)
        self.caller_ref = _text(self.root, "CallerReference")
        enabled = _text(self.root, "Enabled")
        if enabled not in ("true", "false"):
            raise AwsError("InvalidArgument", "The parameter Enabled must be true or false.", 400)
        self.enabled = enabled == "true"
        aliases = _child(self.root, "Aliases")
        self.aliases = []
        if aliases is not None:
            items = _child(aliases, "Items")
            self.aliases = [(c.text or "").strip() for c in items] if items is not None else []
            qty = _text(aliases, "Quantity")
            if qty is None or not qty.isdigit() or int(qty) != len(self.aliases):
                # CloudFront API Reference, Errors: InconsistentQuantities.
                raise AwsError(
                    "InconsistentQuantities", "The value of Quantity and the size of Items don't match.", 400
                )
        self.vc_el = _child(self.root, "ViewerCertificate")
        self.vc = {_local(c.tag): (c.text or "").strip() for c in self.vc_el} if self.vc_el is not None else {}

    @property
    def cert_id(self):
        return self.vc.get("IAMCertificateId") or None

    @property
    def acm_arn(self):
        return self.vc.get("ACMCertificateArn") or None


def _as_cloudfront_returns_acm(raw, arn):
    """CloudFront echoes the deprecated ViewerCertificate members for an ACM certificate:
    GetDistributionConfig returns Certificate (the ARN) and CertificateSource acm, whether or not
    they were sent (CloudFront API Reference, ViewerCertificate: Certificate, CertificateSource;
    aws-rules.md, ACM for CloudFront). The rest of the document stays byte for byte."""
    text = raw.decode("utf-8")
    m = re.search(r"<ViewerCertificate>(.*?)</ViewerCertificate>", text, re.S)
    if m is None:
        return raw
    inner = re.sub(r"\s*<Certificate>.*?</Certificate>|\s*<Certificate/>", "", m.group(1), flags=re.S)
    inner = re.sub(r"\s*<CertificateSource>.*?</CertificateSource>|\s*<CertificateSource/>", "", inner,
                   flags=re.S)
    inner += f"<Certificate>{esc(arn)}</Certificate><CertificateSource>acm</CertificateSource>"
    return (text[: m.start(1)] + inner + text[m.end(1):]).encode("utf-8")


class Distribution:
    def __init__(self, dist_id):
        self.id = dist_id
        # CloudFront domain names: d + 13 lower-case letters and digits + .cloudfront.net
        # (CloudFront API Reference, Distribution: DomainName, e.g. d111111abcdef8.cloudfront.net).
        self.domain = "d" + rand_chars(LOWER_ALNUM, 13) + ".cloudfront.net"
        self.config = None
        self.etag = None
        self.last_modified = None
        self.deployed_at = 0.0
        self.vc_change_until = 0.0
        self.inflight_cert_ids = set()

    @property
    def arn(self):
        return f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{self.id}"

    def in_progress(self):
        return time.monotonic() < self.deployed_at

    @property
    def status(self):
        # CloudFront API Reference, Distribution: Status is InProgress while the change propagates
        # to the edge locations, then Deployed.
        return "InProgress" if self.in_progress() else "Deployed"

    def config_inner(self):
        text = self.config.raw.decode("utf-8")
        return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)

    def xml(self):
        return (
            '<?xml version="1.0"?>\n'
            f'<Distribution xmlns="{CF_NS}"><Id>{self.id}</Id><ARN>{self.arn}</ARN>'
            f"<Status>{self.status}</Status><LastModifiedTime>{iso_ms(self.last_modified)}</LastModifiedTime>"
            "<InProgressInvalidationBatches>0</InProgressInvalidationBatches>"
            f"<DomainName>{self.domain}</DomainName>"
            "<ActiveTrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></ActiveTrustedSigners>"
            "<ActiveTrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></ActiveTrustedKeyGroups>"
            + self.config_inner()
            + "</Distribution>"
        )

    def summary_xml(self):
        """CloudFront API Reference, DistributionSummary: carries Aliases, ViewerCertificate and
        the rest of the config's top-level settings (moto leaves Aliases and ViewerCertificate out)."""
        root = self.config.root

        def part(name, default):
            el = _child(root, name)
            return _ser(el) if el is not None else default

        vc_default = (
            "<ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate>"
            "<SSLSupportMethod>vip</SSLSupportMethod><MinimumProtocolVersion>TLSv1</MinimumProtocolVersion>"
            "<CertificateSource>cloudfront</CertificateSource></ViewerCertificate>"
        )
        out = (
            f"<DistributionSummary><Id>{self.id}</Id><ARN>{self.arn}</ARN><ETag>{self.etag}</ETag>"
            f"<Status>{self.status}</Status><LastModifiedTime>{iso_ms(self.last_modified)}</LastModifiedTime>"
            f"<DomainName>{self.domain}</DomainName>"
            + part("Aliases", "<Aliases><Quantity>0</Quantity></Aliases>")
            + part("Origins", "<Origins><Quantity>0</Quantity></Origins>")
            + part("OriginGroups", "<OriginGroups><Quantity>0</Quantity></OriginGroups>")
            + part("DefaultCacheBehavior", "<DefaultCacheBehavior/>")
            + part("CacheBehaviors", "<CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>")
            + part("CustomErrorResponses", "<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>")
            + part("Comment", "<Comment/>")
            + part("PriceClass", "<PriceClass>PriceClass_All</PriceClass>")
            + part("Enabled", "<Enabled>false</Enabled>")
            + part("ViewerCertificate", vc_default)
            + part(
                "Restrictions",
                "<Restrictions><GeoRestriction><RestrictionType>none</RestrictionType>"
                "<Quantity>0</Quantity></GeoRestriction></Restrictions>",
            )
            + part("WebACLId", "<WebACLId/>")
            + part("HttpVersion", "<HttpVersion>http2</HttpVersion>")
            + part("IsIPV6Enabled", "<IsIPV6Enabled>false</IsIPV6Enabled>")
            + part("Staging", "<Staging>false</Staging>")
            + "</DistributionSummary>"
        )
        return out


def _covered(alias, sans):
    """CloudFront Developer Guide, "Requirements for using alternate domain names": each alias must
    be covered by a SAN of the certificate: the same name, or a wildcard SAN "*.x" covering exactly
    one label to its left ("a.x", never "b.a.x"); a wildcard alias needs the same wildcard SAN.
    Compared as DNS names (no case); a trailing dot is not stripped (widdix/aws-cf-templates#443)."""
    a = alias.lower()
    for san in sans:
        s = san.lower()
        if a == s:
            return True
        if s.startswith("*.") and not a.startswith("*."):
            label, dot, rest = a.partition(".")
            if dot and label and rest == s[2:]:
                return True
    return False


def _key_supported(leaf):
    """CloudFront Developer Guide, "Requirements for using SSL/TLS certificates with CloudFront":
    RSA keys of 1024, 2048, 3072 or 4096 bits and ECDSA P-256 keys only."""
    pub = leaf.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        return pub.key_size in (1024, 2048, 3072, 4096)
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return pub.curve.name == "secp256r1"
    return False


def _invalid_cert(msg=MSG_CERT_UNUSABLE):
    return AwsError("InvalidViewerCertificate", msg, 400)


class CloudFrontState:
    def __init__(self):
        self.dists = {}
        self.caller_refs = set()

    def reset(self):
        self.dists = {}
        self.caller_refs = set()


class CloudFrontHandlers:
    def __init__(self, state, emu):
        self.state = state
        self.emu = emu

    # -- queries used by the IAM side -------------------------------------------------------------

    def distributions_using_acm(self, arn):
        """ARNs of the distributions that serve the ACM certificate arn, or served it in a change
        still InProgress: ACM's InUseBy (ACM API Reference, CertificateDetail)."""
        return [d.arn for d in self.state.dists.values()
                if d.config.acm_arn == arn or (d.in_progress() and arn in d.inflight_cert_ids)]

    def distributions_using_cert(self, cert_id):
        """ARNs of distributions whose config uses cert_id, or whose still-InProgress update
        replaced a config that used it (the edges serve the old certificate until Deployed)."""
        out = []
        for d in self.state.dists.values():
            if d.config.cert_id == cert_id or (d.in_progress() and cert_id in d.inflight_cert_ids):
                out.append(d.arn)
        return out

    def force_deploy(self, dist_id=None):
        with STATE_LOCK:
            for d in self.state.dists.values():
                if dist_id is None or d.id == dist_id:
                    d.deployed_at = 0.0
                    d.vc_change_until = 0.0
                    d.inflight_cert_ids = set()

    # -- rules ----------------------------------------------------------------------------------

    def _check_aliases_free(self, cfg, dist_id):
        # CloudFront API Reference, CreateDistribution / UpdateDistribution, Errors:
        # CNAMEAlreadyExists (409); text as CloudFront answers it (serverless-nextjs#324 et al.).
        mine = {a.lower() for a in cfg.aliases}
        for d in self.state.dists.values():
            if d.id == dist_id:
                continue
            if mine & {a.lower() for a in d.config.aliases}:
                raise AwsError(
                    "CNAMEAlreadyExists",
                    "One or more of the CNAMEs you provided are already associated with a different resource.",
                    409,
                )

    def _check_viewer_certificate(self, cfg):
        vc = cfg.vc
        iam_id = vc.get("IAMCertificateId") or None
        acm = vc.get("ACMCertificateArn") or None
        default = vc.get("CloudFrontDefaultCertificate") == "true"
        ssl = vc.get("SSLSupportMethod")
        mpv = vc.get("MinimumProtocolVersion")
        # Deprecated Certificate / CertificateSource (botocore model, ViewerCertificate: deprecated)
        # must agree with IAMCertificateId. CloudFront answers these as InvalidViewerCertificate with
        # these texts (dlapiduz/certbot-s3front#6 and #12).
        if iam_id and "Certificate" in vc and vc["Certificate"] != iam_id:
            raise _invalid_cert("Your IAMCertificateId does not match the given Certificate field.")
        if iam_id and "CertificateSource" in vc and vc["CertificateSource"] != "iam":
            raise _invalid_cert('Cannot specify IAMCertificateId and a CertificateSource not equal to "iam".')
        # CloudFront API Reference, ViewerCertificate: ACMCertificateArn or IAMCertificateId
        # ("specify a value for one, not both"), and CloudFrontDefaultCertificate only without them.
        if sum(1 for x in (iam_id, acm, default) if x) > 1:
            raise _invalid_cert(
                "Exactly one of ACMCertificateArn, IAMCertificateId and CloudFrontDefaultCertificate "
                "may be specified."
            )
        if mpv is not None and mpv not in PROTOCOLS:
            raise AwsError("InvalidMinimumProtocolVersion", "The minimum protocol version specified is not valid.", 400)
        if ssl is not None and ssl not in SSL_METHODS:
            raise AwsError("InvalidArgument", f"The SSLSupportMethod {ssl} is not valid.", 400)
        # CloudFront API Reference, ViewerCertificate, IAMCertificateId / ACMCertificateArn: "you must
        # also specify values for MinimumProtocolVersion and SSLSupportMethod".
        if (iam_id or acm) and (not ssl or not mpv):
            raise _invalid_cert(
                "When you specify IAMCertificateId or ACMCertificateArn you must also specify "
                "SSLSupportMethod and MinimumProtocolVersion."
            )
        # CloudFront API Reference, ViewerCertificate, MinimumProtocolVersion: with sni-only "you
        # must specify TLSv1 or higher"; Errors: InvalidMinimumProtocolVersion
        # (cloudtools/troposphere#218).
        if ssl == "sni-only" and mpv == "SSLv3":
            raise AwsError("InvalidMinimumProtocolVersion", "The minimum protocol version specified is not valid.", 400)
        if iam_id:
            cert = self.emu.iam_state.by_id(iam_id)
            if cert is None:
                raise _invalid_cert()
            # IAM API Reference, UploadServerCertificate, Path: a certificate for CloudFront must be
            # uploaded with a path beginning /cloudfront and ending with / (ubergeek42/lambda-letsencrypt#21).
            if not cert.path.startswith("/cloudfront/"):
                raise _invalid_cert()
            # IAM is eventually consistent: right after an upload CloudFront may not see the
            # certificate yet (hashicorp/terraform-provider-aws#4698 retries this for a minute).
            if time.monotonic() < cert.uploaded_mono + self.emu.knobs["consistency_delay"]:
                raise _invalid_cert()
            if cert.leaf.not_valid_after_utc < cert_now(self.emu.knobs) or not _key_supported(cert.leaf):
                raise _invalid_cert()
            sans = leaf_dns_names(cert.leaf)
            for alias in cfg.aliases:
                if not _covered(alias, sans):
                    raise _invalid_cert(MSG_ALIAS_UNCOVERED)
        elif acm:
            self._check_acm(cfg, vc, acm)
        elif not acm and cfg.aliases:
            # Aliases with the default *.cloudfront.net certificate.
            raise _invalid_cert(MSG_ALIAS_NEEDS_CERT)

    def _check_acm(self, cfg, vc, acm):
        """CloudFront Developer Guide, "Requirements for using SSL/TLS certificates with
        CloudFront": an ACM certificate must be in US East (N. Virginia), issued (not expired,
        not pending), with a key CloudFront serves (RSA 1024-4096, ECDSA P-256), and cover every
        alternate domain name; otherwise InvalidViewerCertificate with the same text as for IAM
        ("... doesn't exist, isn't in us-east-1 region, isn't valid ..."). The deprecated
        Certificate / CertificateSource must agree with ACMCertificateArn, as with IAMCertificateId
        (dlapiduz/certbot-s3front#12)."""
        from emu_acm import ARN_RE

        if "Certificate" in vc and vc["Certificate"] and vc["Certificate"] != acm:
            raise _invalid_cert("Your ACMCertificateArn does not match the given Certificate field.")
        if "CertificateSource" in vc and vc["CertificateSource"] and vc["CertificateSource"] != "acm":
            raise _invalid_cert('Cannot specify ACMCertificateArn and a CertificateSource not equal to "acm".')
        m = ARN_RE.fullmatch(acm)
        if m is None or m.group(2) != "us-east-1":
            raise _invalid_cert()
        cert = self.emu.acm_state.find(acm)
        if cert is None or cert.status(self.emu.knobs) != "ISSUED" or not _key_supported(cert.leaf):
            raise _invalid_cert()
        for alias in cfg.aliases:
            if not _covered(alias, cert.sans):
                raise _invalid_cert(MSG_ALIAS_UNCOVERED)

    def _normalised(self, cfg):
        """The config as CloudFront stores it: for an ACM certificate, with the deprecated members
        it echoes."""
        if cfg.acm_arn is None:
            return cfg
        return Config(_as_cloudfront_returns_acm(cfg.raw, cfg.acm_arn))

    # -- handlers -------------------------------------------------------------------------------

    def handle(self, action, method, path, query, headers, body):
        m = _DIST_RE.match(path)
        dist_id = m.group(1) if m else None
        fn = getattr(self, "_" + action)
        return fn(dist_id=dist_id, query=query, headers=headers, body=body)

    @staticmethod
    def _answer(status, xml, etag=None, extra=()):
        rid = new_request_id()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
        if etag:
            headers.append(("ETag", etag))
        headers.extend(extra)
        return Response(status, headers, xml)

    def _get(self, dist_id):
        d = self.state.dists.get(dist_id)
        if d is None:
            # CloudFront API Reference, Errors: NoSuchDistribution (404).
            raise AwsError("NoSuchDistribution", "The specified distribution does not exist.", 404)
        return d

    @staticmethod
    def _if_match(d, headers):
        # CloudFront API Reference, UpdateDistribution / DeleteDistribution: If-Match carries the
        # ETag from GetDistribution(Config). Missing: InvalidIfMatchVersion (400); not the current
        # ETag: PreconditionFailed (412), text as CloudFront answers it
        # (milliHQ/terraform-aws-next-js#274).
        value = (headers.get("If-Match") or "").strip()
        if not value:
            raise AwsError("InvalidIfMatchVersion", "The If-Match version is missing or not valid.", 400)
        if value != d.etag:
            raise AwsError(
                "PreconditionFailed",
                "The request failed because it didn't meet the preconditions in one or more "
                "request-header fields.",
                412,
            )

    def _new_id(self):
        while True:
            i = "E" + rand_chars(UPPER_ALNUM, 13)
            if i not in self.state.dists:
                return i

    @staticmethod
    def _new_etag():
        # CloudFront ETags look like E2QWRUHAPOMQZL; every change gets a new one.
        return "E" + rand_chars(UPPER_ALNUM, 13)

    def _CreateDistribution(self, body, **_):
        return self._create(body)

    def _CreateDistributionWithTags(self, body, **_):
        text = body.decode("utf-8")
        m = re.search(r"<DistributionConfig(\s[^>]*)?>.*</DistributionConfig>", text, re.S)
        if not m:
            return self._create(b"")
        inner = m.group(0)
        if "xmlns" not in (m.group(1) or ""):
            inner = inner.replace("<DistributionConfig", f'<DistributionConfig xmlns="{CF_NS}"', 1)
        return self._create(('<?xml version="1.0" encoding="UTF-8"?>\n' + inner).encode("utf-8"))

    def _create(self, body):
        cfg = Config(body)
        with STATE_LOCK:
            if cfg.caller_ref in self.state.caller_refs:
                # botocore model, DistributionConfig.CallerReference: a CallerReference already
                # used gets DistributionAlreadyExists (409).
                raise AwsError(
                    "DistributionAlreadyExists",
                    "The caller reference you attempted to create the distribution with is "
                    "associated with another distribution.",
                    409,
                )
            self._check_aliases_free(cfg, None)
            self._check_viewer_certificate(cfg)
            cfg = self._normalised(cfg)
            d = Distribution(self._new_id())
            d.config = cfg
            d.etag = self._new_etag()
            d.last_modified = utcnow()
            d.deployed_at = time.monotonic() + self.emu.knobs["deploy_delay"]
            # A new distribution deploys its certificate too: no other viewer-certificate change
            # until it is Deployed (hashicorp/terraform#13495).
            d.vc_change_until = d.deployed_at
            self.state.dists[d.id] = d
            self.state.caller_refs.add(cfg.caller_ref)
            xml = d.xml()
            etag = d.etag
        loc = f"https://cloudfront.amazonaws.com{API}/distribution/{d.id}"
        return self._answer(201, xml, etag, [("Location", loc)])

    def _GetDistribution(self, dist_id, **_):
        with STATE_LOCK:
            d = self._get(dist_id)
            return self._answer(200, d.xml(), d.etag)

    def _GetDistributionConfig(self, dist_id, **_):
        # The document exactly as stored (as last sent), so unknown elements survive.
        with STATE_LOCK:
            d = self._get(dist_id)
            return self._answer(200, d.config.raw, d.etag)

    def _UpdateDistribution(self, dist_id, headers, body, **_):
        with STATE_LOCK:
            d = self._get(dist_id)
            self._if_match(d, headers)
            cfg = Config(body)
            if cfg.caller_ref != d.config.caller_ref:
                # CloudFront API Reference, UpdateDistribution: "You can't change the value of
                # CallerReference"; Errors: IllegalUpdate.
                raise AwsError("IllegalUpdate", "The CallerReference cannot be changed.", 400)
            self._check_aliases_free(cfg, d.id)
            self._check_viewer_certificate(cfg)
            cfg = self._normalised(cfg)
            vc_changed = _canon(cfg.vc_el) != _canon(d.config.vc_el)
            now = time.monotonic()
            if vc_changed and now < d.vc_change_until:
                # CloudFront API Reference, UpdateDistribution, Errors: IllegalUpdate; text as
                # CloudFront answers it (hashicorp/terraform#13495, dlapiduz/certbot-s3front#34).
                raise AwsError("IllegalUpdate", "Only one viewer certificate change may be in progress at a time.", 400)
            if not d.in_progress():
                d.inflight_cert_ids = set()
            if d.config.cert_id:
                d.inflight_cert_ids.add(d.config.cert_id)
            if d.config.acm_arn:
                d.inflight_cert_ids.add(d.config.acm_arn)
            d.config = cfg
            d.etag = self._new_etag()
            d.last_modified = utcnow()
            d.deployed_at = now + self.emu.knobs["deploy_delay"]
            if vc_changed:
                d.vc_change_until = d.deployed_at
            return self._answer(200, d.xml(), d.etag)

    def _DeleteDistribution(self, dist_id, headers, **_):
        with STATE_LOCK:
            d = self._get(dist_id)
            self._if_match(d, headers)
            if d.config.enabled or d.in_progress():
                # CloudFront API Reference, DeleteDistribution: disable it first (and let that
                # deploy); Errors: DistributionNotDisabled (409), text as CloudFront answers it
                # (rebuy-de/aws-nuke#155).
                raise AwsError(
                    "DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.", 409
                )
            del self.state.dists[d.id]
        rid = new_request_id()
        return Response(204, [("x-amzn-RequestId", rid)], b"")

    def _ListDistributions(self, query, **_):
        # CloudFront API Reference, ListDistributions: Marker / MaxItems; NextMarker is the Id of
        # the last distribution on the page and the next page starts after it.
        marker = (query.get("Marker") or [""])[0]
        max_raw = (query.get("MaxItems") or ["100"])[0]
        if not max_raw.isdigit() or int(max_raw) < 1:
            raise AwsError("InvalidArgument", "The parameter MaxItems must be a positive integer.", 400)
        max_items = int(max_raw)
        with STATE_LOCK:
            dists = sorted(self.state.dists.values(), key=lambda x: x.id)
            if marker:
                dists = [x for x in dists if x.id > marker]
            page, rest = dists[:max_items], dists[max_items:]
            items = "".join(x.summary_xml() for x in page)
        out = f'<?xml version="1.0"?>\n<DistributionList xmlns="{CF_NS}"><Marker>{esc(marker)}</Marker>'
        if rest:
            out += f"<NextMarker>{page[-1].id}</NextMarker>"
        out += f"<MaxItems>{max_items}</MaxItems><IsTruncated>{'true' if rest else 'false'}</IsTruncated>"
        out += f"<Quantity>{len(page)}</Quantity>"
        if page:
            out += f"<Items>{items}</Items>"
        out += "</DistributionList>"
        return self._answer(200, out)
