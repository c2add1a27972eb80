# SPDX-License-Identifier: Apache-2.0
"""A DNS server for the tests, on 127.0.0.1 only (UDP and TCP, one port): it answers A, AAAA and
CNAME queries from a dict, the way a recursive resolver answers a stub (the whole CNAME chain in
the answer section), so that libcert's resolver (--dns-server) can be tested without the
system's resolver or any network.

    with DnsServer({"www.example.com": [("CNAME", "d111.cloudfront.net")],
                    "d111.cloudfront.net": [("A", "127.0.0.1"), ("AAAA", "::1")]}) as dns:
        certcheck ... --dns-server 127.0.0.1:%d % dns.port

Names not in the dict are NXDOMAIN; a name listed with no records of the asked type is NODATA.
Options: `truncate` (names whose UDP answers set TC, so the client asks again over TCP),
`servfail` (names answered SERVFAIL), `follow=False` (answer only the first CNAME, as an
authoritative server for another zone would). Every query is logged in `.queries` as
(transport, name, type).
"""

import socket
import struct
import threading

TYPES = {"A": 1, "CNAME": 5, "AAAA": 28}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def decode_question(msg):
    """(id, flags, name, qtype, end offset) of a query."""
    qid, flags = struct.unpack(">HH", msg[:4])
    pos, labels = 12, []
    while msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n].decode("ascii"))
        pos += 1 + n
    qtype, _ = struct.unpack(">HH", msg[pos + 1:pos + 5])
    return qid, flags, ".".join(labels).lower(), qtype, pos + 5


class DnsServer:
    def __init__(self, zone, truncate=(), servfail=(), follow=True):
        self.zone = {k.lower().rstrip("."): v for k, v in zone.items()}
        self.truncate = {n.lower() for n in truncate}
        self.servfail = {n.lower() for n in servfail}
        self.follow = follow
        self.queries = []
        # One port for UDP and TCP: the kernel picks a free UDP port, which another test may
        # hold on TCP (in parallel ctest); then try another.
        for _ in range(50):
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.bind(("127.0.0.1", 0))
            self.port = self.udp.getsockname()[1]
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                self.tcp.bind(("127.0.0.1", self.port))
                break
            except OSError:
                self.udp.close()
                self.tcp.close()
        else:
            raise OSError("no port free for both UDP and TCP on 127.0.0.1")
        self.tcp.listen(8)
        self.stop = False
        self.threads = [threading.Thread(target=self._serve_udp, daemon=True),
                        threading.Thread(target=self._serve_tcp, daemon=True)]

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.udp.close()
        self.tcp.close()

    def answer(self, msg, transport):
        qid, flags, name, qtype, end = decode_question(msg)
        self.queries.append((transport, name, qtype))
        rcode, answers = 0, []
        if name in self.servfail:
            rcode = 2
        elif name not in self.zone:
            rcode = 3
        else:
            cur, hops = name, 0
            while cur in self.zone and hops < 20:
                recs = self.zone[cur]
                cname = [v for t, v in recs if t == "CNAME"]
                if cname:
                    answers.append((cur, 5, encode_name(cname[0])))
                    cur = cname[0].lower().rstrip(".")
                    hops += 1
                    if not self.follow:
                        break
                    continue
                for t, v in recs:
                    if TYPES[t] == qtype:
                        fam = socket.AF_INET if t == "A" else socket.AF_INET6
                        answers.append((cur, qtype, socket.inet_pton(fam, v)))
                break
            if hops and cur not in self.zone and self.follow:
                rcode = 3  # a CNAME to a name that does not exist
        tc = transport == "udp" and name in self.truncate
        out = struct.pack(">HHHHHH", qid, 0x8180 | (0x0200 if tc else 0) | rcode, 1,
                          0 if tc else len(answers), 0, 0) + msg[12:end]
        if not tc:
            for owner, t, rdata in answers:
                out += encode_name(owner) + struct.pack(">HHIH", t, 1, 60, len(rdata)) + rdata
        return out

    def _serve_udp(self):
        while not self.stop:
            try:
                msg, peer = self.udp.recvfrom(4096)
            except OSError:
                return
            try:
                self.udp.sendto(self.answer(msg, "udp"), peer)
            except (OSError, IndexError, struct.error):
                pass

    def _serve_tcp(self):
        while not self.stop:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            with conn:
                try:
                    n = struct.unpack(">H", conn.recv(2))[0]
                    msg = b""
                    while len(msg) < n:
                        msg += conn.recv(n - len(msg))
                    out = self.answer(msg, "tcp")
                    conn.sendall(struct.pack(">H", len(out)) + out)
                except (OSError, IndexError, struct.error):
                    pass
