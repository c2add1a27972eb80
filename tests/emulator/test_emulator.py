# SPDX-License-Identifier: Apache-2.0
"""Tests of the emulator itself: each AWS rule it adds, its faults, knobs and helpers.

    python3 -m unittest discover -s tests/emulator -v

Certificates are made here with `cryptography` (emu_certs.py); nothing else is needed but moto,
boto3 and the AWS CLI (`aws`) that come with this machine.
"""

import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import boto3  # noqa: E402
import botocore.exceptions  # noqa: E402
import botocore.parsers  # noqa: E402
from botocore.config import Config  # noqa: E402

from emu_certs import Pki, chain_pem, make_ca, make_leaf, new_key  # noqa: E402
from emuctl import Emulator, distribution_config_xml  # noqa: E402

CHAIN_MSG = (
    "Unable to validate certificate chain. The certificate chain must start with the immediate "
    "signing certificate, followed by any intermediaries in order. The index within the chain of "
    "the invalid certificate is: -1"
)
# What botocore raises for a connection reset / closed without an answer.
CONNECTION_ERRORS = (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)
PARSE_MSG = "Unable to parse certificate. Please ensure the certificate is in PEM format."


def error_of(fn, *a, **kw):
    """(code, message, http status) of the ClientError fn raises."""
    try:
        fn(*a, **kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message"), \
            e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{getattr(fn, '__name__', fn)} did not fail")


_PKI = None


def read(path):
    with open(path) as f:
        return f.read()


def pki():
    global _PKI
    if _PKI is None:
        _PKI = Pki()
    return _PKI


