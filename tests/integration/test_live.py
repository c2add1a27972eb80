#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What is really served (#14): certcheck --connect against `openssl s_server` on loopback (SNI
with two certificates, a server that omits the intermediate, one that sends the root, an expired
leaf, a name the leaf does not cover, TLS 1.2 and 1.3, IPv6, OCSP stapling, --expect and --iam);
certcheck --distribution --dns against the emulator's Route 53 (alias and CNAME records to the
distribution, to another one, missing, in no zone, ambiguous, wildcard, alias to alias, failover
and weighted sets with health checks, paging, Route 53 faults); --live (every alias resolved and
each address's handshake, a wildcard alias, an address serving another certificate, one where
nothing listens, names through a test DNS server with CNAMEs, NXDOMAIN and TC); certrotate
--verify-live with --resolve and --port, and its deprecated --connect.

Nothing here reaches a non-loopback address, and no name goes to the system's resolver: every
tool run gets --dns-server pointing at a loopback port where nothing listens (a query there is
refused at once and fails the test), unless a test gives its own DNS server (dnsserver.py).
"""

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnsserver import DnsServer  # noqa: E402
from lib import (  # noqa: E402
    AT,
    CHECK,
    EmuTestCase,
    base_env,
    fixture,
    free_port,
    read,
    run,
    tool_path,
    upload_fixture,
    wait_until,
)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509 import ocsp  # noqa: E402
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID  # noqa: E402

CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def dead_dns():
    """A loopback UDP port nothing listens on: a query there is refused at once."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"127.0.0.1:{port}"


def have_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def sha256_pem(pem):
    cert = x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)
    return cert.fingerprint(hashes.SHA256()).hex()


class TlsServer:
    """openssl s_server on a loopback address serving a certificate (with SNI's second one,
    a chain, a protocol, a stapled OCSP response as asked)."""

    def __init__(self, tmp, cert, key, chain=None, addr="127.0.0.1", port=None, args=()):
        self.addr = addr
        self.port = port or free_port()
        accept = f"[{addr}]:{self.port}" if ":" in addr else f"{addr}:{self.port}"
        argv = ["openssl", "s_server", "-accept", accept, "-cert", cert, "-key", key, "-quiet"]
        if chain:
            argv += ["-cert_chain", chain]
        argv += list(args)
        self.log = open(os.path.join(tmp, f"s_server-{self.port}-{addr.replace(':', '_')}.log"), "w")
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET

        def listening():
            if self.p.poll() is not None:
                raise AssertionError(f"s_server exited: {read(self.log.name)}")
            try:
                s = socket.socket(family, socket.SOCK_STREAM)
                s.settimeout(0.2)
                s.connect((addr, self.port))
                s.close()
                return True
            except OSError:
                return False
        wait_until(listening, 10, 0.05, "openssl s_server")

    def close(self):
        self.p.kill()
        self.p.wait()
        self.log.close()


class LiveCase(EmuTestCase):
    def setUp(self):
        super().setUp()
        self.servers = []
        self.dns = dead_dns()

    def tearDown(self):
        for s in self.servers:
            s.close()
        super().tearDown()

    def serve(self, leaf="rsa2048", chain="chain.pem", addr="127.0.0.1", port=None, args=(),
              cert=None, key=None):
        s = TlsServer(self.tmp, cert or fixture(f"leaf-{leaf}.pem"), key or fixture(f"leaf-{leaf}.key"),
                      fixture(chain) if chain and not os.path.isabs(chain) else chain, addr, port, args)
        self.servers.append(s)
        return s

    def check(self, *args, env=None, timeout=120):
        """certcheck at the fixtures' clock, with a DNS server that refuses every query unless the
        test gave one."""
        needs = "--connect" in args or "--live" in args
        extra = ["--dns-server", self.dns] if needs and "--dns-server" not in args else []
        return self.tool("certcheck", *CHECK, *extra, *args, env=env, timeout=timeout)

    def codes(self, doc):
        return sorted({f["code"] for f in doc.get("findings", [])})


