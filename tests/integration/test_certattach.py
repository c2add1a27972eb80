#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certattach against the emulator: only ViewerCertificate changes (AWS CLI before/after, the
stored document in canonical form, unknown elements byte for byte), SSLSupportMethod and
MinimumProtocolVersion kept or set, the deprecated Certificate / CertificateSource made
consistent, ACM and the default certificate left behind; the certificate named by name, ARN or
id; --replace; an already attached certificate; --dry-run; --json. The pre-flight: aliases not
covered (each named; a wildcard alias needs the identical wildcard), a path outside /cloudfront/,
expiry, an ineligible key, --allow; NoSuchEntity and NoSuchDistribution: in every refusal no
distribution changes (no UpdateDistribution, the ETags stay)."""

import datetime
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    cf_config_raw,
    cf_etag,
    cf_viewer,
    cf_viewer_dict,
    cf_without_viewer,
    fixture,
    make_bundle,
    upload_fixture,
)

UTC = datetime.timezone.utc
LATER = "2026-07-01T00:00:00Z"  # after every fixture leaf's notAfter (2026-06-01)


def upload_bundle(emu, tmp, name, dns, path="/cloudfront/"):
    """A new P-256 leaf under the fixtures' int2 for these DNS names, uploaded under name."""
    leaf, key, chain = make_bundle(os.path.join(tmp, name + ".pem"), dns,
                                   not_after=datetime.datetime(2026, 5, 1, tzinfo=UTC))
    return emu.upload_certificate(name, leaf, key, chain, path=path)


class AttachCase(EmuTestCase):
    """Shared steps of the certattach tests."""

    def attach(self, *args, check=True, timeout=120):
        return self.tool("certattach", *(self.CHECK if check else ()), *args, timeout=timeout)

    def updates(self):
        return self.emu.log(action="UpdateDistribution")

    def assertNothingChanged(self, etags, r=None):
        """No UpdateDistribution reached the emulator, and every distribution keeps its ETag."""
        self.assertEqual(self.updates(), [], r)
        for dist_id, etag in etags.items():
            self.assertEqual(cf_etag(self.emu, dist_id), etag, f"{dist_id} changed{r!r}")

    def cli_config(self, dist_id):
        return self.aws("cloudfront", "get-distribution-config", "--id", dist_id)