class EmulatorCase(unittest.TestCase):
    """One emulator shared by the tests of a class; state is reset before each test."""

    emu_kw = dict(deploy_delay=0.4)

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(**cls.emu_kw).start()
        cls.iam = cls.emu.client("iam")
        cls.cf = cls.emu.client("cloudfront")
        cls.raw_iam = cls.emu.client("iam", config=Config(parameter_validation=False,
                                                          retries={"total_max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.emu.reset()

    # helpers
    def upload(self, name, names=("www.example.com",), path="/cloudfront/", chain=True, leaf=None, **kw):
        leaf = leaf or pki().leaf(list(names))
        args = dict(ServerCertificateName=name, Path=path, CertificateBody=leaf.cert_pem, PrivateKey=leaf.key_pem)
        if chain:
            args["CertificateChain"] = pki().chain
        args.update(kw)
        return self.iam.upload_server_certificate(**args)["ServerCertificateMetadata"]

    def vc(self, cert_id, ssl="sni-only", mpv="TLSv1.2_2021"):
        return {"IAMCertificateId": cert_id, "SSLSupportMethod": ssl, "MinimumProtocolVersion": mpv}

    def put_config(self, dist_id, xml, etag):
        return self.emu.signed_request("PUT", f"/2020-05-31/distribution/{dist_id}/config", xml.encode(),
                                       {"Content-Type": "application/xml", "If-Match": etag})

    def get_config_raw(self, dist_id):
        status, headers, body = self.emu.signed_request("GET", f"/2020-05-31/distribution/{dist_id}/config")
        self.assertEqual(status, 200)
        return body.decode(), headers["ETag"]


class TestIamUpload(EmulatorCase):
    def test_ids_arn_dates(self):
        leaf = pki().leaf(["a.example.com"])
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        m1 = self.upload("one", leaf=leaf, path="/cloudfront/prod/")
        m2 = self.upload("two")
        # IAM User Guide, "IAM identifiers": ASCA prefix; 21 characters.
        for m in (m1, m2):
            self.assertRegex(m["ServerCertificateId"], r"^ASCA[A-Z0-9]{17}$")
        self.assertNotEqual(m1["ServerCertificateId"], m2["ServerCertificateId"])
        self.assertEqual(m1["Arn"], "arn:aws:iam::123456789012:server-certificate/cloudfront/prod/one")
        self.assertGreaterEqual(m1["UploadDate"], before)
        self.assertLess(m1["UploadDate"] - before, datetime.timedelta(seconds=30))
        self.assertEqual(m1["Expiration"], leaf.cert.not_valid_after_utc)

    def test_duplicate_name(self):
        self.upload("dup")
        code, msg, status = error_of(self.upload, "DUP")  # names are not case sensitive
        self.assertEqual((code, status), ("EntityAlreadyExists", 409))
        self.assertEqual(msg, "The Server Certificate with name DUP already exists.")

    def test_malformed_bodies(self):
        leaf = pki().leaf(["www.example.com"])
        for body in ("not a certificate", leaf.cert_pem + pki().chain, "junk\n" + leaf.cert_pem,
                     leaf.cert_pem.replace("MI", "XX", 1)):
            code, msg, status = error_of(self.iam.upload_server_certificate, ServerCertificateName="m",
                                         CertificateBody=body, PrivateKey=leaf.key_pem)
            self.assertEqual((code, msg, status), ("MalformedCertificate", PARSE_MSG, 400), body[:40])

    def test_chain_order_and_unrelated(self):
        root = make_ca("Order Root")
        i1 = make_ca("Order I1", issuer=root)
        i2 = make_ca("Order I2", issuer=i1)
        leaf = make_leaf(["www.example.com"], i2)
        ok = dict(ServerCertificateName="ok", CertificateBody=leaf.cert_pem, PrivateKey=leaf.key_pem)
        self.iam.upload_server_certificate(CertificateChain=chain_pem(i2, i1), **ok)
        self.iam.upload_server_certificate(**dict(ok, ServerCertificateName="ok-root"),
                                           CertificateChain=chain_pem(i2, i1, root))
        for chain in (chain_pem(i1, i2), chain_pem(i2, pki().inter), chain_pem(pki().inter),
                      "Certificate:\n  Data: ...\n" + chain_pem(i2, i1), chain_pem(i2).replace("MI", "XX", 1)):
            code, msg, status = error_of(self.iam.upload_server_certificate,
                                         **dict(ok, ServerCertificateName="bad"), CertificateChain=chain)
            self.assertEqual((code, msg, status), ("MalformedCertificate", CHAIN_MSG, 400))

    def test_not_yet_valid_and_expired(self):
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)
        leaf = pki().leaf(["www.example.com"], not_before=future)
        code, msg, status = error_of(self.upload, "skew", leaf=leaf)
        self.assertEqual((code, status), ("MalformedCertificate", 400))
        old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=100)
        code, _, _ = error_of(self.upload, "old", leaf=pki().leaf(["www.example.com"], not_before=old, days=10))
        self.assertEqual(code, "MalformedCertificate")

    def test_key_mismatch_and_encrypted_key(self):
        a = pki().leaf(["a.example.com"], key=new_key("ec", cache=False))
        b = pki().leaf(["b.example.com"], key_kind="rsa")
        code, _, status = error_of(self.iam.upload_server_certificate, ServerCertificateName="k",
                                   CertificateBody=a.cert_pem, PrivateKey=b.key_pem)
        self.assertEqual((code, status), ("KeyPairMismatch", 400))
        code, msg, status = error_of(self.iam.upload_server_certificate, ServerCertificateName="k",
                                     CertificateBody=a.cert_pem, PrivateKey=a.encrypted_key_pem())
        self.assertEqual((code, msg, status), ("MalformedCertificate", PARSE_MSG, 400))

    def test_crlf_is_accepted(self):
        leaf = pki().leaf(["crlf.example.com"])
        self.iam.upload_server_certificate(ServerCertificateName="crlf",
                                           CertificateBody=leaf.cert_pem.replace("\n", "\r\n"),
                                           PrivateKey=leaf.key_pem.replace("\n", "\r\n"),
                                           CertificateChain=pki().chain.replace("\n", "\r\n"))

    def test_quota_and_account_summary(self):
        self.emu.set_config(quota=2)
        self.upload("q1")
        self.upload("q2")
        code, msg, status = error_of(self.upload, "q3")
        self.assertEqual((code, msg, status),
                         ("LimitExceeded", "Cannot exceed quota for ServerCertificatesPerAccount: 2", 409))
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual((summary["ServerCertificates"], summary["ServerCertificatesQuota"]), (2, 2))
        self.assertIn("Users", summary)  # the rest is moto's

    def test_validation_errors(self):
        leaf = pki().leaf(["www.example.com"])
        base = dict(CertificateBody=leaf.cert_pem, PrivateKey=leaf.key_pem)
        code, msg, status = error_of(self.raw_iam.upload_server_certificate, ServerCertificateName="has space", **base)
        self.assertEqual((code, status), ("ValidationError", 400))
        self.assertIn("serverCertificateName", msg)
        code, msg, _ = error_of(self.raw_iam.upload_server_certificate, ServerCertificateName="x" * 129, **base)
        self.assertEqual(code, "ValidationError")
        self.assertIn("Member must have length less than or equal to 128", msg)
        code, msg, _ = error_of(self.raw_iam.upload_server_certificate, ServerCertificateName="p",
                                Path="/cloudfront", **base)
        self.assertEqual(code, "ValidationError")
        self.assertIn("at 'path' failed to satisfy constraint", msg)
        code, msg, _ = error_of(self.raw_iam.list_server_certificates, MaxItems=0)
        self.assertIn("Member must have value greater than or equal to 1", msg)
        code, msg, _ = error_of(self.raw_iam.list_server_certificates, MaxItems=1001)
        self.assertIn("less than or equal to 1000", msg)

    def test_no_such_entity(self):
        for fn, kw in ((self.iam.get_server_certificate, {}), (self.iam.delete_server_certificate, {}),
                       (self.iam.update_server_certificate, {"NewPath": "/x/"}),
                       (self.iam.list_server_certificate_tags, {})):
            code, msg, status = error_of(fn, ServerCertificateName="ghost", **kw)
            self.assertEqual((code, msg, status),
                             ("NoSuchEntity", "The Server Certificate with name ghost cannot be found.", 404))


class TestIamListUpdateTags(EmulatorCase):
    def test_path_prefix_and_pagination(self):
        for i in range(5):
            self.upload(f"cf-{i}", path="/cloudfront/site/")
        self.upload("elb-0", path="/elb/")
        names = [m["ServerCertificateName"] for m in
                 self.iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]]
        self.assertEqual(names, [f"cf-{i}" for i in range(5)])
        self.assertEqual(len(self.iam.list_server_certificates()["ServerCertificateMetadataList"]), 6)
        page = self.iam.list_server_certificates(MaxItems=2)
        self.assertTrue(page["IsTruncated"])
        seen = [m["ServerCertificateName"] for m in page["ServerCertificateMetadataList"]]
        while page["IsTruncated"]:
            page = self.iam.list_server_certificates(MaxItems=2, Marker=page["Marker"])
            seen += [m["ServerCertificateName"] for m in page["ServerCertificateMetadataList"]]
        self.assertEqual(seen, [f"cf-{i}" for i in range(5)] + ["elb-0"])
        self.assertNotIn("Marker", page)
        # boto3's paginator drives the same parameters
        pag = self.iam.get_paginator("list_server_certificates").paginate(PaginationConfig={"PageSize": 4})
        self.assertEqual(sum(len(p["ServerCertificateMetadataList"]) for p in pag), 6)

    def test_update_name_and_path(self):
        m = self.upload("old", path="/")
        self.upload("taken")
        code, msg, status = error_of(self.iam.update_server_certificate, ServerCertificateName="old",
                                     NewServerCertificateName="taken")
        self.assertEqual((code, status), ("EntityAlreadyExists", 409))
        self.iam.update_server_certificate(ServerCertificateName="old", NewServerCertificateName="new",
                                           NewPath="/cloudfront/moved/")
        got = self.iam.get_server_certificate(ServerCertificateName="new")["ServerCertificate"]
        self.assertEqual(got["ServerCertificateMetadata"]["ServerCertificateId"], m["ServerCertificateId"])
        self.assertEqual(got["ServerCertificateMetadata"]["Arn"],
                         "arn:aws:iam::123456789012:server-certificate/cloudfront/moved/new")
        self.assertEqual(error_of(self.iam.get_server_certificate, ServerCertificateName="old")[0], "NoSuchEntity")

    def test_upload_date_is_now_and_can_be_set(self):
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
        self.upload("u")
        meta = self.iam.get_server_certificate(ServerCertificateName="u")["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertGreaterEqual(meta["UploadDate"], before)
        old = datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
        got = self.emu.set_upload_date("U", old)  # names compare without case
        self.assertEqual(got, {"ServerCertificateName": "u", "UploadDate": "2025-03-04T05:06:07.000Z"})
        listed = self.iam.list_server_certificates()["ServerCertificateMetadataList"][0]
        self.assertEqual(listed["UploadDate"], old)
        meta = self.iam.get_server_certificate(ServerCertificateName="u")["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(meta["UploadDate"], old)
        with self.assertRaisesRegex(Exception, "404"):
            self.emu.set_upload_date("ghost", old)
        with self.assertRaisesRegex(Exception, "400"):
            self.emu.set_upload_date("u", "yesterday")

    def test_get_returns_body_and_chain(self):
        leaf = pki().leaf(["get.example.com"])
        self.upload("g", leaf=leaf)
        sc = self.iam.get_server_certificate(ServerCertificateName="g")["ServerCertificate"]
        self.assertEqual(sc["CertificateBody"], leaf.cert_pem.strip())
        self.assertEqual(sc["CertificateChain"], pki().chain.strip())

    def test_tags(self):
        self.upload("t", Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}])
        self.assertEqual(self.iam.list_server_certificate_tags(ServerCertificateName="t")["Tags"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.iam.tag_server_certificate(ServerCertificateName="t", Tags=[{"Key": "A", "Value": "x"}])
        self.iam.untag_server_certificate(ServerCertificateName="t", TagKeys=["b"])
        self.assertEqual(self.iam.list_server_certificate_tags(ServerCertificateName="t")["Tags"],
                         [{"Key": "A", "Value": "x"}])
        tags = [{"Key": f"k{i:02d}", "Value": "v"} for i in range(50)]
        code, _, status = error_of(self.iam.tag_server_certificate, ServerCertificateName="t", Tags=tags)
        self.assertEqual((code, status), ("LimitExceeded", 409))
        code, _, _ = error_of(self.raw_iam.upload_server_certificate, ServerCertificateName="t51",
                              CertificateBody="x", PrivateKey="y", Tags=tags + [{"Key": "z", "Value": "1"}])
        self.assertEqual(code, "ValidationError")
        self.iam.tag_server_certificate(ServerCertificateName="t", Tags=[{"Key": "B", "Value": "y"}])
        page = self.iam.list_server_certificate_tags(ServerCertificateName="t", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_server_certificate_tags(ServerCertificateName="t", MaxItems=1, Marker=page["Marker"])
        self.assertEqual(page["Tags"] + rest["Tags"], [{"Key": "A", "Value": "x"}, {"Key": "B", "Value": "y"}])
        self.assertFalse(rest["IsTruncated"])


class TestCloudFront(EmulatorCase):
    def dist_with_cert(self, aliases=("www.example.com",), names=("www.example.com", "*.example.com")):
        m = self.upload(f"c{time.monotonic_ns()}", names=names)
        d = self.emu.create_distribution(aliases=list(aliases), viewer_certificate=m["ServerCertificateId"])
        return d, m

    def test_config_survives_byte_for_byte(self):
        extra = "<FutureElement><Answer>42</Answer></FutureElement>"
        m1 = self.upload("one")
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=m1["ServerCertificateId"],
                                         extra_xml=extra, caller_reference="bytes-1")
        sent = distribution_config_xml(caller_reference="bytes-1", aliases=["www.example.com"],
                                       viewer_certificate=m1["ServerCertificateId"], extra_xml=extra)
        got, etag = self.get_config_raw(d["Id"])
        self.assertEqual(got, sent)
        self.assertEqual(etag, d["ETag"])
        # change only the ViewerCertificate element; everything else comes back unchanged
        m2 = self.upload("two")
        new = got.replace(m1["ServerCertificateId"], m2["ServerCertificateId"])
        status, headers, _ = self.put_config(d["Id"], new, etag)
        self.assertEqual(status, 200)
        self.assertNotEqual(headers["ETag"], etag)
        got2, etag2 = self.get_config_raw(d["Id"])
        self.assertEqual(got2, new)
        self.assertEqual(etag2, headers["ETag"])
        # boto3 sees the whole distribution
        dist = self.cf.get_distribution(Id=d["Id"])
        self.assertEqual(dist["Distribution"]["DistributionConfig"]["ViewerCertificate"]["IAMCertificateId"],
                         m2["ServerCertificateId"])
        self.assertEqual(dist["ETag"], etag2)

    def test_if_match(self):
        d, _ = self.dist_with_cert()
        cfg = self.cf.get_distribution_config(Id=d["Id"])
        code, msg, status = error_of(self.cf.update_distribution, Id=d["Id"],
                                     DistributionConfig=cfg["DistributionConfig"], IfMatch="")
        self.assertEqual((code, status), ("InvalidIfMatchVersion", 400))
        xml, etag = self.get_config_raw(d["Id"])
        status, _, body = self.put_config(d["Id"], xml, "")
        self.assertEqual(status, 400)
        self.assertIn(b"InvalidIfMatchVersion", body)
        self.cf.update_distribution(Id=d["Id"], DistributionConfig=cfg["DistributionConfig"], IfMatch=cfg["ETag"])
        code, msg, status = error_of(self.cf.update_distribution, Id=d["Id"],
                                     DistributionConfig=cfg["DistributionConfig"], IfMatch=cfg["ETag"])
        self.assertEqual((code, status), ("PreconditionFailed", 412))

    def test_status_goes_deployed(self):
        d, _ = self.dist_with_cert()
        xml, etag = self.get_config_raw(d["Id"])
        status, headers, body = self.put_config(d["Id"], xml.replace("libcert test distribution", "changed"), etag)
        self.assertEqual(status, 200)
        self.assertIn(b"<Status>InProgress</Status>", body)
        self.assertEqual(self.cf.get_distribution(Id=d["Id"])["Distribution"]["Status"], "InProgress")
        self.cf.get_waiter("distribution_deployed").wait(Id=d["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 5})
        self.assertEqual(self.cf.get_distribution(Id=d["Id"])["Distribution"]["Status"], "Deployed")

    def test_one_viewer_certificate_change_at_a_time(self):
        d, m1 = self.dist_with_cert()
        m2 = self.upload("second", names=["www.example.com"])
        m3 = self.upload("third", names=["www.example.com"])
        xml, etag = self.get_config_raw(d["Id"])
        status, headers, _ = self.put_config(d["Id"], xml.replace(m1["ServerCertificateId"], m2["ServerCertificateId"]), etag)
        self.assertEqual(status, 200)
        xml2, etag2 = self.get_config_raw(d["Id"])
        status, _, body = self.put_config(d["Id"], xml2.replace(m2["ServerCertificateId"], m3["ServerCertificateId"]), etag2)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>IllegalUpdate</Code>", body)
        self.assertIn(b"Only one viewer certificate change may be in progress at a time.", body)
        # other changes are fine meanwhile
        status, _, _ = self.put_config(d["Id"], xml2.replace("libcert test distribution", "x"), etag2)
        self.assertEqual(status, 200)

    def test_delete_conflict_while_used_or_in_progress(self):
        d, m1 = self.dist_with_cert()
        code, msg, status = error_of(self.iam.delete_server_certificate, ServerCertificateName=m1["ServerCertificateName"])
        self.assertEqual((code, status), ("DeleteConflict", 409))
        self.assertIn(m1["ServerCertificateId"], msg)
        self.assertIn(d["ARN"], msg)
        m2 = self.upload("next", names=["www.example.com"])
        xml, etag = self.get_config_raw(d["Id"])
        self.assertEqual(self.put_config(d["Id"], xml.replace(m1["ServerCertificateId"], m2["ServerCertificateId"]), etag)[0], 200)
        # the old certificate is still in use until the update is Deployed
        self.assertEqual(error_of(self.iam.delete_server_certificate,
                                  ServerCertificateName=m1["ServerCertificateName"])[0], "DeleteConflict")
        self.emu.deploy(d["Id"])
        self.iam.delete_server_certificate(ServerCertificateName=m1["ServerCertificateName"])

    def test_invalid_viewer_certificate(self):
        good = self.upload("good", names=["www.example.com", "*.example.com"])["ServerCertificateId"]
        elb = self.upload("elb", path="/elb/")["ServerCertificateId"]
        wild_only = self.upload("wild", names=["*.example.com"])["ServerCertificateId"]

        def create(aliases, vc):
            st, _, body = self.emu.signed_request(
                "POST", "/2020-05-31/distribution",
                distribution_config_xml(aliases=aliases, viewer_certificate=vc).encode())
            m = re.search(rb"<Code>(.*?)</Code><Message>(.*?)</Message>", body)
            return (st, m.group(1).decode(), m.group(2).decode()) if m else (st, None, None)

        unusable = "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, " \
                   "or doesn't include a valid certificate chain."
        self.assertEqual(create(["www.example.com"], "ASCANOSUCHCERTIFICATE"), (400, "InvalidViewerCertificate", unusable))
        self.assertEqual(create(["www.example.com"], elb), (400, "InvalidViewerCertificate", unusable))
        st, code, msg = create(["a.b.example.com"], good)  # a wildcard covers one label only
        self.assertEqual((st, code), (400, "InvalidViewerCertificate"))
        self.assertIn("doesn't cover the alternate domain name", msg)
        self.assertEqual(create(["*.example.com"], good)[0], 201)  # identical wildcard SAN
        self.emu.reset()
        wild_only = self.upload("wild", names=["*.example.com"])["ServerCertificateId"]
        self.assertEqual(create(["api.example.com"], wild_only)[0], 201)
        self.assertEqual(create(["example.com"], wild_only)[1], "InvalidViewerCertificate")
        self.assertEqual(create(["www.example.com."], wild_only)[1], "InvalidViewerCertificate")
        # aliases need a certificate
        st, code, msg = create(["other.example.com"], None)
        self.assertEqual((st, code), (400, "InvalidViewerCertificate"))
        self.assertIn("you must attach a trusted certificate", msg)
        # both ACM and IAM; IAM without SSLSupportMethod / MinimumProtocolVersion
        both = {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "IAMCertificateId": wild_only,
                "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"}
        self.assertEqual(create(["x1.example.com"], both)[1], "InvalidViewerCertificate")
        self.assertEqual(create(["x2.example.com"], {"IAMCertificateId": wild_only})[1], "InvalidViewerCertificate")
        # SSLv3 with sni-only
        st, code, _ = create(["x3.example.com"], self.vc(wild_only, mpv="SSLv3"))
        self.assertEqual((st, code), (400, "InvalidMinimumProtocolVersion"))
        self.assertEqual(create(["x4.example.com"], self.vc(wild_only, ssl="vip", mpv="SSLv3"))[0], 201)

    def test_deprecated_certificate_fields(self):
        d, m1 = self.dist_with_cert()
        m2 = self.upload("next", names=["www.example.com"])
        xml, etag = self.get_config_raw(d["Id"])
        # only IAMCertificateId changed, the deprecated Certificate still names the old one
        stale = xml.replace(f"<IAMCertificateId>{m1['ServerCertificateId']}",
                            f"<IAMCertificateId>{m2['ServerCertificateId']}")
        status, _, body = self.put_config(d["Id"], stale, etag)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidViewerCertificate</Code>", body)
        self.assertIn(b"Your IAMCertificateId does not match the given Certificate field.", body)
        wrong_source = xml.replace("<CertificateSource>iam</CertificateSource>",
                                   "<CertificateSource>cloudfront</CertificateSource>")
        status, _, body = self.put_config(d["Id"], wrong_source, etag)
        self.assertIn(b'Cannot specify IAMCertificateId and a CertificateSource not equal to "iam".', body)

    def test_consistency_delay(self):
        self.emu.set_config(consistency_delay=1.0)
        m = self.upload("fresh")
        with self.assertRaises(Exception) as ctx:
            self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=m["ServerCertificateId"])
        self.assertIn("InvalidViewerCertificate", str(ctx.exception))
        time.sleep(1.05)
        self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=m["ServerCertificateId"])

    def test_list_summaries_and_pagination(self):
        ids = set()
        for i in range(5):
            m = self.upload(f"l{i}", names=[f"s{i}.example.com"])
            ids.add(self.emu.create_distribution(aliases=[f"s{i}.example.com"],
                                                 viewer_certificate=m["ServerCertificateId"])["Id"])
        page = self.cf.list_distributions(MaxItems="2")["DistributionList"]
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["NextMarker"], page["Items"][-1]["Id"])
        item = page["Items"][0]
        self.assertEqual(item["Aliases"]["Quantity"], 1)
        self.assertIn("IAMCertificateId", item["ViewerCertificate"])
        seen = [x["Id"] for x in page["Items"]]
        while page["IsTruncated"]:
            page = self.cf.list_distributions(MaxItems="2", Marker=page["NextMarker"])["DistributionList"]
            seen += [x["Id"] for x in page["Items"]]
        self.assertEqual(set(seen), ids)
        self.assertEqual(len(seen), 5)
        pag = self.cf.get_paginator("list_distributions").paginate(PaginationConfig={"PageSize": 3})
        self.assertEqual(sum(len(p["DistributionList"].get("Items", [])) for p in pag), 5)

    def test_no_such_distribution_and_cname_conflict(self):
        code, msg, status = error_of(self.cf.get_distribution, Id="ENOSUCHDIST")
        self.assertEqual((code, msg, status), ("NoSuchDistribution", "The specified distribution does not exist.", 404))
        self.assertEqual(error_of(self.cf.get_distribution_config, Id="ENOSUCHDIST")[0], "NoSuchDistribution")
        d, m = self.dist_with_cert()
        with self.assertRaises(Exception) as ctx:
            self.emu.create_distribution(aliases=["WWW.example.com"], viewer_certificate=m["ServerCertificateId"])
        self.assertIn("CNAMEAlreadyExists", str(ctx.exception))
        self.assertIn("409", str(ctx.exception))

    def test_caller_reference_rules(self):
        self.emu.create_distribution(caller_reference="same")
        with self.assertRaises(Exception) as ctx:
            self.emu.create_distribution(caller_reference="same")
        self.assertIn("DistributionAlreadyExists", str(ctx.exception))
        d = self.emu.create_distribution(caller_reference="other")
        xml, etag = self.get_config_raw(d["Id"])
        status, _, body = self.put_config(d["Id"], xml.replace("other", "changed"), etag)
        self.assertEqual(status, 400)
        self.assertIn(b"IllegalUpdate", body)

    def test_delete_distribution(self):
        d = self.emu.create_distribution()
        code, _, status = error_of(self.cf.delete_distribution, Id=d["Id"], IfMatch=d["ETag"])
        self.assertEqual((code, status), ("DistributionNotDisabled", 409))
        xml, etag = self.get_config_raw(d["Id"])
        status, headers, _ = self.put_config(d["Id"], xml.replace("<Enabled>true</Enabled>", "<Enabled>false</Enabled>"), etag)
        self.assertEqual(error_of(self.cf.delete_distribution, Id=d["Id"], IfMatch=headers["ETag"])[0],
                         "DistributionNotDisabled")  # still InProgress
        self.emu.deploy()
        self.assertEqual(error_of(self.cf.delete_distribution, Id=d["Id"], IfMatch=etag)[0], "PreconditionFailed")
        self.cf.delete_distribution(Id=d["Id"], IfMatch=headers["ETag"])
        self.assertEqual(error_of(self.cf.get_distribution, Id=d["Id"])[0], "NoSuchDistribution")

    def test_boto3_create_and_update(self):
        m = self.upload("b3", names=["b3.example.com"])
        cfg = {"CallerReference": "boto3", "Aliases": {"Quantity": 1, "Items": ["b3.example.com"]},
               "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "origin.example.com",
                                                     "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                            "OriginProtocolPolicy": "https-only"}}]},
               "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                        "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
               "Comment": "", "Enabled": True, "ViewerCertificate": self.vc(m["ServerCertificateId"])}
        r = self.cf.create_distribution(DistributionConfig=cfg)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertTrue(r["Location"].endswith(r["Distribution"]["Id"]))
        self.assertRegex(r["Distribution"]["DomainName"], r"^d[a-z0-9]{13}\.cloudfront\.net$")
        self.assertIn("x-amzn-requestid", r["ResponseMetadata"]["HTTPHeaders"])
        got = self.cf.get_distribution_config(Id=r["Distribution"]["Id"])
        self.assertEqual(got["DistributionConfig"]["Aliases"]["Items"], ["b3.example.com"])


class TestRoute53(EmulatorCase):
    """Route 53's reads as Route 53 answers them (emu_route53.py), on records made through moto."""

    def setUp(self):
        super().setUp()
        self.r53 = self.emu.client("route53")

    def test_zones_by_name_in_order_and_paged(self):
        for name in ("example.org", "b.example.com", "example.com", "example.com"):
            self.emu.create_zone(name)
        got, kw = [], {"MaxItems": "2"}
        while True:
            page = self.r53.list_hosted_zones_by_name(**kw)
            self.assertLessEqual(len(page["HostedZones"]), 2)
            got += [(z["Name"], z["Id"]) for z in page["HostedZones"]]
            if not page["IsTruncated"]:
                break
            kw = {"MaxItems": "2", "DNSName": page["NextDNSName"], "HostedZoneId": page["NextHostedZoneId"]}
        # labels reversed: com.example. < com.example.b. < org.example.
        self.assertEqual([n for n, _ in got], ["example.com.", "example.com.", "b.example.com.", "example.org."])
        self.assertEqual(len({i for _, i in got}), 4)
        # dnsname starts the list at that name, not only that name (moto answers only equal names)
        page = self.r53.list_hosted_zones_by_name(DNSName="b.example.com")
        self.assertEqual([z["Name"] for z in page["HostedZones"]], ["b.example.com.", "example.org."])
        code, _, status = error_of(self.r53.list_hosted_zones_by_name, HostedZoneId="Z1")
        self.assertEqual((code, status), ("InvalidInput", 400))

    def test_records_lower_case_escaped_and_paged_by_identifier(self):
        z = self.emu.create_zone("example.com")
        self.emu.add_records(
            z,
            {"Name": "*.example.com", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "d1.cloudfront.net"}]},
            {"Name": "WWW.example.com", "Type": "A", "AliasTarget": {
                "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "D1.cloudfront.net", "EvaluateTargetHealth": False}},
            {"Name": "w.example.com", "Type": "CNAME", "SetIdentifier": "a", "Weight": 10, "TTL": 60,
             "ResourceRecords": [{"Value": "d1.cloudfront.net"}]},
            {"Name": "w.example.com", "Type": "CNAME", "SetIdentifier": "b", "Weight": 0, "TTL": 60,
             "ResourceRecords": [{"Value": "d2.cloudfront.net"}]},
        )
        seen, kw = [], {}
        while True:
            page = self.r53.list_resource_record_sets(HostedZoneId=z, MaxItems="1", **kw)
            seen += [(r["Name"], r["Type"], r.get("SetIdentifier")) for r in page["ResourceRecordSets"]]
            if not page["IsTruncated"]:
                break
            kw = {"StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"]}
            if "NextRecordIdentifier" in page:
                kw["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        self.assertEqual(seen, [("example.com.", "NS", None), ("example.com.", "SOA", None),
                                ("\\052.example.com.", "CNAME", None), ("w.example.com.", "CNAME", "a"),
                                ("w.example.com.", "CNAME", "b"), ("www.example.com.", "A", None)])
        www = self.r53.list_resource_record_sets(HostedZoneId=z, StartRecordName="www.example.com")
        self.assertEqual(www["ResourceRecordSets"][0]["AliasTarget"]["DNSName"], "d1.cloudfront.net.")
        code, _, status = error_of(self.r53.list_resource_record_sets, HostedZoneId=z, StartRecordType="A")
        self.assertEqual((code, status), ("InvalidInput", 400))
        code, _, status = error_of(self.r53.list_resource_record_sets, HostedZoneId="ZNONE")
        self.assertEqual((code, status), ("NoSuchHostedZone", 404))
        self.assertEqual([e["action"] for e in self.emu.log(service="route53")][-1], "ListResourceRecordSets")

    def test_health_check_status_settable(self):
        hc = self.emu.create_health_check()
        obs = self.r53.get_health_check_status(HealthCheckId=hc)["HealthCheckObservations"]
        self.assertTrue(obs and all(o["StatusReport"]["Status"].startswith("Success") for o in obs))
        self.emu.set_health_check_status(hc, ["Success: HTTP Status Code 200, OK", "Failure: Connection timed out."])
        obs = self.r53.get_health_check_status(HealthCheckId=hc)["HealthCheckObservations"]
        self.assertEqual([o["StatusReport"]["Status"][:7] for o in obs], ["Success", "Failure"])
        code, _, status = error_of(self.r53.get_health_check_status, HealthCheckId="nope")
        self.assertEqual((code, status), ("NoSuchHealthCheck", 404))

    def test_fault_on_route53_action(self):
        self.emu.add_fault(service="route53", action="ListHostedZonesByName", fault="status", status=503, count=1)
        code, _, status = error_of(self.r53.list_hosted_zones_by_name)
        self.assertEqual((code, status), ("ServiceUnavailable", 503))