class TestConnect(LiveCase):
    def test_serves_the_expected_leaf(self):
        s = self.serve()
        r = self.check("--json", "--connect", f"www.example.com:{s.port}",
                       "--resolve", f"www.example.com:{s.port}:127.0.0.1",
                       "--expect", fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 0, r)
        d = r.json()
        sv = d["served"]
        self.assertEqual((sv["host"], sv["port"], sv["servername"], sv["address"], sv["pinned"]),
                         ("www.example.com", s.port, "www.example.com", "127.0.0.1", True))
        self.assertEqual(sv["certificates_sent"], 3)
        self.assertFalse(sv["root_sent"])
        self.assertEqual(sv["trust"], "trusted")
        self.assertTrue(sv["covers"])
        self.assertIsNone(sv["ocsp_stapled"])  # the fixtures name no OCSP responder
        self.assertEqual(sv["expected"]["matches"], True)
        self.assertEqual(sv["leaf"]["sha256"], sha256_pem(read(fixture("leaf-rsa2048.pem"))))
        self.assertIn("served.same", self.codes(d))
        self.assertEqual(d["input"], [f"www.example.com:{s.port}"])
        self.assertEqual(d["chain"][0]["subject"], "CN=libcert Test Intermediate 2,O=libcert tests")

    def test_another_leaf_is_exit_1_with_both_fingerprints(self):
        s = self.serve("p256")
        r = self.check("--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1",
                       "--expect", fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("served.differs", r.out)
        self.assertIn(sha256_pem(read(fixture("leaf-p256.pem"))), r.out)
        self.assertIn(sha256_pem(read(fixture("leaf-rsa2048.pem"))), r.out)

    def test_sni_picks_among_two_certificates(self):
        # s_server serves -cert by default and -cert2 to the SNI name -servername
        s = self.serve("rsa2048", args=["-servername", "other.example.net", "-cert2", fixture("unrelated.pem"),
                                        "-key2", fixture("unrelated.key")])
        pin = ["--resolve", f"*:{s.port}:127.0.0.1"]
        a = self.check("--json", "--connect", f"www.example.com:{s.port}", *pin)
        b = self.check("--json", "--connect", f"other.example.net:{s.port}", *pin)
        self.assertEqual(a.json()["leaf"]["subject"], "CN=www.example.com,O=libcert tests", a)
        self.assertIn("CN=other.example.net", b.json()["leaf"]["subject"], b)
        # the second certificate comes without its CA: reported in full, not refused
        self.assertEqual(b.rc, 1, b)
        self.assertEqual(b.json()["served"]["trust"], "incomplete")
        self.assertIn("chain.incomplete", self.codes(b.json()))

    def test_omitted_intermediate(self):
        s = self.serve(chain=None)
        r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertEqual(d["served"]["certificates_sent"], 1)
        self.assertEqual(d["served"]["trust"], "incomplete")
        self.assertIn("chain.incomplete", self.codes(d))

    def test_root_sent(self):
        chain = os.path.join(self.tmp, "chain-root.pem")
        with open(chain, "w") as f:
            f.write(read(fixture("chain.pem")) + read(fixture("root.pem")))
        s = self.serve(chain=chain)
        r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1")
        self.assertEqual(r.rc, 0, r)
        d = r.json()
        self.assertEqual(d["served"]["certificates_sent"], 4)
        self.assertTrue(d["served"]["root_sent"])
        self.assertIn("chain.root_omitted", self.codes(d))

    def test_expired_and_uncovered(self):
        s = self.serve("expired")
        r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("cert.expired", self.codes(r.json()))
        s2 = self.serve(cert=fixture("unrelated.pem"), key=fixture("unrelated.key"), chain=None)
        r = self.check("--json", "--connect", f"www.example.com:{s2.port}", "--resolve", f"*:{s2.port}:127.0.0.1",
                       "--host", "shop.example.com")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertFalse(d["served"]["covers"])
        msgs = [f["message"] for f in d["findings"] if f["code"] == "name.uncovered"]
        self.assertTrue(any("www.example.com" in m for m in msgs), msgs)
        self.assertTrue(any("shop.example.com" in m for m in msgs), msgs)

    def test_tls_versions(self):
        for flag, want in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
            s = self.serve(args=[flag])
            r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.json()["served"]["protocol"], want)
            self.assertTrue(r.json()["served"]["cipher"])

    def test_address_needs_servername(self):
        s = self.serve()
        r = self.check("--connect", f"127.0.0.1:{s.port}")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("--servername", r.err)
        self.assertIn("SNI", r.err)
        r = self.check("--json", "--connect", f"127.0.0.1:{s.port}", "--servername", "www.example.com")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["served"]["servername"], "www.example.com")
        self.assertEqual(self.check("--servername", "www.example.com", fixture("bundle-good.pem")).rc, 2)
        self.assertEqual(self.check("--connect", f"x:{s.port}", "--servername", "127.0.0.1").rc, 2)

    @unittest.skipUnless(have_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6(self):
        s = self.serve(addr="::1")
        r = self.check("--json", "--connect", f"[::1]:{s.port}", "--servername", "www.example.com")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["served"]["address"], "::1")
        r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:[::1]")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["input"], [f"www.example.com:{s.port}"])

    def test_next_address_when_the_first_refuses(self):
        s = self.serve()
        dead = free_port()
        # two pinned addresses, the first with nothing listening on that port: the second answers
        r = self.check("--json", "--connect", f"www.example.com:{s.port}",
                       "--resolve", f"www.example.com:{s.port}:127.0.0.9,127.0.0.1")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["served"]["address"], "127.0.0.1")
        r = self.check("--json", "--connect", f"www.example.com:{dead}", "--resolve", f"*:{dead}:127.0.0.1")
        self.assertEqual(r.rc, 5, r)
        self.assertEqual(r.json()["error"]["code"], "network error")
        self.assertIn("cannot connect", r.err)

    def test_several_targets_one_document(self):
        s1, s2 = self.serve(), self.serve("expired")
        r = self.check("--json", "--connect", f"a.example.com:{s1.port}", "--connect", f"www.example.com:{s2.port}",
                       "--resolve", f"*:{s1.port}:127.0.0.1", "--resolve", f"*:{s2.port}:127.0.0.1")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertEqual(len(d["results"]), 2)
        self.assertIn("name.uncovered", self.codes(d["results"][0]))
        self.assertIn("cert.expired", self.codes(d["results"][1]))

    def test_bad_resolve_is_usage(self):
        for bad in ("www.example.com:443", "www.example.com:443:not-an-address", "www.example.com:0:127.0.0.1"):
            r = self.check("--connect", "www.example.com", "--resolve", bad)
            self.assertEqual(r.rc, 2, r)
            self.assertIn("--resolve", r.err)
        r = self.check("--resolve", "*:443:127.0.0.1", fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 2, r)

    def test_iam_as_expectation(self):
        upload_fixture(self.emu, "site")
        s = self.serve()
        r = self.check("--json", "--connect", f"www.example.com:{s.port}", "--resolve", f"*:{s.port}:127.0.0.1",
                       "--iam", "site")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["served"]["expected"]["from"], "iam:site")
        s2 = self.serve("p256")
        r = self.check("--connect", f"www.example.com:{s2.port}", "--resolve", f"*:{s2.port}:127.0.0.1",
                       "--iam", "site")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("served.differs", r.out)

    def test_ocsp_staple(self):
        ca_key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "libcert OCSP test CA")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
              .public_key(ca_key.public_key()).serial_number(1)
              .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.example.com")]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=20))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("www.example.com")]), critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                    AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.example.test/"))]),
                    critical=False)
                .sign(ca_key, hashes.SHA256()))
        resp = (ocsp.OCSPResponseBuilder()
                .add_response(cert=leaf, issuer=ca, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
                              this_update=now, next_update=now + datetime.timedelta(days=1),
                              revocation_time=None, revocation_reason=None)
                .responder_id(ocsp.OCSPResponderEncoding.HASH, ca)
                .sign(ca_key, hashes.SHA256()))
        paths = {}
        for name, data in (("leaf.pem", leaf.public_bytes(serialization.Encoding.PEM)),
                           ("ca.pem", ca.public_bytes(serialization.Encoding.PEM)),
                           ("ocsp.der", resp.public_bytes(serialization.Encoding.DER)),
                           ("leaf.key", key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))):
            paths[name] = self.write(name, data, "wb")
        stapled = self.serve(cert=paths["leaf.pem"], key=paths["leaf.key"], chain=None,
                             args=["-status_file", paths["ocsp.der"]])
        plain = self.serve(cert=paths["leaf.pem"], key=paths["leaf.key"], chain=None)
        for srv, want in ((stapled, True), (plain, False)):
            r = self.tool("certcheck", "--ca-file", paths["ca.pem"], "--dns-server", self.dns, "--json",
                          "--connect", f"www.example.com:{srv.port}", "--resolve", f"*:{srv.port}:127.0.0.1")
            self.assertEqual(r.rc, 0, r)
            d = r.json()
            self.assertIs(d["served"]["ocsp_stapled"], want)
            msg = [f["message"] for f in d["findings"] if f["code"] == "served.ocsp"]
            self.assertEqual(len(msg), 1, d["findings"])
            self.assertIn("stapled an OCSP response" if want else "no OCSP response", msg[0])

    def test_names_through_a_dns_server(self):
        s = self.serve()
        with DnsServer({"www.example.com": [("CNAME", "edge.example.net")],
                        "edge.example.net": [("A", "127.0.0.1")]}) as dns:
            r = self.check("--json", "--dns-server", dns.address, "--connect", f"www.example.com:{s.port}")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["served"]["address"], "127.0.0.1")
        self.assertFalse(r.json()["served"]["pinned"])
        self.assertIn(("udp", "www.example.com", 1), dns.queries)
        self.assertIn(("udp", "www.example.com", 28), dns.queries)


