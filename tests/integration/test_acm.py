#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ACM as a second store (issue #13), every tool against the emulator, read back with the AWS CLI
(aws acm get-certificate / describe-certificate / list-tags-for-certificate, aws cloudfront
get-distribution-config):

- certup --store acm: the import, found again on a rerun (an EC P-256 certificate: ListCertificates
  must name its key type, and names that one alone), the same leaf with another chain re-imported in place, --tag in the
  import itself, the checks (a key CloudFront does not serve, an expired certificate) before any
  request, a region other than us-east-1 configured, a partition without ACM for CloudFront;
- certup --reimport ARN: each re-import rule broken once (key algorithm, key size, an EKU other
  than clientAuth, keyEncipherment on RSA, tags), with its code and nothing sent; clientAuth and
  keyEncipherment on ECDSA dropped allowed; an ARN used by a resource outside the run refused
  (acm.shared); an ACM-issued certificate refused (acm.managed);
- certattach --cert ARN: pre-flight (region, partition, status, key, aliases), ACMCertificateArn
  set, rerun unchanged, acm.managed;
- certrotate: the IAM->ACM migration with --delete-old, the next renewal re-imported in place with
  no UpdateDistribution, a shared ARN or a new key type imported and attached instead, an ACM-issued
  certificate refused, mixed stores refused without --store, a distribution on CloudFront's default
  certificate moved to ACM only with --store acm, the downgrade guard;
- certls --store acm|all, certprune --store acm, certcheck --acm and --distribution;
- README's minimal IAM policy for each ACM mode covers every request the mode makes.