def acm_leaf(names, eku=("server",), key_kind="ec", key_encipherment=False, days=90, key=None):
    """A leaf under the test PKI with chosen extended key usages (server, client) and key usage."""
    from cryptography import x509 as _x509
    from cryptography.hazmat.primitives import hashes as _hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID as _E

    from emu_certs import Issued, _name

    key = key or new_key(key_kind, cache=False)
    nb = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    oids = {"server": _E.SERVER_AUTH, "client": _E.CLIENT_AUTH, "code": _E.CODE_SIGNING}
    b = (_x509.CertificateBuilder().subject_name(_name(names[0])).issuer_name(pki().inter.cert.subject)
         .public_key(key.public_key()).serial_number(_x509.random_serial_number())
         .not_valid_before(nb).not_valid_after(nb + datetime.timedelta(days=days))
         .add_extension(_x509.SubjectAlternativeName([_x509.DNSName(n) for n in names]), critical=False)
         .add_extension(_x509.KeyUsage(True, False, key_encipherment, False, False, False, False, False, False),
                        critical=True))
    if eku:
        b = b.add_extension(_x509.ExtendedKeyUsage([oids[e] for e in eku]), critical=False)
    return Issued(b.sign(pki().inter.key, _hashes.SHA256()), key)


class TestAcm(EmulatorCase):
    """ACM: import and re-import rules, listing, InUseBy, deletes, tags, regions, and CloudFront's
    rules for ACM certificates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acm = cls.emu.client("acm")

    def imp(self, leaf, chain=True, **kw):
        args = dict(Certificate=leaf.cert_pem.encode(), PrivateKey=leaf.key_pem.encode())
        if chain:
            args["CertificateChain"] = pki().chain.encode()
        args.update(kw)
        return self.acm.import_certificate(**args)["CertificateArn"]

    def test_acm_import_describe_get(self):
        leaf = acm_leaf(["www.example.com", "example.com"], eku=("server", "client"))
        arn = self.imp(leaf, Tags=[{"Key": "team", "Value": "web"}])
        self.assertRegex(arn, r"^arn:aws:acm:us-east-1:123456789012:certificate/[0-9a-f-]{36}$")
        d = self.acm.describe_certificate(CertificateArn=arn)["Certificate"]
        self.assertEqual((d["Type"], d["Status"], d["KeyAlgorithm"]), ("IMPORTED", "ISSUED", "EC_prime256v1"))
        self.assertEqual(d["SubjectAlternativeNames"], ["www.example.com", "example.com"])
        self.assertEqual([k["Name"] for k in d["KeyUsages"]], ["DIGITAL_SIGNATURE"])
        self.assertEqual([e["Name"] for e in d["ExtendedKeyUsages"]],
                         ["TLS_WEB_SERVER_AUTHENTICATION", "TLS_WEB_CLIENT_AUTHENTICATION"])
        self.assertEqual(d["InUseBy"], [])
        self.assertIn("ImportedAt", d)
        got = self.acm.get_certificate(CertificateArn=arn)
        self.assertEqual(got["Certificate"], leaf.cert_pem)
        self.assertEqual(got["CertificateChain"], pki().chain)  # as imported: no root added (moto adds one)
        self.assertEqual(self.acm.list_tags_for_certificate(CertificateArn=arn)["Tags"],
                         [{"Key": "team", "Value": "web"}])
        # another region is another store
        self.assertEqual(error_of(self.emu.client("acm", region_name="eu-west-1").describe_certificate,
                                  CertificateArn=arn)[0], "ResourceNotFoundException")

    def test_acm_import_refusals(self):
        leaf = acm_leaf(["www.example.com"])
        other = acm_leaf(["www.example.com"])
        code, msg, _ = error_of(self.acm.import_certificate, Certificate=leaf.cert_pem.encode(),
                                PrivateKey=other.key_pem.encode())
        self.assertEqual((code, msg), ("ValidationException",
                                       "The private key does not match the public key in the certificate."))
        code, msg, _ = error_of(self.acm.import_certificate, Certificate=leaf.cert_pem.encode(),
                                PrivateKey=leaf.encrypted_key_pem().encode())
        self.assertEqual(code, "ValidationException")
        code, msg, _ = error_of(self.acm.import_certificate, Certificate=(leaf.cert_pem + leaf.cert_pem).encode(),
                                PrivateKey=leaf.key_pem.encode())
        self.assertIn("more than one certificate", msg)
        code, msg, _ = error_of(self.imp, leaf, chain=False, CertificateChain=chain_pem(pki().root, pki().inter).encode())
        self.assertEqual(msg, "Could not validate the certificate with the certificate chain.")
        old = acm_leaf(["old.example.com"], days=1)
        self.emu.set_config(cert_clock=(datetime.datetime.now(datetime.timezone.utc)
                                        + datetime.timedelta(days=3)).isoformat())
        self.assertIn("expired", error_of(self.imp, old)[1])
        self.emu.set_config(cert_clock=None)
        # ACM imports P-384 (CloudFront does not serve it: test_acm_cloudfront_rules)
        self.assertIn(":certificate/", self.imp(make_leaf(["p384.example.com"], pki().inter, key_kind="ec384")))

    def test_acm_reimport_rules(self):
        first = acm_leaf(["www.example.com"], eku=("server", "client"))
        arn = self.imp(first, Tags=[{"Key": "libcert:uploaded", "Value": "certup"}])
        # tags on a re-import
        code, msg, _ = error_of(self.imp, acm_leaf(["www.example.com"]), CertificateArn=arn,
                                Tags=[{"Key": "a", "Value": "b"}])
        self.assertEqual((code, msg), ("ValidationException", "You cannot apply tags when reimporting a certificate."))
        # another key algorithm
        code, msg, _ = error_of(self.imp, acm_leaf(["www.example.com"], eku=("server", "client"), key_kind="rsa"),
                                CertificateArn=arn)
        self.assertIn("key algorithm (RSA_2048) must match", msg)
        # an extended key usage dropped that is not clientAuth
        code, msg, _ = error_of(self.imp, acm_leaf(["www.example.com"], eku=("client",)), CertificateArn=arn)
        self.assertIn("lacks TLS_WEB_SERVER_AUTHENTICATION", msg)
        # clientAuth dropped: allowed; the ARN, tags and names change as imported
        self.assertEqual(self.imp(acm_leaf(["www.example.com", "api.example.com"]), CertificateArn=arn), arn)
        d = self.acm.describe_certificate(CertificateArn=arn)["Certificate"]
        self.assertEqual(d["SubjectAlternativeNames"], ["www.example.com", "api.example.com"])
        self.assertEqual([e["Name"] for e in d["ExtendedKeyUsages"]], ["TLS_WEB_SERVER_AUTHENTICATION"])
        self.assertEqual(self.acm.list_tags_for_certificate(CertificateArn=arn)["Tags"],
                         [{"Key": "libcert:uploaded", "Value": "certup"}])
        # keyEncipherment may be dropped on ECDSA, not on RSA
        rsa_arn = self.imp(acm_leaf(["rsa.example.com"], key_kind="rsa", key_encipherment=True))
        code, msg, _ = error_of(self.imp, acm_leaf(["rsa.example.com"], key_kind="rsa"), CertificateArn=rsa_arn)
        self.assertIn("lacks KEY_ENCIPHERMENT", msg)
        ec_arn = self.imp(acm_leaf(["ec.example.com"], key_encipherment=True))
        self.assertEqual(self.imp(acm_leaf(["ec.example.com"]), CertificateArn=ec_arn), ec_arn)
        # an ACM-issued certificate is never re-imported; an unknown ARN is not found
        issued = self.emu.request_certificate("www.example.com")
        self.assertIn("not an imported certificate", error_of(self.imp, acm_leaf(["www.example.com"]),
                                                               CertificateArn=issued)[1])
        self.assertEqual(error_of(self.imp, first, CertificateArn=arn[:-4] + "0000")[0], "ResourceNotFoundException")

    def test_acm_list_key_types_and_pages(self):
        rsa_arn = self.imp(acm_leaf(["rsa.example.com"], key_kind="rsa"))
        ec_arn = self.imp(acm_leaf(["ec.example.com"]))
        issued = self.emu.request_certificate("issued.example.com")
        default = [c["CertificateArn"] for c in self.acm.list_certificates()["CertificateSummaryList"]]
        self.assertEqual(default, [rsa_arn, issued])  # RSA_1024 and RSA_2048 only without keyTypes
        every = self.acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1"]})
        self.assertEqual([c["CertificateArn"] for c in every["CertificateSummaryList"]], [rsa_arn, ec_arn, issued])
        s = every["CertificateSummaryList"][1]
        self.assertEqual((s["Type"], s["KeyAlgorithm"], s["InUse"]), ("IMPORTED", "EC_prime256v1", False))
        self.assertEqual(s["ExtendedKeyUsages"], ["TLS_WEB_SERVER_AUTHENTICATION"])
        page = self.acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1"]}, MaxItems=2)
        self.assertEqual(len(page["CertificateSummaryList"]), 2)
        rest = self.acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1"]}, MaxItems=2,
                                          NextToken=page["NextToken"])
        self.assertEqual([c["CertificateArn"] for c in rest["CertificateSummaryList"]], [issued])
        self.assertNotIn("NextToken", rest)
        self.assertEqual(error_of(self.acm.list_certificates, NextToken="garbage")[0], "InvalidArgsException")
        expired = self.acm.list_certificates(CertificateStatuses=["EXPIRED"], Includes={"keyTypes": ["EC_prime256v1"]})
        self.assertEqual(expired["CertificateSummaryList"], [])

    def test_acm_in_use_by_cloudfront_and_delete(self):
        leaf = acm_leaf(["www.example.com"])
        arn = self.imp(leaf)
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=arn)
        dist_arn = f"arn:aws:cloudfront::123456789012:distribution/{d['Id']}"
        self.assertEqual(self.acm.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"], [dist_arn])
        self.assertTrue(self.acm.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})
                        ["CertificateSummaryList"][0]["InUse"])
        code, msg, _ = error_of(self.acm.delete_certificate, CertificateArn=arn)
        self.assertEqual(code, "ResourceInUseException")
        self.assertIn(dist_arn, msg)
        # CloudFront answers ViewerCertificate for ACM with CertificateSource acm and Certificate the ARN
        vc = self.cf.get_distribution_config(Id=d["Id"])["DistributionConfig"]["ViewerCertificate"]
        self.assertEqual((vc["ACMCertificateArn"], vc["Certificate"], vc["CertificateSource"]), (arn, arn, "acm"))
        # another resource (an ALB) uses a second one
        other = self.imp(acm_leaf(["alb.example.com"]))
        self.emu.set_acm_in_use(other, ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"])
        self.assertEqual(error_of(self.acm.delete_certificate, CertificateArn=other)[0], "ResourceInUseException")
        self.emu.set_acm_in_use(other, [])
        self.acm.delete_certificate(CertificateArn=other)
        self.assertEqual(error_of(self.acm.describe_certificate, CertificateArn=other)[0], "ResourceNotFoundException")

    def test_acm_cloudfront_rules(self):
        def create(aliases, arn, extra=None):
            vc = {"ACMCertificateArn": arn, "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"}
            vc.update(extra or {})
            st, _, body = self.emu.signed_request("POST", "/2020-05-31/distribution",
                                                  distribution_config_xml(aliases=aliases, viewer_certificate=vc)
                                                  .encode())
            m = re.search(rb"<Code>(.*?)</Code><Message>(.*?)</Message>", body)
            return (st, m.group(1).decode(), m.group(2).decode()) if m else (st, None, None)

        leaf = acm_leaf(["www.example.com"])
        arn = self.imp(leaf)
        eu = self.emu.client("acm", region_name="eu-west-1").import_certificate(
            Certificate=leaf.cert_pem.encode(), PrivateKey=leaf.key_pem.encode())["CertificateArn"]
        self.assertIn(":acm:eu-west-1:", eu)
        self.assertEqual(create(["www.example.com"], eu)[1], "InvalidViewerCertificate")  # us-east-1 only
        self.assertEqual(create(["www.example.com"], arn.replace(arn[-4:], "ffff"))[1], "InvalidViewerCertificate")
        st, code, msg = create(["api.example.com"], arn)
        self.assertEqual(code, "InvalidViewerCertificate")
        self.assertIn("doesn't cover the alternate domain name", msg)
        p384 = self.imp(make_leaf(["p384.example.com"], pki().inter, key_kind="ec384"))
        self.assertEqual(create(["p384.example.com"], p384)[1], "InvalidViewerCertificate")  # ACM has it, CloudFront not
        self.assertEqual(create(["www.example.com"], arn, {"CertificateSource": "iam"})[1], "InvalidViewerCertificate")
        self.assertEqual(create(["www.example.com"], arn)[0], 201)

    def test_acm_cli(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        leaf = acm_leaf(["cli.example.com"])
        for name, text in (("cert.pem", leaf.cert_pem), ("key.pem", leaf.key_pem), ("chain.pem", pki().chain)):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        r = subprocess.run(["aws", "--endpoint-url", self.emu.endpoint, "--output", "json", "acm",
                            "import-certificate", "--certificate", f"fileb://{tmp}/cert.pem",
                            "--private-key", f"fileb://{tmp}/key.pem", "--certificate-chain",
                            f"fileb://{tmp}/chain.pem"], env=self.emu.env(), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        arn = json.loads(r.stdout)["CertificateArn"]
        r = subprocess.run(["aws", "--endpoint-url", self.emu.endpoint, "--output", "json", "acm", "get-certificate",
                            "--certificate-arn", arn], env=self.emu.env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(json.loads(r.stdout)["Certificate"], leaf.cert_pem)


class TestFaultsAndKnobs(EmulatorCase):
    def test_status_fault_count_and_skip(self):
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="status", status=503, count=1, skip=1)
        self.iam.list_server_certificates()  # skipped
        code, _, status = error_of(self.iam.list_server_certificates)
        self.assertEqual((code, status), ("ServiceUnavailable", 503))
        self.iam.list_server_certificates()  # the rule expired
        self.emu.add_fault(service="cloudfront", action="GetDistribution", fault="status", status=400,
                           code="Throttling", count=1)
        self.assertEqual(error_of(self.cf.get_distribution, Id="EX")[:1], ("Throttling",))
        self.assertEqual(self.emu.faults_active(), [])
        log = self.emu.log(service="iam", action="ListServerCertificates")
        self.assertEqual([e["status"] for e in log], [200, 503, 200])
        self.assertEqual([e["fault"] for e in log], [None, "status", None])

    def test_retries_see_throttling(self):
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="status", status=400,
                           code="Throttling", count=2)
        iam = self.emu.client("iam", config=Config(retries={"total_max_attempts": 3, "mode": "standard"}))
        iam.list_server_certificates()
        self.assertEqual(self.emu.count("ListServerCertificates"), 3)

    def test_reset_stall_truncate(self):
        quick = self.emu.client("iam", config=Config(retries={"total_max_attempts": 1}, read_timeout=0.3,
                                                     connect_timeout=2))
        self.emu.add_fault(service="iam", action="*", fault="reset", count=1)
        with self.assertRaises(CONNECTION_ERRORS):
            quick.list_server_certificates()
        self.emu.add_fault(service="iam", fault="truncate", count=1)
        with self.assertRaises(Exception):
            quick.list_server_certificates()
        self.emu.add_fault(service="iam", fault="stall", ms=800, count=1)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            quick.list_server_certificates()
        quick.list_server_certificates()
        time.sleep(0.7)  # the stalled request is logged when its stall ends
        log = self.emu.log(service="iam")
        self.assertEqual(sorted(e["fault"] or "" for e in log), ["", "reset", "stall", "truncate"])
        self.assertEqual([e["status"] for e in log if e["fault"]], [None, None, None])

    def test_after_the_upload_happened(self):
        self.emu.add_fault(service="iam", action="UploadServerCertificate", fault="after", count=1)
        with self.assertRaises(CONNECTION_ERRORS):
            self.upload("lost")
        # the request reached IAM: the certificate exists and a retry meets EntityAlreadyExists
        self.iam.get_server_certificate(ServerCertificateName="lost")
        self.assertEqual(error_of(self.upload, "lost")[0], "EntityAlreadyExists")
        self.assertEqual(self.emu.log(action="UploadServerCertificate")[0]["status"], 200)

    def test_after_variants_and_slow_answer(self):
        self.emu.add_fault(service="iam", action="TagServerCertificate", fault="after", then="status",
                           status=500, count=1)
        self.emu.add_fault(service="iam", action="UntagServerCertificate", fault="after", then="truncate", count=1)
        self.emu.add_fault(service="iam", action="ListServerCertificateTags", fault="stall", then="answer",
                           ms=300, count=1)
        self.upload("v")
        code, _, status = error_of(self.iam.tag_server_certificate, ServerCertificateName="v",
                                   Tags=[{"Key": "k", "Value": "1"}])
        self.assertEqual((code, status), ("InternalFailure", 500))
        with self.assertRaises(Exception):
            self.iam.untag_server_certificate(ServerCertificateName="v", TagKeys=["k"])
        t0 = time.monotonic()
        self.assertEqual(self.iam.list_server_certificate_tags(ServerCertificateName="v")["Tags"], [])
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        # both "after" requests did their work: the tag was added, then removed
        log = {e["action"]: (e["status"], e["fault"]) for e in self.emu.log(service="iam")}
        self.assertEqual(log["TagServerCertificate"], (200, "after"))
        self.assertEqual(log["UntagServerCertificate"], (200, "after"))
        self.assertEqual(log["ListServerCertificateTags"], (200, "stall"))

    def test_hold_until_released(self):
        # hold: the stalled request is answered when the test releases it, not when ms passes;
        # what the test did meanwhile is in the answer; a bad hold is refused
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="stall", then="answer",
                           ms=60000, hold=True, count=1)
        got = {}
        t = threading.Thread(target=lambda: got.setdefault(
            "names", [m["ServerCertificateName"] for m in self.iam.list_server_certificates()[
                "ServerCertificateMetadataList"]]))
        t0 = time.monotonic()
        t.start()
        deadline = time.monotonic() + 30
        while self.emu.faults_active() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.emu.faults_active(), [])
        self.upload("during-hold")
        time.sleep(0.3)
        self.assertTrue(t.is_alive())  # still held
        self.assertEqual(self.emu.release(), 1)
        t.join(30)
        self.assertLess(time.monotonic() - t0, 30)
        self.assertEqual(got["names"], ["during-hold"])
        self.assertEqual(self.emu.release(), 0)
        for bad in (dict(fault="status", hold=True), dict(fault="stall", hold="yes")):
            with self.assertRaises(Exception):
                self.emu.add_fault(service="iam", **bad)

    def test_invalid_xml(self):
        # a whole 200 answer that is not well-formed XML: botocore cannot parse it, the
        # connection stays usable, and "after" lets the write happen first
        one = self.emu.client("iam", config=Config(retries={"total_max_attempts": 1}))
        cf = self.emu.client("cloudfront", config=Config(retries={"total_max_attempts": 1}))
        self.emu.add_fault(service="iam", action="ListServerCertificates", fault="invalid", count=1)
        with self.assertRaises(botocore.parsers.ResponseParserError):
            one.list_server_certificates()
        one.list_server_certificates()
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="invalid", count=1)
        with self.assertRaises(botocore.parsers.ResponseParserError):
            cf.get_distribution_config(Id="E2QWRUHAPOMQZL")
        self.emu.add_fault(service="iam", action="UploadServerCertificate", fault="after", then="invalid",
                           count=1)
        with self.assertRaises(botocore.parsers.ResponseParserError):
            self.upload("written")
        self.iam.get_server_certificate(ServerCertificateName="written")
        log = [(e["action"], e["status"], e["fault"]) for e in self.emu.log()]
        self.assertEqual(log, [("ListServerCertificates", None, "invalid"), ("ListServerCertificates", 200, None),
                               ("GetDistributionConfig", None, "invalid"),
                               ("UploadServerCertificate", 200, "after"), ("GetServerCertificate", 200, None)])
        with urllib.request.urlopen(urllib.request.Request(
                self.emu.endpoint + "/", data=b"Action=ListServerCertificates&Version=2010-05-08")) as r:
            self.assertEqual(r.status, 200)
        self.emu.add_fault(service="iam", fault="invalid", count=1)
        with urllib.request.urlopen(urllib.request.Request(
                self.emu.endpoint + "/", data=b"Action=ListServerCertificates&Version=2010-05-08")) as r:
            body = r.read()
            self.assertEqual((r.status, int(r.headers["Content-Length"])), (200, len(body)))
        with self.assertRaises(Exception):
            import xml.dom.minidom
            xml.dom.minidom.parseString(body)

    def test_latency_and_concurrency(self):
        self.emu.set_config(latency_ms=200)
        t0 = time.monotonic()
        self.iam.list_server_certificates()
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)
        self.emu.set_config(latency_ms=50)
        errors = []

        def worker():
            try:
                c = self.emu.client("iam")
                for _ in range(5):
                    c.list_server_certificates()
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        self.assertEqual(errors, [])
        self.assertLess(elapsed, 40 * 0.05 * 0.5)  # 40 requests: clearly in parallel

    def test_control_api_errors_and_reset(self):
        with self.assertRaises(Exception):
            self.emu.add_fault(service="iam", fault="explode")
        with self.assertRaises(Exception):
            self.emu.set_config(quota=-1)
        self.upload("r")
        self.emu.add_fault(service="sts", fault="status", status=500)
        self.emu.reset()
        self.assertEqual(self.iam.list_server_certificates()["ServerCertificateMetadataList"], [])
        self.assertEqual(self.emu.faults_active(), [])
        self.assertEqual(self.emu.config()["quota"], 20)

    def test_other_calls_reach_moto(self):
        self.iam.create_user(UserName="someone")
        self.assertEqual(self.iam.list_users()["Users"][0]["UserName"], "someone")
        sts = self.emu.client("sts")
        self.assertEqual(sts.get_caller_identity()["Account"], "123456789012")
        role = self.iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                     "Action": "sts:AssumeRole"}]}))["Role"]
        creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="session")["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        web = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="web", WebIdentityToken="token")
        self.assertIn("Credentials", web)
        self.assertEqual([e["action"] for e in self.emu.log(service="sts")],
                         ["GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"])


class TestAwsCli(EmulatorCase):
    def aws(self, *args, ok=True):
        r = subprocess.run(["aws", "--endpoint-url", self.emu.endpoint, "--output", "json", *args],
                           env=self.emu.env(), capture_output=True, text=True, timeout=60)
        if ok and r.returncode != 0:
            self.fail(f"aws {' '.join(args)}: {r.returncode}\n{r.stderr}")
        return r

    def test_cli_iam_and_cloudfront(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        leaf = pki().leaf(["cli.example.com"])
        for name, text in (("cert.pem", leaf.cert_pem), ("key.pem", leaf.key_pem), ("chain.pem", pki().chain)):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        up = ["iam", "upload-server-certificate", "--server-certificate-name", "cli", "--path", "/cloudfront/cli/",
              "--certificate-body", f"file://{tmp}/cert.pem", "--private-key", f"file://{tmp}/key.pem",
              "--certificate-chain", f"file://{tmp}/chain.pem"]
        meta = json.loads(self.aws(*up).stdout)["ServerCertificateMetadata"]
        self.assertRegex(meta["ServerCertificateId"], r"^ASCA[A-Z0-9]{17}$")
        r = self.aws(*up, ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("An error occurred (EntityAlreadyExists) when calling the UploadServerCertificate operation: "
                      "The Server Certificate with name cli already exists.", r.stderr)
        listed = json.loads(self.aws("iam", "list-server-certificates", "--path-prefix", "/cloudfront/").stdout)
        self.assertEqual([m["ServerCertificateName"] for m in listed["ServerCertificateMetadataList"]], ["cli"])
        d = self.emu.create_distribution(aliases=["cli.example.com"], viewer_certificate=meta["ServerCertificateId"])
        got = json.loads(self.aws("cloudfront", "get-distribution-config", "--id", d["Id"]).stdout)
        self.assertEqual(got["ETag"], d["ETag"])
        self.assertEqual(got["DistributionConfig"]["ViewerCertificate"]["IAMCertificateId"], meta["ServerCertificateId"])
        r = self.aws("iam", "delete-server-certificate", "--server-certificate-name", "cli", ok=False)
        self.assertIn("DeleteConflict", r.stderr)


class TestAuth(unittest.TestCase):
    def test_signatures_checked_like_moto(self):
        with Emulator(auth=0) as emu:
            key_id, secret = emu.enable_auth()
            iam = emu.client("iam")
            leaf = pki().leaf(["auth.example.com"])
            iam.upload_server_certificate(ServerCertificateName="a", Path="/cloudfront/", CertificateBody=leaf.cert_pem,
                                          PrivateKey=leaf.key_pem)
            self.assertEqual(iam.list_users()["Users"][0]["UserName"], "libcert-test")  # moto's side
            emu.create_distribution()  # signed raw CloudFront request
            self.assertEqual(emu.client("cloudfront").list_distributions()["DistributionList"]["Quantity"], 1)
            bad = emu.client("iam", aws_secret_access_key="wrong")
            for fn in (bad.list_server_certificates, bad.list_users):
                code, msg, status = error_of(fn)
                self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
            code, _, status = error_of(emu.client("cloudfront", aws_secret_access_key="wrong").list_distributions)
            self.assertEqual((code, status), ("SignatureDoesNotMatch", 403))
            unknown = emu.client("iam", aws_access_key_id="AKIAUNKNOWNUNKNOWN00")
            self.assertEqual(error_of(unknown.list_server_certificates)[0], "InvalidClientTokenId")
            req = urllib.request.Request(emu.endpoint + "/", data=b"Action=ListServerCertificates&Version=2010-05-08",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            with self.assertRaises(urllib.error.HTTPError) as ctx:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(ctx.exception.code, 403)


class TestTls(unittest.TestCase):
    def test_https(self):
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import NameOID

        key = new_key("ec", cache=False)
        now = datetime.datetime.now(datetime.timezone.utc)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        from emu_certs import Issued

        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        issued = Issued(cert, key)
        cpath, kpath = os.path.join(tmp, "tls.pem"), os.path.join(tmp, "tls.key")
        with open(cpath, "w") as f:
            f.write(issued.cert_pem)
        with open(kpath, "w") as f:
            f.write(issued.key_pem)
        with Emulator(tls_cert=cpath, tls_key=kpath) as emu:
            self.assertTrue(emu.endpoint.startswith("https://"))
            self.assertEqual(emu.client("iam").list_server_certificates()["ServerCertificateMetadataList"], [])
            self.assertEqual(emu.config()["quota"], 20)


class TestLifecycle(unittest.TestCase):
    def test_startup_and_sigterm(self):
        emu = Emulator().start()
        sys.stderr.write(f"\n[emulator start-up: {emu.startup_s:.2f}s] ")
        self.assertLess(emu.startup_s, 10)
        s = socket.create_connection(("127.0.0.1", emu.port))
        s.close()
        emu.stop()
        self.assertEqual(emu.returncode, 0)

    def test_emu_sh(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        sh = os.path.join(HERE, "emu.sh")
        r = subprocess.run(["sh", sh, "start", tmp, "--deploy-delay", "0"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        url = r.stdout.strip()
        self.assertRegex(url, r"^http://127\.0\.0\.1:\d+$")
        with urllib.request.urlopen(url + "/_emu/config", timeout=10) as resp:
            self.assertEqual(json.loads(resp.read())["deploy_delay"], 0)
        pid = int(read(os.path.join(tmp, "emulator.pid")))
        r = subprocess.run(["sh", sh, "stop", tmp], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        with self.assertRaises(OSError):
            os.kill(pid, 0)


class TestCredsrv(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        port_file = os.path.join(cls.tmp, "port")
        cls.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "credsrv.py"), "--port", "0",
                                     "--port-file", port_file, "--imds-v2-only", "--expires-in", "3600",
                                     "--access-key-id", "ASIACREDSRV{n}"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file) and read(port_file).strip():
                break
            time.sleep(0.02)
        cls.base = f"http://127.0.0.1:{int(read(port_file))}"

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        shutil.rmtree(cls.tmp)

    def test_imds_v2(self):
        from botocore.utils import InstanceMetadataFetcher

        # env={}: ctest's AWS_EC2_METADATA_DISABLED=true would turn the fetcher off
        creds = InstanceMetadataFetcher(timeout=2, num_attempts=1, base_url=self.base + "/",
                                        env={}).retrieve_iam_role_credentials()
        self.assertTrue(creds["access_key"].startswith("ASIACREDSRV"))
        self.assertEqual(creds["token"], "emulator-session-token")
        exp = datetime.datetime.strptime(creds["expiry_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        left = exp - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(datetime.timedelta(seconds=3500) < left <= datetime.timedelta(seconds=3600), left)
        req = urllib.request.Request(self.base + "/latest/meta-data/iam/security-credentials/")
        with self.assertRaises(urllib.error.HTTPError) as ctx:  # IMDSv1 refused
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(ctx.exception.code, 401)

    def test_container_and_sso(self):
        from botocore.credentials import ContainerProvider

        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.base + "/creds",
               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"}
        creds = ContainerProvider(environ=env).load().get_frozen_credentials()
        self.assertTrue(creds.access_key.startswith("ASIACREDSRV"))
        sso = boto3.client("sso", region_name="us-east-1", endpoint_url=self.base,
                           aws_access_key_id="x", aws_secret_access_key="x")
        rc = sso.get_role_credentials(roleName="libcert-test-role", accountId="123456789012",
                                      accessToken="sso-access-token")["roleCredentials"]
        self.assertTrue(rc["accessKeyId"].startswith("ASIACREDSRV"))
        self.assertGreater(rc["expiration"], time.time() * 1000)
        with self.assertRaises(botocore.exceptions.ClientError):
            sso.get_role_credentials(roleName="libcert-test-role", accountId="123456789012", accessToken="bad")

    def test_config_and_log(self):
        self.addCleanup(lambda: urllib.request.urlopen(urllib.request.Request(
            self.base + "/_emu/config", data=b'{"expires_in": 3600}', method="POST"), timeout=5).close())
        req = urllib.request.Request(self.base + "/_emu/config", data=json.dumps({"expires_in": 5}).encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            self.assertEqual(json.loads(r.read())["expires_in"], 5)
        req = urllib.request.Request(self.base + "/creds", headers={"Authorization": "container-auth-token"})
        with urllib.request.urlopen(req, timeout=5) as r:
            body = json.loads(r.read())
        exp = datetime.datetime.strptime(body["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        self.assertLess(exp - datetime.datetime.now(datetime.timezone.utc), datetime.timedelta(seconds=6))
        with urllib.request.urlopen(self.base + "/_emu/log", timeout=5) as r:
            log = json.loads(r.read())["requests"]
        self.assertIn("/creds", [e["path"] for e in log])

    def _post(self, path, obj, method="POST"):
        req = urllib.request.Request(self.base + path, data=json.dumps(obj).encode() if obj is not None else None,
                                     method=method)
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def test_faults(self):
        self.addCleanup(self._post, "/_emu/faults", None, "DELETE")
        creds = urllib.request.Request(self.base + "/creds", headers={"Authorization": "container-auth-token"})
        self._post("/_emu/faults", {"rules": [
            {"endpoint": "container", "fault": "status", "status": 503, "count": 1},
            {"endpoint": "container", "fault": "invalid", "count": 1},
            {"endpoint": "container", "fault": "truncate", "count": 1},
            {"endpoint": "container", "fault": "reset", "count": 1},
            {"endpoint": "container", "fault": "stall", "ms": 600, "count": 1},
            {"endpoint": "sso", "fault": "status", "status": 500, "skip": 1, "count": 1}]})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(creds, timeout=5)
        self.assertEqual(ctx.exception.code, 503)
        with urllib.request.urlopen(creds, timeout=5) as r:  # a whole answer, not JSON
            with self.assertRaises(ValueError):
                json.loads(r.read())
        with self.assertRaises(Exception):  # short read
            with urllib.request.urlopen(creds, timeout=5) as r:
                r.read()
        with self.assertRaises(OSError):
            urllib.request.urlopen(creds, timeout=5).read()
        with self.assertRaises(OSError):  # the stall outlasts the client's timeout
            urllib.request.urlopen(creds, timeout=0.3).read()
        with urllib.request.urlopen(creds, timeout=5) as r:  # the rules are used up
            self.assertIn("AccessKeyId", json.loads(r.read()))
        self.assertEqual(self._post("/_emu/faults", None, "GET")["rules"][0]["endpoint"], "sso")
        with self.assertRaises(ValueError):
            try:
                self._post("/_emu/faults", {"endpoint": "nowhere", "fault": "status"})
            except urllib.error.HTTPError as e:
                raise ValueError(e.code)
        log = [e["fault"] or "" for e in self._post("/_emu/log", None, "GET")["requests"]
               if e["path"] == "/creds"][-6:]
        self.assertEqual(sorted(log), ["", "invalid", "reset", "stall", "status", "truncate"])


if __name__ == "__main__":
    from testmain import main

    main()