class TestDns(LiveCase):
    """--distribution ID --dns against the emulator's Route 53."""

    def setUp(self):
        super().setUp()
        self.meta = upload_fixture(self.emu, "wild", leaf="wildcard")
        self.dist = self.emu.create_distribution(
            aliases=["www.example.com", "example.com", "shop.example.com", "old.example.com", "gone.example.com",
                     "f.example.com", "w.example.com", "a.example.com", "x.example.com"],
            viewer_certificate=self.meta["ServerCertificateId"])
        self.other = self.emu.create_distribution(aliases=[], viewer_certificate=None)
        cf = self.emu.client("cloudfront")
        self.domain = cf.get_distribution(Id=self.dist["Id"])["Distribution"]["DomainName"]
        self.other_domain = cf.get_distribution(Id=self.other["Id"])["Distribution"]["DomainName"]
        self.zone = self.emu.create_zone("example.com")

    def alias(self, name, target, type_="A", zone=CLOUDFRONT_ZONE, **kw):
        r = {"Name": name, "Type": type_, "AliasTarget": {"HostedZoneId": zone, "DNSName": target,
                                                          "EvaluateTargetHealth": False}}
        r.update(kw)
        return r

    def cname(self, name, target, **kw):
        r = {"Name": name, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": target}]}
        r.update(kw)
        return r

    def dns_doc(self, *extra):
        r = self.check("--json", "--distribution", self.dist["Id"], "--dns", *extra)
        doc = r.json()
        return r, doc, {a["alias"]: a for a in doc["distribution"]["dns"]}

    def test_where_each_alias_points(self):
        hc_ok, hc_bad = self.emu.create_health_check(), self.emu.create_health_check("standby.example.org")
        self.emu.set_health_check_status(hc_bad, ["Failure: Connection timed out.", "Failure: Connection timed out.",
                                                  "Success: HTTP Status Code 200, OK"])
        self.emu.add_records(
            self.zone,
            # an alias record to this distribution, its AAAA too; names in another case, a dot
            self.alias("WWW.example.com.", self.domain.upper() + "."),
            self.alias("www.example.com", self.domain, "AAAA"),
            # the apex: alias to the other distribution
            self.alias("example.com", self.other_domain),
            # a CNAME to this distribution
            self.cname("shop.example.com", self.domain),
            # a CNAME elsewhere
            self.cname("old.example.com", "legacy.example.org"),
            # failover: PRIMARY here (healthy), SECONDARY elsewhere (failing)
            self.alias("f.example.com", self.domain, SetIdentifier="primary", Failover="PRIMARY",
                       HealthCheckId=hc_ok),
            {"Name": "f.example.com", "Type": "A", "SetIdentifier": "secondary", "Failover": "SECONDARY",
             "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.80"}], "HealthCheckId": hc_bad},
            # weighted: 90 here, 10 to the other distribution
            self.cname("w.example.com", self.domain, SetIdentifier="blue", Weight=90),
            self.cname("w.example.com", self.other_domain, SetIdentifier="green", Weight=10),
            # alias to alias inside the zone: a -> www -> this distribution
            self.alias("a.example.com", "www.example.com", zone=self.zone),
            # a wildcard that answers for x.example.com
            self.cname("*.example.com", self.domain),
            # a TXT record only at gone: not a wildcard's name, and nothing to serve
            {"Name": "gone.example.com", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": '"v=1"'}]},
        )
        r, doc, by = self.dns_doc()
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(doc["distribution"]["DomainName"], self.domain)
        self.assertEqual(by["www.example.com"]["points"], "here")
        self.assertEqual({x["ResourceRecordSet"]["Type"] for x in by["www.example.com"]["records"]}, {"A", "AAAA"})
        self.assertEqual(by["www.example.com"]["HostedZone"]["Id"], self.zone)
        self.assertEqual(by["example.com"]["points"], "other-distribution")
        self.assertEqual(by["example.com"]["records"][0]["distribution"], self.other["Id"])
        self.assertEqual(by["shop.example.com"]["points"], "here")
        self.assertEqual(by["old.example.com"]["points"], "elsewhere")
        self.assertEqual(by["old.example.com"]["records"][0]["target"], "legacy.example.org")
        self.assertEqual(by["gone.example.com"]["points"], "nowhere")
        f = by["f.example.com"]
        self.assertEqual(f["points"], "here")
        fo = {x["ResourceRecordSet"]["Failover"]: x for x in f["records"]}
        self.assertEqual(fo["PRIMARY"]["points"], "here")
        self.assertEqual(fo["PRIMARY"]["health"]["healthy"], fo["PRIMARY"]["health"]["observations"])
        self.assertEqual(fo["SECONDARY"]["points"], "elsewhere")
        self.assertEqual((fo["SECONDARY"]["health"]["healthy"], fo["SECONDARY"]["health"]["observations"]), (1, 3))
        self.assertIn("Failure", fo["SECONDARY"]["health"]["failure"])
        w = {x["ResourceRecordSet"]["SetIdentifier"]: x for x in by["w.example.com"]["records"]}
        self.assertEqual((w["blue"]["ResourceRecordSet"]["Weight"], w["blue"]["points"]), (90, "here"))
        self.assertEqual((w["green"]["ResourceRecordSet"]["Weight"], w["green"]["points"]), (10, "other-distribution"))
        a = by["a.example.com"]
        self.assertEqual((a["points"], a["records"][0]["via"]), ("here", ["www.example.com"]))
        x = by["x.example.com"]
        self.assertEqual((x["points"], x["record_name"]), ("here", "*.example.com"))
        by_code = {}
        for fi in doc["findings"]:
            by_code.setdefault(fi["code"], []).append(fi)
        self.assertEqual(by_code["dns.other_distribution"][0]["severity"], "error")
        self.assertIn(self.other["Id"], by_code["dns.other_distribution"][0]["message"])
        self.assertEqual(len(by_code["dns.other_distribution"]), 1, by_code)
        self.assertIn("old.example.com", by_code["dns.elsewhere"][0]["message"])
        self.assertEqual(len(by_code["dns.routing"]), 2, by_code)  # failover SECONDARY, weighted green
        self.assertIn("gone.example.com", by_code["dns.missing"][0]["message"])
        # text: a line per alias, each record's routing and health
        t = self.check("--distribution", self.dist["Id"], "--dns")
        self.assertIn("failover SECONDARY 'secondary'", t.out)
        self.assertIn("weighted 'green' (weight 10)", t.out)
        self.assertIn("1 of 3 checkers report it healthy", t.out)
        self.assertNotIn(" active", t.out)  # no claim about which record answers

    def test_no_zone_and_ambiguous(self):
        self.emu.create_zone("shop.example.com")
        self.emu.create_zone("shop.example.com")
        self.emu.create_zone("example.org")
        self.emu.add_records(self.zone, self.alias("www.example.com", self.domain))
        r, doc, by = self.dns_doc()
        self.assertEqual(by["shop.example.com"]["points"], "ambiguous")
        self.assertEqual(by["shop.example.com"]["HostedZone"], None)
        self.assertEqual(len(by["shop.example.com"]["HostedZoneIds"]), 2)
        self.assertEqual(by["www.example.com"]["points"], "here")
        self.assertIn("dns.ambiguous", self.codes(doc))

    def test_alias_in_no_zone_of_the_account(self):
        # the distribution's aliases are under example.com; without that zone none holds them
        self.emu.client("route53").delete_hosted_zone(Id=self.zone)
        r, doc, by = self.dns_doc()
        self.assertEqual(by["www.example.com"]["points"], "no-zone")
        self.assertIsNone(by["www.example.com"]["HostedZone"])
        f = [x for x in doc["findings"] if x["code"] == "dns.no_zone"]
        self.assertEqual(f[0]["severity"], "info")
        self.assertIn("--live", f[0]["message"])
        self.assertNotIn("dns.missing", self.codes(doc))

    def test_paged_weighted_set(self):
        # 6 weighted records at one name, pages of 2: the cursor carries NextRecordIdentifier
        recs = [self.cname("w.example.com", self.domain if i % 2 == 0 else self.other_domain,
                           SetIdentifier=f"set{i}", Weight=i) for i in range(6)]
        recs.append(self.cname("www.example.com", self.domain))
        self.emu.add_records(self.zone, *recs)
        self.emu.set_config(r53_page_max=2)
        self.emu.clear_log()
        r, doc, by = self.dns_doc()
        ids = sorted(x["ResourceRecordSet"]["SetIdentifier"] for x in by["w.example.com"]["records"])
        self.assertEqual(ids, [f"set{i}" for i in range(6)])
        qs = [e["query"] for e in self.emu.log(action="ListResourceRecordSets")]
        self.assertTrue(any("identifier=" in q for q in qs), qs)

    def test_route53_retried_and_refused(self):
        self.emu.add_records(self.zone, self.alias("www.example.com", self.domain))
        self.emu.add_fault(service="route53", action="ListResourceRecordSets", fault="status", status=503, count=1)
        r, doc, by = self.dns_doc()
        self.assertEqual(by["www.example.com"]["points"], "here")
        statuses = [e["status"] for e in self.emu.log(action="ListResourceRecordSets")]
        self.assertEqual(statuses[:2], [503, 200])  # retried as the SDKs' standard mode does
        self.emu.add_fault(service="route53", action="ListHostedZonesByName", fault="status", status=403,
                           code="AccessDenied", message="not allowed")
        r, doc, by = self.dns_doc()
        self.assertEqual(r.rc, 4, r)
        self.assertEqual(doc["distribution"]["check_error"]["aws_code"], "AccessDenied")
        self.assertIn("leaf", doc)  # the distribution's own checks are still there

    def test_endpoint_of_route53(self):
        # AWS_ENDPOINT_URL_ROUTE_53 sends Route 53 elsewhere: here a port nothing listens on
        self.emu.add_records(self.zone, self.alias("www.example.com", self.domain))
        env = self.env(AWS_MAX_ATTEMPTS="1", AWS_ENDPOINT_URL_ROUTE_53=f"http://127.0.0.1:{free_port()}")
        r = self.check("--json", "--distribution", self.dist["Id"], "--dns", env=env)
        self.assertEqual(r.rc, 5, r)
        self.assertEqual(self.emu.count("ListHostedZonesByName"), 0)