Run: python3 test_acm.py   (ctest sets the environment: see lib.py)
"""

import datetime
import json
import os
import re

from lib import (
    AT,
    EmuTestCase,
    Relay,
    cf_etag,
    fixture,
    iam_names,
    load_int2,
    main,
    pem_ders,
    read,
    upload_fixture,
)

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = datetime.timezone.utc
ARN_RE = re.compile(r"^arn:aws:acm:us-east-1:123456789012:certificate/[0-9a-f-]{36}$")
WRITES = ("UploadServerCertificate", "TagServerCertificate", "UpdateDistribution", "DeleteServerCertificate",
          "ImportCertificate", "AddTagsToCertificate", "DeleteCertificate")
EKU = {"server": ExtendedKeyUsageOID.SERVER_AUTH, "client": ExtendedKeyUsageOID.CLIENT_AUTH,
       "code": ExtendedKeyUsageOID.CODE_SIGNING}
_KEYS = {}


KINDS = {"ec": lambda: ec.generate_private_key(ec.SECP256R1()),
         "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
         "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
         "rsa3072": lambda: rsa.generate_private_key(public_exponent=65537, key_size=3072)}


def key_of(kind):
    """One key per kind for the whole run (a renewal keeps its key type; some keep the key)."""
    if kind not in _KEYS:
        _KEYS[kind] = KINDS[kind]()
    return _KEYS[kind]


def bundle(path, dns, not_after, key="ec", eku=("server",), key_encipherment=False,
           not_before=datetime.datetime(2025, 6, 1, tzinfo=UTC)):
    """A bundle (leaf, the fixtures' int2 and int1, key) for a leaf with these names, key type,
    extended key usages and keyEncipherment; valid at AT."""
    issuer, issuer_key = load_int2()
    k = key_of(key)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[0])]))
        .issuer_name(issuer.subject)
        .public_key(k.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in dns]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, key_encipherment, False, False, False, False, False, False),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([EKU[e] for e in eku]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    leaf = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode()
    chain = read(fixture("chain.pem"))
    with open(path, "w") as f:
        f.write(leaf + chain + key_pem)
    return leaf, key_pem, chain


def d(y, m, day=1):
    return datetime.datetime(y, m, day, tzinfo=UTC)


class AcmCase(EmuTestCase):
    def acm(self, *args, check=True):
        return self.aws("acm", *args, check=check)

    def b(self, name, dns=("www.example.com", "example.com"), not_after=d(2026, 6, 1), **kw):
        path = os.path.join(self.tmp, name)
        leaf, key_pem, chain = bundle(path, list(dns), not_after, **kw)
        return path, leaf, key_pem, chain

    def imp(self, leaf, key_pem, chain, **kw):
        return self.emu.import_certificate(leaf, key_pem, chain, **kw)

    def writes(self, since):
        return [e["action"] for e in self.emu.log(since=since) if e["action"] in WRITES]

    def viewer(self, dist_id):
        return self.aws("cloudfront", "get-distribution-config", "--id", dist_id)["DistributionConfig"][
            "ViewerCertificate"]

    def up(self, *args, env=None):
        return self.tool("certup", *self.CHECK, *args, env=env)


class Certup(AcmCase):
    def test_acm__certup_imports_and_finds_the_p256_import_again(self):
        r = self.up("--store", "acm", "--json", fixture("bundle-p256.pem"))
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        arn = doc["CertificateArn"]
        self.assertRegex(arn, ARN_RE)
        self.assertEqual((doc["libcert"]["status"], doc["libcert"]["store"]), ("imported", "acm"))
        got = self.acm("get-certificate", "--certificate-arn", arn)
        self.assertEqual(pem_ders(got["Certificate"]), pem_ders(read(fixture("bundle-p256.pem")))[:1])
        self.assertEqual(len(pem_ders(got["CertificateChain"])), 2)  # the intermediates, no root
        desc = self.acm("describe-certificate", "--certificate-arn", arn)["Certificate"]
        self.assertEqual((desc["Type"], desc["KeyAlgorithm"]), ("IMPORTED", "EC_prime256v1"))
        tags = self.acm("list-tags-for-certificate", "--certificate-arn", arn)["Tags"]
        self.assertIn({"Key": "libcert:uploaded", "Value": "certup"}, tags)
        # Found again: an EC key is listed only when ListCertificates names its key type (ACM
        # lists RSA_1024 and RSA_2048 alone by default); the listing names the leaf's key type
        # alone, so an account's certificates of other types are not sent (an RSA one here)
        self.imp(*self.b("rsa.pem", key="rsa")[1:])
        seq = self.emu.last_seq()
        relay = Relay(self.emu.port)
        self.addCleanup(relay.close)
        r = self.up("--store", "acm", "--json", fixture("bundle-p256.pem"),
                    env=self.env(AWS_ENDPOINT_URL=relay.endpoint))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.json()["libcert"]["status"], r.json()["CertificateArn"]), ("exists", arn))
        self.assertEqual(self.writes(seq), [])
        self.assertEqual([e["action"] for e in self.emu.log(since=seq)], ["ListCertificates", "GetCertificate"])
        listing = [json.loads(b) for _, h, b in relay.requests()
                   if h.get("x-amz-target", "").endswith("ListCertificates")]
        self.assertEqual([x["Includes"]["keyTypes"] for x in listing], [["EC_prime256v1"]])

    def test_acm__same_leaf_with_another_chain_is_reimported_in_place(self):
        # imported by hand with the leaf's issuer alone; certup sends the whole chain
        path, leaf, key, chain = self.b("good.pem")
        arn = self.imp(leaf, key, chain.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n")
        self.assertEqual(len(pem_ders(self.acm("get-certificate", "--certificate-arn", arn)["CertificateChain"])), 1)
        r = self.up("--store", "acm", "--json", path)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.json()["libcert"]["status"], r.json()["CertificateArn"]), ("reimported", arn))
        self.assertEqual(len(pem_ders(self.acm("get-certificate", "--certificate-arn", arn)["CertificateChain"])), 2)
        self.assertEqual(self.emu.count("ImportCertificate"), 2)

    def test_acm__another_region_configured_is_us_east_1(self):
        seq = self.emu.last_seq()
        r = self.up("--store", "acm", "--json", fixture("bundle-p256.pem"), env=self.env(AWS_REGION="eu-west-1"))
        self.assertEqual(r.rc, 0, r)
        self.assertIn(":acm:us-east-1:", r.json()["CertificateArn"])
        self.assertIn("live in us-east-1; using ACM there, not in eu-west-1", r.err)
        self.assertTrue(all(e["service"] == "acm" for e in self.emu.log(since=seq)))
        eu = self.emu.client("acm", region_name="eu-west-1").list_certificates(
            Includes={"keyTypes": ["EC_prime256v1"]})["CertificateSummaryList"]
        self.assertEqual(eu, [])

    def test_acm__partitions_without_acm_for_cloudfront(self):
        seq = self.emu.last_seq()
        r = self.up("--store", "acm", "--region", "cn-north-1", fixture("bundle-p256.pem"))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("partition aws-cn", r.err)
        self.assertIn("only IAM ones", r.err)
        r = self.up("--store", "acm", "--region", "us-gov-west-1", fixture("bundle-p256.pem"))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("has no CloudFront", r.err)
        self.assertEqual(self.emu.log(since=seq), [])
        # IAM works there (IAM-only work in every partition botocore lists)
        r = self.up("--region", "us-gov-west-1", "--json", fixture("bundle-p256.pem"))
        self.assertEqual(r.rc, 0, r)
        # a CloudFront tool refuses a partition without CloudFront, before any request
        seq = self.emu.last_seq()
        r = self.tool("certattach", *self.CHECK, "--region", "us-gov-west-1", "--cert", "x", "E2QWRUHAPOMQZL")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("CloudFront is not available in partition aws-us-gov", r.err)
        self.assertEqual(self.emu.log(since=seq), [])

    def test_acm__tags_go_with_a_new_import(self):
        path, *_ = self.b("tagged.pem")
        seq = self.emu.last_seq()
        r = self.up("--store", "acm", "--tag", "team=web", "--tag", "env=prod", "--json", path)
        self.assertEqual(r.rc, 0, r)
        arn = r.json()["CertificateArn"]
        tags = {t["Key"]: t["Value"] for t in self.acm("list-tags-for-certificate", "--certificate-arn", arn)["Tags"]}
        self.assertEqual(tags, {"team": "web", "env": "prod", "libcert:uploaded": "certup"})
        # in the import itself: no AddTagsToCertificate
        self.assertEqual(self.writes(seq), ["ImportCertificate"])

    def test_acm__checks_refuse_before_any_request(self):
        # a key CloudFront does not serve (ACM itself imports P-384), an expired certificate
        p384, *_ = self.b("p384.pem", key="p384")
        old, *_ = self.b("old.pem", not_after=d(2025, 12, 1))
        seq = self.emu.last_seq()
        for path, code in ((p384, "key.unsupported"), (old, "cert.expired")):
            r = self.up("--store", "acm", "--json", path)
            self.assertEqual(r.rc, 1, r)
            self.assertIn(code, r.err + r.out)
        self.assertEqual(self.emu.log(since=seq), [])

    def test_acm__dry_run_sends_nothing(self):
        seq = self.emu.last_seq()
        r = self.up("--store", "acm", "--dry-run", "--json", fixture("bundle-p256.pem"))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["libcert"]["status"], "dry-run")
        self.assertIn("redacted", r.json()["libcert"]["request"]["PrivateKey"])
        self.assertEqual(self.emu.log(since=seq), [])
        self.assertNoSecrets(r.out + r.err)


class Reimport(AcmCase):
    """certup --reimport ARN: each rule broken once, its code, nothing sent."""

    def refused(self, arn, path, code, *extra):
        seq = self.emu.last_seq()
        before = self.acm("get-certificate", "--certificate-arn", arn)["Certificate"]
        r = self.up("--reimport", arn, "--json", *extra, path)
        self.assertEqual(r.rc, 1, r)
        codes = [x["code"] for x in r.json()["libcert"]["refusals"] if not x["allowed"]]
        self.assertIn(code, codes, r)
        self.assertIn(code, r.err)
        self.assertEqual(self.writes(seq), [])
        self.assertEqual(self.acm("get-certificate", "--certificate-arn", arn)["Certificate"], before)
        return r

    def test_acm__reimport_rules_each_refused_with_its_code(self):
        _, leaf, key, chain = self.b("rsa.pem", key="rsa", eku=("server", "client", "code"), key_encipherment=True)
        arn = self.imp(leaf, key, chain)
        # another key algorithm (EC over RSA)
        ec_path, *_ = self.b("ec.pem", key="ec", eku=("server", "client", "code"), not_after=d(2026, 9, 1))
        self.refused(arn, ec_path, "acm.reimport.key")
        # an extended key usage dropped that is not clientAuth (codeSigning)
        p, *_ = self.b("nocode.pem", key="rsa", eku=("server", "client"), key_encipherment=True,
                       not_after=d(2026, 9, 1))
        self.refused(arn, p, "acm.reimport.eku")
        # keyEncipherment dropped on RSA
        p, *_ = self.b("noke.pem", key="rsa", eku=("server", "client", "code"), not_after=d(2026, 9, 1))
        self.refused(arn, p, "acm.reimport.key_usage")
        # tags on a re-import: a usage error before any request
        seq = self.emu.last_seq()
        r = self.up("--reimport", arn, "--tag", "team=web", p)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("no tags on a re-import", r.err)
        self.assertEqual(self.emu.log(since=seq), [])

    def test_acm__reimport_key_size_changed_is_refused(self):
        _, leaf, key, chain = self.b("rsa2048.pem", key="rsa", key_encipherment=True)
        arn = self.imp(leaf, key, chain)
        p, *_ = self.b("rsa3072.pem", key="rsa3072", key_encipherment=True, not_after=d(2026, 9, 1))
        r = self.refused(arn, p, "acm.reimport.key")
        self.assertIn("RSA_2048", r.err)

    def test_acm__keyencipherment_dropped_on_ecdsa_is_allowed(self):
        _, leaf, key, chain = self.b("ke.pem", key_encipherment=True)
        arn = self.imp(leaf, key, chain)
        p, new_leaf, *_ = self.b("noke.pem", key_encipherment=False, not_after=d(2026, 9, 1))
        r = self.up("--reimport", arn, "--json", p)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.json()["libcert"]["status"], r.json()["CertificateArn"]), ("reimported", arn))
        self.assertEqual(pem_ders(self.acm("get-certificate", "--certificate-arn", arn)["Certificate"]),
                         pem_ders(new_leaf))

    def test_acm__clientauth_dropped_is_allowed(self):
        _, leaf, key, chain = self.b("first.pem", eku=("server", "client"))
        arn = self.imp(leaf, key, chain, tags={"team": "web"})
        p, new_leaf, *_ = self.b("next.pem", eku=("server",), not_after=d(2026, 9, 1))
        r = self.up("--reimport", arn, "--json", p)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.json()["libcert"]["status"], r.json()["CertificateArn"]), ("reimported", arn))
        self.assertEqual(pem_ders(self.acm("get-certificate", "--certificate-arn", arn)["Certificate"]),
                         pem_ders(new_leaf))
        # the ARN keeps its tags (ACM keeps them on a re-import)
        self.assertEqual(self.acm("list-tags-for-certificate", "--certificate-arn", arn)["Tags"],
                         [{"Key": "team", "Value": "web"}])
        # the same again: nothing to send
        seq = self.emu.last_seq()
        r = self.up("--reimport", arn, "--json", p)
        self.assertEqual((r.rc, r.json()["libcert"]["status"]), (0, "exists"))
        self.assertEqual(self.writes(seq), [])

    def test_acm__shared_arn_and_acm_issued_refused(self):
        _, leaf, key, chain = self.b("first.pem")
        arn = self.imp(leaf, key, chain)
        dist = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=arn)["Id"]
        p, *_ = self.b("next.pem", not_after=d(2026, 9, 1))
        r = self.refused(arn, p, "acm.shared")
        self.assertIn(f"distribution/{dist}", r.err)
        # --allow acm.shared with a certificate that covers every name of the current one: done
        r = self.up("--reimport", arn, "--allow", "acm.shared", "--json", p)
        self.assertEqual((r.rc, r.json()["libcert"]["status"]), (0, "reimported"), r)
        # ... but not one that drops a name
        narrow, *_ = self.b("narrow.pem", dns=("www.example.com",), not_after=d(2026, 10, 1))
        self.refused(arn, narrow, "acm.shared", "--allow", "acm.shared")
        # an ACM-issued certificate is never re-imported
        issued = self.emu.request_certificate("www.example.com", ["example.com"])
        self.refused(issued, p, "acm.managed")


class Attach(AcmCase):
    def setUp(self):
        super().setUp()
        self.iam_cert = upload_fixture(self.emu, "old", leaf="rsa2048")
        self.dist = self.emu.create_distribution(aliases=["www.example.com"],
                                                 viewer_certificate=self.iam_cert["ServerCertificateId"])["Id"]

    def test_acm__certattach_sets_acm_certificate_arn(self):
        _, leaf, key, chain = self.b("a.pem")
        arn = self.imp(leaf, key, chain)
        r = self.tool("certattach", *self.CHECK, "--cert", arn, "--json", self.dist)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["CertificateArn"], arn)
        self.assertEqual(doc["Distributions"][0]["status"], "updated")
        self.assertIn(f"IAMCertificateId {self.iam_cert['ServerCertificateId']} -> ACMCertificateArn {arn}",
                      doc["Distributions"][0]["change"])
        vc = self.viewer(self.dist)
        self.assertEqual((vc["ACMCertificateArn"], vc["CertificateSource"], vc["Certificate"]), (arn, "acm", arn))
        self.assertNotIn("IAMCertificateId", vc)
        self.assertFalse(vc.get("CloudFrontDefaultCertificate", False))
        desc = self.acm("describe-certificate", "--certificate-arn", arn)["Certificate"]
        self.assertEqual(desc["InUseBy"], [f"arn:aws:cloudfront::123456789012:distribution/{self.dist}"])
        seq = self.emu.last_seq()
        r = self.tool("certattach", *self.CHECK, "--cert", arn, "--json", self.dist)
        self.assertEqual((r.rc, r.json()["Distributions"][0]["status"]), (0, "unchanged"))
        self.assertEqual(self.writes(seq), [])

    def test_acm__certattach_refusals(self):
        _, leaf, key, chain = self.b("a.pem")
        eu = self.imp(leaf, key, chain, region="eu-west-1")
        etag = cf_etag(self.emu, self.dist)
        seq = self.emu.last_seq()
        r = self.tool("certattach", *self.CHECK, "--cert", eu, self.dist)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("acm.region", r.err)
        self.assertEqual(self.emu.log(since=seq), [])
        # a certificate that does not cover the aliases
        _, leaf, key, chain = self.b("other.pem", dns=("other.example.com",))
        other = self.imp(leaf, key, chain)
        r = self.tool("certattach", *self.CHECK, "--cert", other, "--json", self.dist)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("name.uncovered", [f["code"] for f in r.json()["Distributions"][0]["findings"]])
        self.assertEqual(cf_etag(self.emu, self.dist), etag)
        # a distribution that serves an ACM-issued certificate is never replaced
        issued = self.emu.request_certificate("api.example.com")
        d2 = self.emu.create_distribution(aliases=["api.example.com"], viewer_certificate=issued)["Id"]
        _, leaf, key, chain = self.b("api.pem", dns=("api.example.com",))
        mine = self.imp(leaf, key, chain)
        r = self.tool("certattach", *self.CHECK, "--cert", mine, "--json", d2)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json()["Distributions"][0]["guard"], "acm.managed")
        self.assertEqual(self.viewer(d2)["ACMCertificateArn"], issued)


    def test_acm__certattach_preflight_key_expiry_partition(self):
        etag = cf_etag(self.emu, self.dist)
        # a key CloudFront does not serve (ACM imports P-384)
        _, leaf, key, chain = self.b("p384.pem", key="p384")
        p384 = self.imp(leaf, key, chain)
        seq = self.emu.last_seq()
        r = self.tool("certattach", *self.CHECK, "--cert", p384, "--json", self.dist)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("key.unsupported", [f["code"] for f in r.json()["Distributions"][0]["findings"]])
        self.assertEqual(self.writes(seq), [])
        # expired by the time of the attach: ACM says EXPIRED (acm.status), the certificate-level
        # refusal, before any distribution is read
        _, leaf, key, chain = self.b("short.pem", not_after=d(2026, 3, 1))
        short = self.imp(leaf, key, chain)
        seq = self.emu.last_seq()
        self.set_cert_clock("2026-04-01T00:00:00Z")
        try:
            r = self.tool("certattach", "--at", "2026-04-01T00:00:00Z", *self.CHECK[2:], "--cert", short,
                          "--json", self.dist)
        finally:
            self.set_cert_clock(AT)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("acm.status", r.err)
        self.assertIn("EXPIRED", r.json()["libcert"]["error"]["message"])
        self.assertEqual(self.writes(seq), [])
        # an ARN of another partition: refused before any request
        seq = self.emu.last_seq()
        other = "arn:aws-cn:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
        r = self.tool("certattach", *self.CHECK, "--cert", other, self.dist)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("acm.region", r.err)
        self.assertEqual(self.emu.log(since=seq), [])
        self.assertEqual(cf_etag(self.emu, self.dist), etag)


class Rotate(AcmCase):
    def setUp(self):
        super().setUp()
        self.old = upload_fixture(self.emu, "old", leaf="p256")
        self.dist = self.emu.create_distribution(aliases=["www.example.com", "example.com"],
                                                 viewer_certificate=self.old["ServerCertificateId"])["Id"]

    def rotate(self, *args, env=None):
        return self.tool("certrotate", *self.CHECK, "--wait-timeout", "60", *args, env=env,
                         timeout=120)

    def arn_of(self, dist):
        return self.viewer(dist).get("ACMCertificateArn")

    def test_acm__migration_then_reimport_in_place(self):
        # 1. IAM -> ACM with --delete-old: a new import attached, the IAM certificate deleted
        p1, leaf1, *_ = self.b("r1.pem", not_after=d(2026, 7, 1))
        r = self.rotate("--store", "acm", "--alias", "www.example.com", "--delete-old", "--json", p1)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        arn = doc["CertificateArn"]
        self.assertEqual(self.arn_of(self.dist), arn)
        self.assertEqual(doc["Distributions"][0]["PreviousIAMCertificateId"], self.old["ServerCertificateId"])
        self.assertNotIn("old", iam_names(self.emu))
        self.assertEqual(doc["delete_old"]["certificates"][0]["status"], "deleted")
        tags = {t["Key"]: t["Value"] for t in self.acm("list-tags-for-certificate", "--certificate-arn", arn)["Tags"]}
        self.assertEqual(tags[f"libcert:replaces:{self.old['ServerCertificateId']}"].split()[1:], [self.dist])
        self.assertEqual(tags["libcert:uploaded"], "certrotate")
        seq = self.emu.last_seq()
        r = self.rotate("--alias", "www.example.com", "--delete-old", p1)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.writes(seq), [])
        # 2. the next renewal: same names and key type: re-imported into the same ARN, no
        #    UpdateDistribution
        p2, leaf2, *_ = self.b("r2.pem", not_after=d(2026, 9, 1))
        seq = self.emu.last_seq()
        r = self.rotate("--alias", "www.example.com", "--delete-old", "--json", p2)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.writes(seq), ["ImportCertificate"])
        doc = r.json()
        self.assertEqual(doc["reimports"], [{"CertificateArn": arn, "status": "reimported"}])
        self.assertEqual(doc["Distributions"][0]["status"], "reimported")
        self.assertEqual(self.arn_of(self.dist), arn)
        self.assertEqual(pem_ders(self.acm("get-certificate", "--certificate-arn", arn)["Certificate"]), pem_ders(leaf2))
        seq = self.emu.last_seq()
        r = self.rotate("--alias", "www.example.com", "--delete-old", p2)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(self.writes(seq), [])

    def test_acm__default_certificate_moves_to_acm_only_with_store(self):
        bare = self.emu.create_distribution(aliases=[], viewer_certificate=None)["Id"]
        p, *_ = self.b("bare.pem", not_after=d(2026, 7, 1))
        seq = self.emu.last_seq()
        r = self.rotate("--distribution", bare, "--json", p)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json()["Distributions"][0]["guard"], "rotate.store")
        self.assertEqual(self.writes(seq), [])
        r = self.rotate("--store", "acm", "--distribution", bare, "--json", p)
        self.assertEqual(r.rc, 0, r)
        arn = r.json()["CertificateArn"]
        self.assertRegex(arn, ARN_RE)
        vc = self.viewer(bare)
        self.assertEqual((vc["ACMCertificateArn"], vc["CertificateSource"]), (arn, "acm"))
        self.assertFalse(vc.get("CloudFrontDefaultCertificate", False))

    def test_acm__reimport_refused_when_another_resource_uses_the_arn(self):
        _, leaf, key, chain = self.b("cur.pem", dns=("shop.example.com",), not_after=d(2026, 7, 1))
        x = self.imp(leaf, key, chain)
        mine = self.emu.create_distribution(aliases=["shop.example.com"], viewer_certificate=x)["Id"]
        self.emu.set_acm_in_use(x, ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/1"])
        p, new_leaf, *_ = self.b("next.pem", dns=("shop.example.com",), not_after=d(2026, 9, 1))
        r = self.rotate("--distribution", mine, "--json", p)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        dj = doc["Distributions"][0]
        self.assertEqual(dj["status"], "updated")
        self.assertIn("acm.shared", dj["note"])
        self.assertIn("acm.shared", [x["code"] for x in dj["refusals"]])
        n = doc["CertificateArn"]
        self.assertNotEqual(n, x)
        self.assertEqual(self.arn_of(mine), n)
        # the ALB keeps the old certificate, untouched
        self.assertEqual(pem_ders(self.acm("get-certificate", "--certificate-arn", x)["Certificate"]), pem_ders(leaf))
        # a new key type cannot go into the same ARN either: a new import again
        rsa_p, *_ = self.b("rsa.pem", dns=("shop.example.com",), key="rsa", not_after=d(2026, 10, 1))
        r = self.rotate("--distribution", mine, "--json", rsa_p)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("acm.reimport.key", r.json()["Distributions"][0]["note"])
        self.assertNotEqual(self.arn_of(mine), n)

    def test_acm__refusals_before_any_change(self):
        issued = self.emu.request_certificate("api.example.com")
        d2 = self.emu.create_distribution(aliases=["api.example.com"], viewer_certificate=issued)["Id"]
        p, *_ = self.b("api.pem", dns=("api.example.com",))
        seq = self.emu.last_seq()
        r = self.rotate("--distribution", d2, "--json", p)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json()["Distributions"][0]["guard"], "acm.managed")
        self.assertEqual(self.writes(seq), [])
        # distributions on IAM and on ACM matched together, no --store: refused, nothing moves
        _, leaf, key, chain = self.b("shop.pem", dns=("shop.example.com",))
        x = self.imp(leaf, key, chain)
        d3 = self.emu.create_distribution(aliases=["shop.example.com"], viewer_certificate=x)["Id"]
        both, *_ = self.b("both.pem", dns=("www.example.com", "example.com", "shop.example.com"))
        seq = self.emu.last_seq()
        r = self.rotate("--distribution", self.dist, "--distribution", d3, "--json", both)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("rotate.store", r.err + r.out)
        self.assertIn("both IAM and ACM", r.out)
        self.assertEqual(self.writes(seq), [])
        # the downgrade guard: the ARN holds a certificate that expires later
        later, *_ = self.b("later.pem", dns=("shop.example.com",), not_after=d(2027, 1, 1))
        self.assertEqual(self.rotate("--distribution", d3, later).rc, 0)
        sooner, *_ = self.b("sooner.pem", dns=("shop.example.com",), not_after=d(2026, 8, 1))
        seq = self.emu.last_seq()
        r = self.rotate("--distribution", d3, "--json", sooner)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json()["Distributions"][0]["guard"], "rotate.downgrade")
        self.assertEqual(self.writes(seq), [])


class ListPruneCheck(AcmCase):
    def test_acm__certls_acm_and_all(self):
        upload_fixture(self.emu, "iam-one", leaf="p256")
        _, leaf, key, chain = self.b("a.pem")
        arn = self.imp(leaf, key, chain)
        dist = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=arn)["Id"]
        self.emu.request_certificate("issued.example.com")
        r = self.tool("certls", "--store", "acm", "--in-use", "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertNotIn("ServerCertificateMetadataList", doc)
        items = {c["CertificateArn"]: c for c in doc["CertificateSummaryList"]}
        self.assertEqual(len(items), 2)
        mine = items[arn]
        self.assertEqual((mine["Type"], mine["KeyAlgorithm"], mine["InUse"]), ("IMPORTED", "EC_prime256v1", True))
        self.assertEqual(mine["libcert"]["in_use"], [dist])
        self.assertTrue(mine["libcert"]["cloudfront_usable"])
        self.assertEqual(doc["libcert"]["stores"], ["acm"])
        r = self.tool("certls", "--store", "all", "--in-use", "--json")
        doc = r.json()
        self.assertEqual([m["ServerCertificateName"] for m in doc["ServerCertificateMetadataList"]], ["iam-one"])
        self.assertEqual(len(doc["CertificateSummaryList"]), 2)
        self.assertEqual(doc["libcert"]["stores"], ["iam", "acm"])
        r = self.tool("certls", "--store", "all", "--in-use")
        self.assertIn("ACM certificates", r.out)
        self.assertIn("issued by ACM", r.out)
        self.assertIn(dist, r.out)
        self.assertEqual(self.tool("certls", "--store", "acm", "--cloudfront").rc, 2)

    def test_acm__certprune_acm(self):
        # valid at the emulator's clock (AT), expired by the real one, which deleting judges by
        _, leaf, key, chain = self.b("old.pem", dns=("old.example.com",), not_after=d(2026, 3, 1))
        gone = self.imp(leaf, key, chain)
        _, leaf, key, chain = self.b("alb.pem", dns=("alb.example.com",), not_after=d(2026, 3, 1))
        alb = self.imp(leaf, key, chain)
        self.emu.set_acm_in_use(alb, ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"])
        _, leaf, key, chain = self.b("race.pem", dns=("race.example.com",), not_after=d(2026, 3, 1))
        race = self.imp(leaf, key, chain)
        self.emu.request_certificate("issued.example.com")
        r = self.tool("certprune", "--store", "acm", "--json")
        self.assertEqual(r.rc, 0, r)
        listed = {c["CertificateArn"]: c["libcert"]["status"] for c in r.json()["CertificateSummaryList"]}
        self.assertEqual(listed, {gone: "would-delete", race: "would-delete"})  # not the ALB's, not ACM's own
        # something takes one up between the listing and the delete: kept, not failed
        self.emu.add_fault(service="acm", action="DeleteCertificate", fault="status", status=400,
                           code="ResourceInUseException", message="in use (test)", skip=1, count=1)
        r = self.tool("certprune", "--store", "acm", "--yes", "--json")
        self.assertEqual(r.rc, 0, r)
        states = {c["CertificateArn"]: c["libcert"]["status"] for c in r.json()["CertificateSummaryList"]}
        self.assertEqual(states, {gone: "deleted", race: "kept-in-use"})
        self.assertIn("ResourceNotFoundException",
                      self.acm("describe-certificate", "--certificate-arn", gone, check=False).err)
        self.assertEqual(self.tool("certprune", "--store", "acm", "--unused", "--min-age", "3").rc, 2)

    def test_acm__certcheck_acm_and_distribution(self):
        path, leaf, key, chain = self.b("a.pem")
        arn = self.imp(leaf, key, chain)
        r = self.tool("certcheck", *self.CHECK, "--acm", arn, "--expect", path, "--json")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["input"], [f"acm:{arn}"])
        self.assertIn("iam.same", [f["code"] for f in doc["findings"]])
        other, *_ = self.b("b.pem", not_after=d(2026, 8, 1))
        r = self.tool("certcheck", *self.CHECK, "--acm", arn, "--expect", other, "--json")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("iam.differs", [f["code"] for f in r.json()["findings"]])
        dist = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=arn)["Id"]
        r = self.tool("certcheck", *self.CHECK, "--distribution", dist, "--host", "nope.example.org", "--json")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("name.uncovered", [f["code"] for f in r.json()["findings"]])
        eu = self.imp(leaf, key, chain, region="eu-west-1")
        r = self.tool("certcheck", *self.CHECK, "--acm", eu)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("us-east-1", r.err)


class Policy(AcmCase):
    """README's "Minimal IAM policy, ACM modes": every request each mode makes is in its row."""

    @staticmethod
    def documented():
        with open(os.path.join(os.environ.get("LIBCERT_SRC", ""), "README.md")) as f:
            text = f.read()
        table = text.split("**Minimal IAM policy, ACM modes**", 1)[1].split("\n\n", 2)[1]
        rows = {}
        for line in table.splitlines()[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = set(re.findall(r"`([a-z0-9]+:[A-Za-z]+)`", cells[1]))
        return rows

    def made(self, seq):
        return {f"{e['service']}:{e['action']}" for e in self.emu.log(since=seq)}

    def test_acm__documented_policy_covers_every_request(self):
        rows = self.documented()
        rows["certrotate (ACM)"] |= rows["certattach --cert ARN"]  # "certattach's, plus"
        made = {}
        old = upload_fixture(self.emu, "old", leaf="p256")
        dist = self.emu.create_distribution(aliases=["www.example.com", "example.com"],
                                            viewer_certificate=old["ServerCertificateId"])["Id"]
        # certup --store acm: a new import, a rerun, the same leaf with another chain
        seq = self.emu.last_seq()
        p1, leaf, key, chain = self.b("one.pem", not_after=d(2026, 7, 1))
        self.assertEqual(self.up("--store", "acm", "--tag", "team=web", p1).rc, 0)
        self.assertEqual(self.up("--store", "acm", p1).rc, 0)
        p2, leaf2, key2, chain2 = self.b("two.pem", not_after=d(2026, 8, 1))
        self.imp(leaf2, key2, chain2.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n")
        seq_up = self.emu.last_seq()
        self.assertEqual(self.up("--store", "acm", p2).rc, 0)
        made["certup --store acm"] = self.made(seq)  # (and the import made by hand between)
        arn = self.up("--store", "acm", "--json", p1).json()["CertificateArn"]
        # certup --reimport
        p3, *_ = self.b("three.pem", not_after=d(2026, 9, 1))
        seq = self.emu.last_seq()
        self.assertEqual(self.up("--reimport", arn, p3).rc, 0)
        made["certup --reimport"] = self.made(seq)
        # certcheck --acm
        seq = self.emu.last_seq()
        self.assertEqual(self.tool("certcheck", *self.CHECK, "--acm", arn, "--expect", p3).rc, 0)
        made["certcheck --acm"] = self.made(seq)
        # certrotate: the migration with --delete-old, then a renewal re-imported in place
        p4, *_ = self.b("four.pem", not_after=d(2026, 10, 1))
        seq = self.emu.last_seq()
        rot = ("certrotate", *self.CHECK, "--wait-timeout", "60")
        self.assertEqual(self.tool(*rot, "--store", "acm", "--alias", "www.example.com", "--delete-old", p4,
                                   timeout=120).rc, 0)
        p5, *_ = self.b("five.pem", not_after=d(2026, 11, 1))
        self.assertEqual(self.tool(*rot, "--alias", "www.example.com", "--delete-old", p5, timeout=120).rc, 0)
        made["certrotate (ACM)"] = self.made(seq)
        # certattach --cert ARN, by id, by alias, with --wait
        seq = self.emu.last_seq()
        self.assertEqual(self.tool("certattach", *self.CHECK, "--cert", arn, dist).rc, 0)
        self.assertEqual(self.tool("certattach", *self.CHECK, "--cert", arn, "--alias", "www.example.com",
                                   "--wait").rc, 0)
        made["certattach --cert ARN"] = self.made(seq)
        # certls, certprune
        seq = self.emu.last_seq()
        self.assertEqual(self.tool("certls", "--store", "acm", "--in-use").rc, 0)
        made["certls --store acm"] = self.made(seq)
        seq = self.emu.last_seq()
        self.assertEqual(self.tool("certprune", "--store", "acm", "--yes").rc, 0)
        made["certprune --store acm"] = self.made(seq)
        for mode, actions in made.items():
            self.assertTrue(actions, mode)
            self.assertLessEqual(actions, rows[mode], f"{mode}: not in README's policy row")


if __name__ == "__main__":
    main()