class CertattachEdit(AttachCase):
    """What the update sends: ViewerCertificate and nothing else."""

    FUTURE = ('<FutureSetting xmlns:x="urn:example:future" x:level="2" mode="strict">'
              "<Limit>42</Limit><Note>a &amp; b &lt;c&gt; \u00e9</Note><Empty></Empty>"
              "</FutureSetting>")

    def setUp(self):
        super().setUp()
        self.old = upload_fixture(self.emu, "old", "rsa2048")
        self.new = upload_fixture(self.emu, "new", "rsa3072")

    def test_same_meaning_is_unchanged(self):
        # Idempotence by meaning (issue #10): a ViewerCertificate that already says what certattach
        # would write is unchanged, even with empty elements (<ACMCertificateArn/>), which say
        # nothing; no UpdateDistribution is sent.
        nid = self.new["ServerCertificateId"]
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate={
            "CloudFrontDefaultCertificate": "false", "IAMCertificateId": nid, "ACMCertificateArn": "",
            "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021",
            "Certificate": nid, "CertificateSource": "iam"})["Id"]
        self.assertRegex(cf_config_raw(self.emu, d)[1], rb"<ACMCertificateArn\s*(/>|></ACMCertificateArn>)")
        etag = cf_etag(self.emu, d)
        r = self.attach("--json", "--cert", "new", d)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["Distributions"][0]["status"], "unchanged")
        self.assertEqual(self.updates(), [])
        self.assertEqual(cf_etag(self.emu, d), etag)

    def test_aws_cli_before_and_after_differ_only_in_viewer_certificate(self):
        d = self.emu.create_distribution(aliases=["www.example.com", "example.com"],
                                         viewer_certificate=self.old["ServerCertificateId"],
                                         extra_xml=self.FUTURE)
        before = self.cli_config(d["Id"])
        _, raw_before = cf_config_raw(self.emu, d["Id"])
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        after = self.cli_config(d["Id"])
        _, raw_after = cf_config_raw(self.emu, d["Id"])
        self.assertNotEqual(before["ETag"], after["ETag"])
        b, a = dict(before["DistributionConfig"]), dict(after["DistributionConfig"])
        vb, va = b.pop("ViewerCertificate"), a.pop("ViewerCertificate")
        self.assertEqual(a, b)  # everything outside ViewerCertificate, as the AWS CLI sees it
        self.assertEqual(vb["IAMCertificateId"], self.old["ServerCertificateId"])
        self.assertEqual(va["IAMCertificateId"], self.new["ServerCertificateId"])
        self.assertEqual(va["SSLSupportMethod"], "sni-only")
        self.assertEqual(va["MinimumProtocolVersion"], "TLSv1.2_2021")
        self.assertEqual(va.get("Certificate"), self.new["ServerCertificateId"])
        self.assertEqual(va.get("CertificateSource"), "iam")
        self.assertNotIn("ACMCertificateArn", va)
        self.assertFalse(va.get("CloudFrontDefaultCertificate", False))
        # The stored document too, in canonical form, elements AWS's model does not know included.
        self.assertEqual(cf_without_viewer(raw_after), cf_without_viewer(raw_before))
        self.assertEqual([u["status"] for u in self.updates()], [200])

    def test_unknown_elements_survive_byte_for_byte(self):
        vc = {"CloudFrontDefaultCertificate": "false", "IAMCertificateId": self.old["ServerCertificateId"],
              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021",
              "FutureViewerOption": "on"}
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=vc,
                                         extra_xml=self.FUTURE.replace("<Empty></Empty>", ""))
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        _, raw = cf_config_raw(self.emu, d["Id"])
        text = raw.decode("utf-8")
        self.assertIn(self.FUTURE.replace("<Empty></Empty>", ""), text)
        # An element of ViewerCertificate libcert does not know stays in it.
        self.assertIn(("FutureViewerOption", "on"), cf_viewer(raw))
        self.assertEqual(cf_viewer_dict(raw)["IAMCertificateId"], self.new["ServerCertificateId"])

    def test_empty_unknown_element_kept(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.old["ServerCertificateId"],
                                         extra_xml=self.FUTURE)
        _, before = cf_config_raw(self.emu, d["Id"])
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        _, after = cf_config_raw(self.emu, d["Id"])
        self.assertEqual(cf_without_viewer(after), cf_without_viewer(before))
        self.assertIn("FutureSetting", after.decode())

    def test_vip_distribution_keeps_vip_and_its_minimum(self):
        vc = {"CloudFrontDefaultCertificate": "false", "IAMCertificateId": self.old["ServerCertificateId"],
              "SSLSupportMethod": "vip", "MinimumProtocolVersion": "TLSv1",
              "Certificate": self.old["ServerCertificateId"], "CertificateSource": "iam"}
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=vc)
        r = self.attach("--json", "--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        got = cf_viewer(cf_config_raw(self.emu, d["Id"])[1])
        # The members in the API's order (botocore model, ViewerCertificate).
        self.assertEqual(got, [("IAMCertificateId", self.new["ServerCertificateId"]), ("SSLSupportMethod", "vip"),
                               ("MinimumProtocolVersion", "TLSv1"),
                               ("Certificate", self.new["ServerCertificateId"]), ("CertificateSource", "iam")])
        dist = r.json()["Distributions"][0]
        self.assertEqual(dist["PreviousViewerCertificate"]["SSLSupportMethod"], "vip")
        self.assertEqual(dist["PreviousViewerCertificate"]["IAMCertificateId"], self.old["ServerCertificateId"])

    def test_leaving_the_default_certificate_sni_only_and_tls12_2021(self):
        # CloudFront's certificate (GetDistributionConfig shows vip / TLSv1 / CertificateSource
        # cloudfront for it), no aliases.
        d = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        vc = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertNotIn("CloudFrontDefaultCertificate", vc)
        self.assertEqual(vc["IAMCertificateId"], self.new["ServerCertificateId"])
        self.assertEqual(vc["SSLSupportMethod"], "sni-only")
        self.assertEqual(vc["MinimumProtocolVersion"], "TLSv1.2_2021")
        self.assertEqual(vc.get("CertificateSource"), "iam")
        self.assertIn(vc.get("Certificate", self.new["ServerCertificateId"]), [self.new["ServerCertificateId"]])
        cli = self.cli_config(d["Id"])["DistributionConfig"]["ViewerCertificate"]
        self.assertEqual(cli["IAMCertificateId"], self.new["ServerCertificateId"])

    def test_ssl_support_method_and_min_tls_options(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.old["ServerCertificateId"])
        r = self.attach("--cert", "new", "--ssl-support-method", "vip", "--min-tls", "TLSv1.2_2019", d["Id"])
        self.assertEqual(r.rc, 0, r)
        vc = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertEqual((vc["SSLSupportMethod"], vc["MinimumProtocolVersion"]), ("vip", "TLSv1.2_2019"))
        # Leaving the default certificate with an explicit method and minimum: they win.
        d2 = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        r = self.attach("--cert", "new", "--ssl-support-method", "static-ip", "--min-tls", "TLSv1.1_2016", d2["Id"])
        self.assertEqual(r.rc, 0, r)
        vc = cf_viewer_dict(cf_config_raw(self.emu, d2["Id"])[1])
        self.assertEqual((vc["SSLSupportMethod"], vc["MinimumProtocolVersion"]), ("static-ip", "TLSv1.1_2016"))

    def test_bad_ssl_support_method_or_min_tls_is_usage_error(self):
        d = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        self.emu.clear_log()
        for args in (("--ssl-support-method", "sni"), ("--min-tls", "TLSv1.4")):
            r = self.attach("--cert", "new", *args, d["Id"])
            self.assertEqual(r.rc, 2, r)
        self.assertEqual(self.emu.log(service="cloudfront"), [])

    def test_sni_only_never_goes_out_with_sslv3(self):
        vc = {"CloudFrontDefaultCertificate": "false", "IAMCertificateId": self.old["ServerCertificateId"],
              "SSLSupportMethod": "vip", "MinimumProtocolVersion": "SSLv3"}
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=vc)
        r = self.attach("--cert", "new", "--ssl-support-method", "sni-only", d["Id"])
        self.assertEqual(r.rc, 0, r)
        got = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertEqual(got["SSLSupportMethod"], "sni-only")
        self.assertNotEqual(got["MinimumProtocolVersion"], "SSLv3")
        # Asked for explicitly, with sni-only: still not SSLv3.
        d2 = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        r = self.attach("--cert", "new", "--min-tls", "SSLv3", d2["Id"])
        self.assertEqual(r.rc, 0, r)
        got = cf_viewer_dict(cf_config_raw(self.emu, d2["Id"])[1])
        self.assertEqual(got["SSLSupportMethod"], "sni-only")
        self.assertNotEqual(got["MinimumProtocolVersion"], "SSLv3")

    def test_deprecated_fields_made_consistent(self):
        # Certificate / CertificateSource as GetDistributionConfig shows them for an IAM
        # certificate: both follow the new id; sent back unchanged, CloudFront would refuse.
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.old["ServerCertificateId"])
        vc_before = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertEqual(vc_before["Certificate"], self.old["ServerCertificateId"])
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        vc = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertIn(vc.get("Certificate", self.new["ServerCertificateId"]), [self.new["ServerCertificateId"]])
        self.assertIn(vc.get("CertificateSource", "iam"), ["iam"])

    def test_acm_certificate_replaced(self):
        leaf, key, chain = make_bundle(os.path.join(self.tmp, "acm.pem"), ["www.example.com"],
                                       not_after=datetime.datetime(2026, 5, 1, tzinfo=UTC))
        arn = self.emu.import_certificate(leaf, key, chain)
        vc = {"ACMCertificateArn": arn, "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2019",
              "Certificate": arn, "CertificateSource": "acm"}
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=vc)
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        got = cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])
        self.assertNotIn("ACMCertificateArn", got)
        self.assertEqual(got["IAMCertificateId"], self.new["ServerCertificateId"])
        self.assertEqual(got["SSLSupportMethod"], "sni-only")
        self.assertEqual(got["MinimumProtocolVersion"], "TLSv1.2_2019")
        self.assertIn(got.get("Certificate", self.new["ServerCertificateId"]), [self.new["ServerCertificateId"]])
        self.assertIn(got.get("CertificateSource", "iam"), ["iam"])

    def test_certificate_by_name_arn_and_id(self):
        ids = []
        for alias in ("a.example.com", "b.example.com", "c.example.com"):
            first = upload_bundle(self.emu, self.tmp, "first-" + alias[0], [alias])
            ids.append(self.emu.create_distribution(aliases=[alias],
                                                    viewer_certificate=first["ServerCertificateId"])["Id"])
        cover = upload_bundle(self.emu, self.tmp, "abc", ["a.example.com", "b.example.com", "c.example.com"])
        for dist_id, spec in zip(ids, ("abc", cover["Arn"], cover["ServerCertificateId"])):
            r = self.attach("--json", "--cert", spec, dist_id)
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.json()["Distributions"][0]["status"], "updated", r)
            self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1])["IAMCertificateId"],
                             cover["ServerCertificateId"], spec)

    def test_already_attached_is_unchanged_success(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.new["ServerCertificateId"])
        etag = cf_etag(self.emu, d["Id"])
        self.emu.clear_log()
        r = self.attach("--json", "--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["Distributions"][0]["status"], "unchanged")
        self.assertFalse(doc["Distributions"][0]["changed"])
        self.assertEqual(doc["libcert"]["exit_code"], 0)
        self.assertNothingChanged({d["Id"]: etag}, r)
        r = self.attach("--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, rf"{d['Id']} unchanged")

    def test_dry_run_shows_the_change_and_changes_nothing(self):
        d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                          viewer_certificate=self.old["ServerCertificateId"])
        d2 = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        etags = {d["Id"]: cf_etag(self.emu, d["Id"]) for d in (d1, d2)}
        self.emu.clear_log()
        r = self.attach("--dry-run", "--cert", "new", d1["Id"], d2["Id"])
        self.assertEqual(r.rc, 0, r)
        self.assertNothingChanged(etags, r)
        old_id, new_id = self.old["ServerCertificateId"], self.new["ServerCertificateId"]
        line1 = [ln for ln in r.out.splitlines() if d1["Id"] in ln]
        line2 = [ln for ln in r.out.splitlines() if d2["Id"] in ln]
        self.assertEqual(len(line1), 1, r)
        self.assertEqual(len(line2), 1, r)
        self.assertIn(old_id, line1[0])
        self.assertIn(new_id, line1[0])
        self.assertIn("sni-only", line2[0])
        self.assertIn("TLSv1.2_2021", line2[0])
        self.assertIn(new_id, line2[0])
        r = self.attach("--dry-run", "--json", "--cert", "new", d1["Id"], d2["Id"])
        self.assertEqual(r.rc, 0, r)
        dists = {x["Id"]: x for x in r.json()["Distributions"]}
        for dist_id in etags:
            self.assertEqual(dists[dist_id]["status"], "would-update")
            self.assertFalse(dists[dist_id]["changed"])
            self.assertIn(new_id, dists[dist_id]["change"])
        self.assertNothingChanged(etags, r)

    def test_json_is_one_document_even_with_v(self):
        d = self.emu.create_distribution(aliases=["www.example.com"],
                                         viewer_certificate=self.old["ServerCertificateId"])
        r = self.attach("--json", "-v", "--cert", "new", d["Id"])
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["ServerCertificateMetadata"]["ServerCertificateId"], self.new["ServerCertificateId"])
        self.assertEqual([x["Id"] for x in doc["Distributions"]], [d["Id"]])
        x = doc["Distributions"][0]
        self.assertEqual((x["status"], x["changed"], x["exit_code"]), ("updated", True, 0))
        self.assertEqual(x["Aliases"], ["www.example.com"])
        self.assertEqual(x["PreviousViewerCertificate"]["IAMCertificateId"], self.old["ServerCertificateId"])
        self.assertEqual(doc["libcert"]["exit_code"], 0)
        self.assertNotIn("{", r.err)

    def test_replace_changes_every_user_of_the_old_certificate_only(self):
        other = upload_fixture(self.emu, "other", "p256")
        d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                          viewer_certificate=self.old["ServerCertificateId"])
        d2 = self.emu.create_distribution(aliases=[], viewer_certificate=self.old["ServerCertificateId"])
        d3 = self.emu.create_distribution(aliases=["example.com"], viewer_certificate=other["ServerCertificateId"])
        d4 = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        untouched = {d["Id"]: cf_etag(self.emu, d["Id"]) for d in (d3, d4)}
        self.emu.clear_log()
        r = self.attach("--json", "--cert", "new", "--replace", "old")
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(sorted(x["Id"] for x in doc["Distributions"]), sorted([d1["Id"], d2["Id"]]))
        self.assertTrue(all(x["status"] == "updated" for x in doc["Distributions"]), r)
        for d in (d1, d2):
            self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, d["Id"])[1])["IAMCertificateId"],
                             self.new["ServerCertificateId"])
        for dist_id, etag in untouched.items():
            self.assertEqual(cf_etag(self.emu, dist_id), etag)
        self.assertEqual(len(self.updates()), 2)
        # By id as well: now nothing uses old, so the handle matches nothing: exit 1
        # (handle.unmatched, issue #10), never a silent success, and nothing is sent.
        r = self.attach("--cert", "new", "--replace", self.old["ServerCertificateId"])
        self.assertEqual(r.rc, 1, r)
        self.assertIn("handle.unmatched", r.err)
        self.assertEqual(len(self.updates()), 2)