class TestLive(LiveCase):
    """--distribution ID --live: every alias resolved, a handshake with each address."""

    def setUp(self):
        super().setUp()
        self.meta = upload_fixture(self.emu, "wild", leaf="wildcard")
        self.dist = self.emu.create_distribution(
            aliases=["*.example.com", "example.com", "www.example.com"],
            viewer_certificate=self.meta["ServerCertificateId"])
        self.port = free_port()

    def live(self, *args, env=None):
        return self.check("--json", "--distribution", self.dist["Id"], "--live", "--port", str(self.port), *args,
                          env=env)

    def test_every_address_serves_the_certificate(self):
        self.serve("wildcard", port=self.port)
        r = self.live("--resolve", f"*:{self.port}:127.0.0.1")
        self.assertEqual(r.rc, 0, r)
        lv = r.json()["distribution"]["live"]
        self.assertEqual(lv["addresses"], 1)
        names = {n["name"]: n for n in lv["names"]}
        self.assertEqual(set(names), {"libcert-check.example.com", "example.com", "www.example.com"})
        self.assertTrue(names["libcert-check.example.com"]["stand_in"])
        self.assertEqual(names["libcert-check.example.com"]["alias"], "*.example.com")
        for n in names.values():
            self.assertEqual([(a["status"], a["expected"]["matches"]) for a in n["addresses"]], [("ok", True)])
            self.assertEqual(n["addresses"][0]["servername"], n["name"])
        self.assertIn("live   www.example.com  127.0.0.1", self.check("--distribution", self.dist["Id"], "--live",
                                                                         "--port", str(self.port), "--resolve",
                                                                         f"*:{self.port}:127.0.0.1").out)

    def test_wildcard_through_host_names(self):
        self.serve("wildcard", port=self.port)
        r = self.live("--resolve", f"*:{self.port}:127.0.0.1", "--host", "a.example.com", "--host", "b.example.com")
        self.assertEqual(r.rc, 0, r)
        names = [(n["alias"], n["name"], n["stand_in"]) for n in r.json()["distribution"]["live"]["names"]]
        self.assertIn(("*.example.com", "a.example.com", False), names)
        self.assertIn(("*.example.com", "b.example.com", False), names)
        self.assertNotIn("libcert-check.example.com", [n for _, n, _ in names])

    def test_an_address_serving_another_certificate_and_one_unreachable(self):
        self.serve("wildcard", port=self.port)
        self.serve("rsa2048", addr="127.0.0.2", port=self.port)
        r = self.live("--resolve", f"example.com:{self.port}:127.0.0.1,127.0.0.2",
                      "--resolve", f"www.example.com:{self.port}:127.0.0.3",
                      "--resolve", f"*:{self.port}:127.0.0.1")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        names = {n["name"]: n for n in d["distribution"]["live"]["names"]}
        apex = {a["address"]: a for a in names["example.com"]["addresses"]}
        self.assertTrue(apex["127.0.0.1"]["expected"]["matches"])
        self.assertFalse(apex["127.0.0.2"]["expected"]["matches"])
        self.assertEqual(apex["127.0.0.2"]["leaf"]["sha256"], sha256_pem(read(fixture("leaf-rsa2048.pem"))))
        self.assertEqual(names["www.example.com"]["addresses"][0]["status"], "failed")
        codes = self.codes(d)
        self.assertIn("live.differs", codes)
        self.assertIn("live.unreachable", codes)
        self.assertEqual(d["distribution"]["live"]["addresses"], 3)

    def test_resolution_through_a_dns_server(self):
        self.serve("wildcard", port=self.port)
        zone = {"example.com": [("CNAME", "d111.cloudfront.net")],
                "d111.cloudfront.net": [("A", "127.0.0.1")],
                "www.example.com": [("CNAME", "example.com")],
                "libcert-check.example.com": [("A", "127.0.0.1")]}
        with DnsServer(zone, truncate=["www.example.com"]) as dns:
            r = self.live("--dns-server", dns.address)
        self.assertEqual(r.rc, 0, r)
        lv = r.json()["distribution"]["live"]
        names = {n["name"]: n for n in lv["names"]}
        self.assertEqual(names["www.example.com"]["cnames"], ["example.com", "d111.cloudfront.net"])
        self.assertEqual(names["example.com"]["dns_server"], dns.address)
        self.assertFalse(names["example.com"]["addresses"][0]["pinned"])
        self.assertIn(("tcp", "www.example.com", 1), dns.queries)  # TC over UDP: asked again over TCP
        self.assertIn(dns.address, lv["resolver"])
        with DnsServer({"example.com": [("A", "127.0.0.1")]}) as dns:
            r = self.live("--dns-server", dns.address)
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        names = {n["name"]: n for n in d["distribution"]["live"]["names"]}
        self.assertEqual(names["www.example.com"]["dns_status"], "NXDOMAIN")
        self.assertIn("live.unresolved", self.codes(d))
        # a server that fails: exit 5, said for the name
        with DnsServer({}, servfail=["example.com", "www.example.com", "libcert-check.example.com"]) as dns:
            r = self.live("--dns-server", dns.address)
        self.assertEqual(r.rc, 5, r)
        self.assertIn("SERVFAIL", json.dumps(r.json()["distribution"]["live"]))

    def test_dns_and_live_together(self):
        self.serve("wildcard", port=self.port)
        cf = self.emu.client("cloudfront")
        domain = cf.get_distribution(Id=self.dist["Id"])["Distribution"]["DomainName"]
        z = self.emu.create_zone("example.com")
        self.emu.add_records(z, {"Name": "example.com", "Type": "A",
                                 "AliasTarget": {"HostedZoneId": CLOUDFRONT_ZONE, "DNSName": domain,
                                                 "EvaluateTargetHealth": False}})
        r = self.check("--json", "--distribution", self.dist["Id"], "--dns", "--live", "--port", str(self.port),
                       "--resolve", f"*:{self.port}:127.0.0.1")
        d = r.json()["distribution"]
        self.assertIn("dns", d)
        self.assertIn("live", d)
        self.assertEqual({a["alias"]: a["points"] for a in d["dns"]}["example.com"], "here")

    def test_concurrent(self):
        # 20 aliases under the wildcard, --jobs 20: about one handshake's time, not twenty
        aliases = [f"a{i}.example.com" for i in range(20)]
        dist = self.emu.create_distribution(aliases=aliases, viewer_certificate=self.meta["ServerCertificateId"])
        self.serve("wildcard", port=self.port)
        r = self.check("--json", "--distribution", dist["Id"], "--live", "--port", str(self.port),
                       "--resolve", f"*:{self.port}:127.0.0.1", "--jobs", "20")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(r.json()["distribution"]["live"]["names"]), 20)

    def test_usage(self):
        self.assertEqual(self.check("--live", fixture("bundle-good.pem")).rc, 2)
        self.assertEqual(self.check("--dns", fixture("bundle-good.pem")).rc, 2)
        self.assertEqual(self.check("--distribution", self.dist["Id"], "--port", "443").rc, 2)
        r = self.check("--distribution", self.dist["Id"], "--live", "--port", "0")
        self.assertEqual(r.rc, 2, r)


