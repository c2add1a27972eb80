#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certrotate interrupted and run again: killed (SIGKILL) at each step while the emulator holds
that step's request (before it reached AWS, or after it did and only the answer was lost), and
with the network gone midway (every CloudFront request reset). The second run finishes the job:
every user of the old certificate on the new one, the old one deleted, exactly one new
certificate in IAM (no duplicate upload), the other distribution untouched, exit 0, and the
--json summary still records each distribution's previous IAMCertificateId where it is known."""

import datetime
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import (  # noqa: E402
    main,
    EmuTestCase,
    cf_config_raw,
    cf_etag,
    cf_viewer_dict,
    fixture,
    iam_names,
    make_bundle,
    tool_path,
    upload_fixture,
    wait_until,
)

UTC = datetime.timezone.utc
GOOD = fixture("bundle-good.pem")
STALL_MS = 15000  # long enough to kill the run while it waits; the emulator drops it afterwards


class CertrotateResume(EmuTestCase):

    EMU = dict(deploy_delay=0)

    def setUp(self):
        super().setUp()
        leaf, key, chain = make_bundle(os.path.join(self.tmp, "old.pem"), ["www.example.com", "example.com"],
                                       not_after=datetime.datetime(2026, 3, 1, tzinfo=UTC))
        self.old = self.emu.upload_certificate("old", leaf, key, chain)
        self.other = upload_fixture(self.emu, "other", "wildcard")
        self.d1 = self.emu.create_distribution(aliases=["www.example.com"],
                                               viewer_certificate=self.old["ServerCertificateId"])["Id"]
        self.d2 = self.emu.create_distribution(aliases=["example.com"],
                                               viewer_certificate=self.old["ServerCertificateId"])["Id"]
        self.d3 = self.emu.create_distribution(aliases=["shop.example.com"],
                                               viewer_certificate=self.other["ServerCertificateId"])["Id"]
        self.etag3 = cf_etag(self.emu, self.d3)

    # One distribution at a time, so that "the first update" is one distribution of two.
    ARGS = ("--json", "--jobs", "1", "--replace", "old", "--delete-old", GOOD)

    def iam_id(self, dist_id):
        return cf_viewer_dict(cf_config_raw(self.emu, dist_id)[1]).get("IAMCertificateId")

    def new_names(self):
        return [n for n in iam_names(self.emu) if n not in ("old", "other")]

    def kill_at(self, service, action, reached, skip=0, effect=None):
        """Run certrotate until the emulator holds `action` (the skip+1-th one), then SIGKILL it.
        reached: the request was carried out and only its answer is lost (else it never got
        through). effect: what to wait for before the kill (the request's result)."""
        rule = dict(service=service, action=action, count=1, skip=skip, ms=STALL_MS)
        rule.update(dict(fault="after", then="stall") if reached else dict(fault="stall"))
        self.emu.add_fault(**rule)
        argv = [tool_path("certrotate"), *self.CHECK, *self.ARGS]
        p = subprocess.Popen(argv, env=self.env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        wait_until(lambda: self.emu.faults_active() == [] or p.poll() is not None, 60, 0.02, f"{action} held")
        self.assertIsNone(p.poll(), f"certrotate ended (exit {p.returncode}) before reaching {action}")
        if effect is not None:
            wait_until(effect, 10, 0.02, f"{action} carried out")
        else:
            time.sleep(0.2)
        p.kill()
        p.wait(10)
        self.assertEqual(p.returncode, -9)
        self.emu.clear_faults()

    def finish(self):
        """Run again; assert the end state; the --json summary."""
        seq = self.emu.last_seq()
        r = self.tool("certrotate", *self.CHECK, *self.ARGS, timeout=120)
        self.assertEqual(r.rc, 0, r)
        doc = r.json()
        self.assertEqual(doc["libcert"]["stage"], "done", r)
        new = self.new_names()
        self.assertEqual(len(new), 1, f"exactly one new certificate in IAM: {iam_names(self.emu)}")
        new_id = self.emu.client("iam").get_server_certificate(ServerCertificateName=new[0])[
            "ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"]
        self.assertEqual(doc["ServerCertificateMetadata"]["ServerCertificateId"], new_id)
        listed = self.aws("iam", "list-server-certificates")["ServerCertificateMetadataList"]
        self.assertEqual(sorted(m["ServerCertificateName"] for m in listed), sorted(new + ["other"]))
        for d in (self.d1, self.d2):
            self.assertEqual(self.iam_id(d), new_id, d)
        self.assertEqual(cf_etag(self.emu, self.d3), self.etag3)
        self.assertEqual(sorted(x["Id"] for x in doc["Distributions"]), sorted([self.d1, self.d2]))
        self.assertTrue(all(x["confirmed"] for x in doc["Distributions"]), doc)
        self.assertIn(doc["delete_old"]["status"], ("deleted", "already-gone"))
        # Only what was answered normally counts (fault None).
        self.second_run_log = [e for e in self.emu.log(since=seq) if e["fault"] is None]
        self.doc = doc
        return doc

    def uploads_in_second_run(self):
        return [e for e in self.second_run_log if e["action"] == "UploadServerCertificate" and e["status"] == 200]

    def previous_ids(self, doc):
        return {x["Id"]: x["PreviousIAMCertificateId"] for x in doc["Distributions"]}

    # -- the steps ------------------------------------------------------------------------------

    def test_killed_during_upload_before_it_reached_iam(self):
        self.kill_at("iam", "UploadServerCertificate", reached=False)
        self.assertEqual(self.new_names(), [])
        doc = self.finish()
        self.assertEqual(doc["upload"]["status"], "uploaded")
        self.assertEqual(len(self.uploads_in_second_run()), 1)
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})

    def test_killed_after_the_upload_reached_iam(self):
        self.kill_at("iam", "UploadServerCertificate", reached=True, effect=lambda: len(self.new_names()) == 1)
        doc = self.finish()
        self.assertEqual(doc["upload"]["status"], "exists")  # not uploaded twice
        self.assertEqual(self.uploads_in_second_run(), [])
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})

    def test_killed_while_listing_distributions(self):
        # The plan (every handle, every distribution) comes before the upload (issue #10): a run
        # killed there uploaded nothing, and the next one uploads once.
        self.kill_at("cloudfront", "ListDistributions", reached=False)
        self.assertEqual(self.new_names(), [])
        doc = self.finish()
        self.assertEqual(len(self.uploads_in_second_run()), 1)
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})

    def test_killed_during_the_preflight_read(self):
        self.kill_at("cloudfront", "GetDistributionConfig", reached=False)
        self.assertEqual(self.new_names(), [])
        self.finish()
        self.assertEqual(len(self.uploads_in_second_run()), 1)

    def test_killed_after_the_first_update_reached_cloudfront(self):
        def one_moved():
            return sum(self.iam_id(d) != self.old["ServerCertificateId"] for d in (self.d1, self.d2)) == 1
        self.kill_at("cloudfront", "UpdateDistribution", reached=True, effect=one_moved)
        doc = self.finish()
        self.assertEqual(self.uploads_in_second_run(), [])
        states = sorted(x["status"] for x in doc["Distributions"])
        self.assertEqual(states, ["unchanged", "updated"])
        # The one the first run moved still shows what it had before the rotation.
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})
        updates = [e for e in self.second_run_log if e["action"] == "UpdateDistribution" and e["status"] == 200]
        self.assertEqual(len(updates), 1)

    def test_killed_during_the_first_update_before_it_reached_cloudfront(self):
        self.kill_at("cloudfront", "UpdateDistribution", reached=False)
        self.assertEqual({self.iam_id(d) for d in (self.d1, self.d2)}, {self.old["ServerCertificateId"]})
        doc = self.finish()
        self.assertEqual(sorted(x["status"] for x in doc["Distributions"]), ["updated", "updated"])

    def test_killed_while_waiting_for_deployed(self):
        self.kill_at("cloudfront", "GetDistribution", reached=False)
        self.assertEqual(len([e for e in self.emu.log(action="UpdateDistribution")
                              if e["fault"] is None and e["status"] == 200]), 2)
        doc = self.finish()
        self.assertEqual(self.uploads_in_second_run(), [])
        self.assertEqual(sorted(x["status"] for x in doc["Distributions"]), ["unchanged", "unchanged"])
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})

    def test_killed_while_confirming(self):
        # GetDistributionConfig: two for the pre-flight, then the confirmation reads.
        self.kill_at("cloudfront", "GetDistributionConfig", reached=False, skip=2)
        self.finish()
        self.assertEqual(self.uploads_in_second_run(), [])

    def test_killed_before_the_delete_reached_iam(self):
        self.kill_at("iam", "DeleteServerCertificate", reached=False)
        self.assertIn("old", iam_names(self.emu))
        doc = self.finish()
        self.assertEqual(doc["delete_old"]["status"], "deleted")
        self.assertEqual(set(self.previous_ids(doc).values()), {self.old["ServerCertificateId"]})

    def test_killed_after_the_delete_reached_iam(self):
        self.kill_at("iam", "DeleteServerCertificate", reached=True, effect=lambda: "old" not in iam_names(self.emu))
        doc = self.finish()
        self.assertEqual(doc["delete_old"]["status"], "already-gone")
        self.assertEqual(self.uploads_in_second_run(), [])
        self.assertEqual([e for e in self.second_run_log if e["action"] == "UpdateDistribution"], [])

    def test_network_gone_midway(self):
        # Every CloudFront request fails at the TCP level: the plan cannot be made, so the run
        # gives up (a retryable failure, exit 5) before the upload: nothing is stranded in IAM.
        self.emu.add_fault(service="cloudfront", action="*", fault="reset")
        r = self.tool("certrotate", *self.CHECK, *self.ARGS, timeout=120)
        self.assertEqual(r.rc, 5, r)
        self.assertEqual(r.json()["libcert"]["stage"], "plan")
        self.assertFalse(r.json()["libcert"]["finished"])
        self.assertEqual(self.new_names(), [])
        self.emu.clear_faults()  # the network is back
        self.assertEqual({self.iam_id(d) for d in (self.d1, self.d2)}, {self.old["ServerCertificateId"]})
        doc = self.finish()
        self.assertEqual(doc["upload"]["status"], "uploaded")
        self.assertEqual(len(self.uploads_in_second_run()), 1)


if __name__ == "__main__":
    main()