class CertattachPreflight(AttachCase):
    """Every distribution is checked before any changes; an error changes nothing."""

    def setUp(self):
        super().setUp()
        self.good = upload_fixture(self.emu, "good", "rsa2048")  # www.example.com, example.com
        self.wild = upload_fixture(self.emu, "wild", "wildcard")  # *.example.com, example.com

    def dists(self, *alias_lists, cert=None):
        cert = cert or self.wild["ServerCertificateId"]
        out = [self.emu.create_distribution(aliases=a, viewer_certificate=cert)["Id"] for a in alias_lists]
        return out, {i: cf_etag(self.emu, i) for i in out}

    def test_uncovered_aliases_each_named_and_nothing_changed(self):
        cover = upload_bundle(self.emu, self.tmp, "cover",
                              ["shop.example.com", "blog.example.com", "example.com"])
        ok = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=self.wild["ServerCertificateId"])
        bad = self.emu.create_distribution(aliases=["shop.example.com", "example.com", "blog.example.com"],
                                           viewer_certificate=cover["ServerCertificateId"])
        etags = {d["Id"]: cf_etag(self.emu, d["Id"]) for d in (ok, bad)}
        self.emu.clear_log()
        r = self.attach("--json", "--jobs", "2", "--cert", "good", ok["Id"], bad["Id"])
        self.assertEqual(r.rc, 1, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["exit_code"], 1)
        by_id = {x["Id"]: x for x in doc["Distributions"]}
        self.assertEqual(by_id[bad["Id"]]["status"], "refused")
        self.assertFalse(by_id[ok["Id"]]["changed"])
        self.assertNotEqual(by_id[ok["Id"]]["status"], "updated")
        uncovered = [f["message"] for f in by_id[bad["Id"]]["findings"] if f["code"] == "name.uncovered"]
        self.assertEqual(len(uncovered), 2, uncovered)
        self.assertTrue(any("shop.example.com" in m for m in uncovered), uncovered)
        self.assertTrue(any("blog.example.com" in m for m in uncovered), uncovered)
        self.assertFalse(any(re.search(r"(^|[^.\w])example\.com is not", m) for m in uncovered), uncovered)
        self.assertTrue(all(f["severity"] == "error" for f in by_id[bad["Id"]]["findings"]
                            if f["code"] == "name.uncovered"))
        self.assertNothingChanged(etags, r)
        # Text: the refused distribution and its uncovered names.
        r = self.attach("--cert", "good", ok["Id"], bad["Id"])
        self.assertEqual(r.rc, 1, r)
        self.assertIn("name.uncovered", r.out + r.err)
        self.assertNothingChanged(etags, r)

    def test_wildcard_alias_needs_the_identical_wildcard(self):
        (star,), etags = self.dists(["*.example.com"])
        # good has www.example.com and example.com: no name covers the wildcard alias.
        r = self.attach("--json", "--cert", "good", star)
        self.assertEqual(r.rc, 1, r)
        f = [x for x in r.json()["Distributions"][0]["findings"] if x["code"] == "name.uncovered"]
        self.assertEqual(len(f), 1, r)
        self.assertIn("*.example.com", f[0]["message"])
        self.assertNothingChanged(etags, r)
        # A certificate whose names cover every label under example.com but not the wildcard:
        # still not covered.
        upload_bundle(self.emu, self.tmp, "many", ["a.example.com", "b.example.com", "*.www.example.com"])
        r = self.attach("--cert", "many", star)
        self.assertEqual(r.rc, 1, r)
        self.assertNothingChanged(etags, r)
        # The identical wildcard SAN covers it.
        wild2 = upload_bundle(self.emu, self.tmp, "wild2", ["*.example.com"])
        r = self.attach("--cert", "wild2", star)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, star)[1])["IAMCertificateId"],
                         wild2["ServerCertificateId"])

    def test_wildcard_san_covers_one_label_only(self):
        cover = upload_bundle(self.emu, self.tmp, "deep", ["a.b.example.com", "shop.example.com"])
        (deep,), etags = self.dists(["a.b.example.com"], cert=cover["ServerCertificateId"])
        r = self.attach("--json", "--cert", "wild", deep)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("a.b.example.com",
                      " ".join(f["message"] for f in r.json()["Distributions"][0]["findings"]
                               if f["code"] == "name.uncovered"))
        self.assertNothingChanged(etags, r)
        (shop,), _ = self.dists(["shop.example.com"], cert=cover["ServerCertificateId"])
        r = self.attach("--cert", "wild", shop)
        self.assertEqual(r.rc, 0, r)

    def test_certificate_outside_cloudfront_path_refused(self):
        upload_fixture(self.emu, "elsewhere", "rsa2048", path="/elb/")
        ids, etags = self.dists(["www.example.com"], [])
        self.emu.clear_log()
        r = self.attach("--json", "--cert", "elsewhere", *ids)
        self.assertEqual(r.rc, 1, r)
        for x in r.json()["Distributions"]:
            self.assertIn("iam.path", [f["code"] for f in x.get("findings", [])], r)
        self.assertNothingChanged(etags, r)

    def test_expired_certificate_refused(self):
        ids, etags = self.dists(["www.example.com"], [])
        # Judged later than the leaf's notAfter.
        r = self.tool("certattach", "--at", LATER, "--ca-file", fixture("root.pem"), "--json", "--cert", "good", *ids)
        self.assertEqual(r.rc, 1, r)
        for x in r.json()["Distributions"]:
            self.assertEqual(x["status"], "refused")
            self.assertIn("cert.expired", [f["code"] for f in x["findings"]])
        self.assertNothingChanged(etags, r)
        # A certificate that had already expired at the pinned time (uploaded while the
        # emulator's clock was set back).
        self.set_cert_clock("2024-06-01T00:00:00Z")
        upload_fixture(self.emu, "expired", "expired")
        self.set_cert_clock("2026-01-01T00:00:00Z")
        r = self.attach("--cert", "expired", *ids)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cert.expired", r.out + r.err)
        self.assertNothingChanged(etags, r)

    def test_key_cloudfront_does_not_take_refused(self):
        upload_fixture(self.emu, "p384", "p384")
        ids, etags = self.dists(["www.example.com"])
        r = self.attach("--json", "--cert", "p384", *ids)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("key.unsupported", [f["code"] for f in r.json()["Distributions"][0]["findings"]])
        self.assertNothingChanged(etags, r)

    def test_one_refusal_among_many_changes_none(self):
        ids, etags = self.dists(["www.example.com"], ["a.example.com"], [], ["b.example.com"], ["shop.example.com"],
                                [])
        self.emu.clear_log()
        r = self.attach("--json", "--jobs", "3", "--cert", "good", *ids)
        self.assertEqual(r.rc, 1, r)
        states = {x["Id"]: x["status"] for x in r.json()["Distributions"]}
        self.assertEqual(sorted(i for i, s in states.items() if s == "refused"), sorted([ids[1], ids[3], ids[4]]))
        self.assertFalse(any(s == "updated" for s in states.values()), states)
        self.assertNothingChanged(etags, r)

    def test_allow_downgrades_one_code(self):
        upload_fixture(self.emu, "imminent", "imminent")  # 12 hours left at the pinned time
        ids, etags = self.dists(["www.example.com"])
        r = self.attach("--json", "--cert", "imminent", *ids)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cert.expires_imminent", [f["code"] for f in r.json()["Distributions"][0]["findings"]])
        self.assertNothingChanged(etags, r)
        # Another code allowed: still refused.
        r = self.attach("--allow", "name.uncovered", "--cert", "imminent", *ids)
        self.assertEqual(r.rc, 1, r)
        self.assertNothingChanged(etags, r)
        r = self.attach("--json", "--allow", "cert.expires_imminent", "--cert", "imminent", *ids)
        self.assertEqual(r.rc, 0, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "updated")
        f = [f for f in x["findings"] if f["code"] == "cert.expires_imminent"]
        self.assertEqual([i["severity"] for i in f], ["warning"], r)  # said, not silent
        self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, ids[0])[1])["IAMCertificateId"],
                         self.emu.client("iam").get_server_certificate(ServerCertificateName="imminent")
                         ["ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"])

    def test_allow_chain_codes_without_the_root(self):
        # Without --ca-file the fixtures' root is unknown: the chain does not reach a trusted
        # root, an error; --allow for those codes lets the change through.
        ids, etags = self.dists(["www.example.com"])
        r = self.tool("certattach", "--at", "2026-01-01T00:00:00Z", "--json", "--cert", "good", *ids)
        self.assertEqual(r.rc, 1, r)
        codes = sorted({f["code"] for f in r.json()["Distributions"][0]["findings"] if f["severity"] == "error"})
        self.assertTrue(codes and all(c.startswith("chain.") for c in codes), r)
        self.assertNothingChanged(etags, r)
        allow = [a for c in codes for a in ("--allow", c)]
        r = self.tool("certattach", "--at", "2026-01-01T00:00:00Z", *allow, "--cert", "good", *ids)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(cf_viewer_dict(cf_config_raw(self.emu, ids[0])[1])["IAMCertificateId"],
                         self.good["ServerCertificateId"])

    def test_no_such_certificate_is_exit_4(self):
        ids, etags = self.dists(["www.example.com"])
        for spec in ("no-such-cert", "arn:aws:iam::123456789012:server-certificate/cloudfront/no-such-cert",
                     "ASCA0000000000000000Z"):
            r = self.attach("--cert", spec, *ids)
            self.assertEqual(r.rc, 4, r)
            self.assertIn("NoSuchEntity", r.err, r)
            r = self.attach("--json", "--cert", spec, *ids)
            self.assertEqual(r.rc, 4, r)
            self.assertEqual(r.json()["libcert"]["exit_code"], 4)
        # --replace with an old certificate that does not exist matches nothing: exit 1.
        r = self.attach("--cert", "good", "--replace", "no-such-old")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("handle.unmatched", r.err)
        self.assertIn("no-such-old does not exist", r.err)
        self.assertNothingChanged(etags, r)

    def test_no_such_distribution_is_unmatched_and_nothing_changes(self):
        # A distribution id that does not exist matches nothing: handle.unmatched, exit 1
        # (issue #10), and the others are not changed either.
        ids, etags = self.dists(["www.example.com"], [])
        missing = "E0NOSUCHDIST00"
        r = self.attach("--json", "--cert", "good", ids[0], missing, ids[1])
        self.assertEqual(r.rc, 1, r)
        doc = r.json()
        self.assertEqual(sorted(x["Id"] for x in doc["Distributions"]), sorted(ids))
        for x in doc["Distributions"]:
            self.assertFalse(x["changed"])
        handles = {h["value"]: h for h in doc["libcert"]["handles"]}
        self.assertEqual(handles[missing]["status"], "unmatched")
        self.assertIn("NoSuchDistribution", handles[missing]["note"])
        self.assertEqual(handles[ids[0]]["status"], "matched")
        self.assertEqual(doc["libcert"]["error"]["code"], "check failed")
        self.assertIn("handle.unmatched", doc["libcert"]["error"]["message"])
        self.assertNothingChanged(etags, r)
        r = self.attach("--cert", "good", missing)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("NoSuchDistribution", r.out + r.err)
        # --allow handle.unmatched lets the others go ahead, said in the output...
        r = self.attach("--cert", "good", "--allow", "handle.unmatched", ids[0], missing)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("matches no distribution", r.out)
        # ...but never a run that matched nothing at all.
        r = self.attach("--cert", "good", "--allow", "handle.unmatched", missing)
        self.assertEqual(r.rc, 1, r)

    def test_text_shows_the_warnings(self):
        # Issue #15: a certificate attached with days to go says so in text, once, not only in
        # --json (leaf-soon expires 2026-01-11, 10 days after the pinned clock).
        soon = upload_fixture(self.emu, "soon", "soon")
        ids, _ = self.dists(["www.example.com"], ["example.com"])
        r = self.attach("--cert", "soon", *ids)
        self.assertEqual(r.rc, 0, r)
        warn = [ln for ln in r.out.splitlines() if ln.startswith("warning: cert.expires_soon")]
        self.assertEqual(len(warn), 1, r.out)
        self.assertIn("in 10 days", warn[0])
        self.assertTrue(soon)

    def test_exit_code_is_the_highest(self):
        ids, etags = self.dists(["shop.example.com"], [])  # shop.example.com: not covered by good
        # AWS refuses to read the second one
        self.emu.add_fault(service="cloudfront", action="GetDistributionConfig", fault="status",
                           status=403, code="AccessDenied", message="not allowed (test)",
                           path=f"/distribution/{ids[1]}/")
        r = self.attach("--json", "--cert", "good", *ids)
        self.assertEqual(r.rc, 4, r)
        by_id = {x["Id"]: x for x in r.json()["Distributions"]}
        self.assertEqual(by_id[ids[0]]["exit_code"], 1)
        self.assertEqual(by_id[ids[1]]["exit_code"], 4)
        self.assertEqual(by_id[ids[1]]["error"]["aws_code"], "AccessDenied")
        self.assertEqual(r.json()["libcert"]["exit_code"], 4)
        self.emu.clear_faults()
        self.assertNothingChanged(etags, r)

    def test_other_rejection_is_exit_4_with_code_and_message(self):
        ids, _ = self.dists(["www.example.com"])
        self.emu.add_fault(service="cloudfront", action="UpdateDistribution", fault="status", status=400,
                           code="InvalidArgument", message="The parameter Foo is not valid (test).", count=1)
        r = self.attach("--json", "--cert", "good", *ids)
        self.assertEqual(r.rc, 4, r)
        x = r.json()["Distributions"][0]
        self.assertEqual(x["status"], "failed")
        self.assertFalse(x["changed"])
        self.assertEqual(x["error"]["aws_code"], "InvalidArgument")
        self.assertIn("The parameter Foo is not valid (test).", x["error"]["message"])
        self.assertEqual(len(self.updates()), 1)  # not retried
        r = self.attach("--cert", "good", *ids)  # the fault is used up: now it goes through
        self.assertEqual(r.rc, 0, r)


if __name__ == "__main__":
    main()