class TestRotateVerifyLive(LiveCase):
    def test_resolve_and_port(self):
        old = upload_fixture(self.emu, "old", leaf="p256")
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=old["ServerCertificateId"])
        port = free_port()
        self.serve("rsa2048", port=port)
        r = self.tool("certrotate", *CHECK, "--json", "--verify-live", "--resolve", f"*:{port}:127.0.0.1",
                      "--port", str(port), "--dns-server", self.dns, "--distribution", d["Id"],
                      fixture("bundle-good.pem"), timeout=180)
        self.assertEqual(r.rc, 0, r)
        live = r.json()["verify_live"]
        self.assertEqual([(x["alias"], x["ok"]) for x in live], [("www.example.com", True)])
        self.assertEqual(live[0]["addresses"][0]["address"], "127.0.0.1")

    def test_connect_is_a_deprecated_synonym(self):
        old = upload_fixture(self.emu, "old", leaf="p256")
        d = self.emu.create_distribution(aliases=["www.example.com"], viewer_certificate=old["ServerCertificateId"])
        s = self.serve("rsa2048")
        r = self.tool("certrotate", *CHECK, "--json", "--verify-live", "--connect", f"127.0.0.1:{s.port}",
                      "--distribution", d["Id"], fixture("bundle-good.pem"), timeout=180)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("deprecated", r.err)
        self.assertTrue(r.json()["verify_live"][0]["ok"])
        h = self.tool("certrotate", "--help")
        self.assertIn("deprecated", h.out)
        r = self.tool("certrotate", "--verify-live", "--connect", f"127.0.0.1:{s.port}", "--port", "1",
                      "--distribution", d["Id"], fixture("bundle-good.pem"))
        self.assertEqual(r.rc, 2, r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
