/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DNS messages (RFC 1035 section 4): the query libcert sends and the parts of an answer it reads
 * (A, AAAA and CNAME records of the answer section). Answers come off the network: every length
 * is checked against the message, names are decoded with a bounded number of compression jumps
 * that may only point backwards, and anything else is an error, never a crash.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"
#include "util/buf.h"
#include "util/error_int.h"

#define DNS_HEADER 12
#define DNS_CLASS_IN 1
#define DNS_JUMPS_MAX 128
/* RFC 8020 aside, the payload size the DNS flag day 2020 settled on: no IP fragmentation. */
#define DNS_EDNS_PAYLOAD 1232

bool cert_net__dns_name(const char *in, char out[DNS_NAME_MAX])
{
    size_t n = in != NULL ? strlen(in) : 0, label = 0;

    if (n > 0 && in[n - 1] == '.')
        n--;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (c <= 0x20 || c >= 0x7f || ++label > 63) {
            return false;
        }
        out[i] = (char)tolower(c);
    }
    if (label == 0)
        return false;
    out[n] = '\0';
    return true;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xff);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

cert_err cert_net__dns_query(const char *name, uint16_t type, uint16_t id, bool edns, uint8_t *buf,
                             size_t size, size_t *len_out)
{
    char canon[DNS_NAME_MAX];
    size_t o = DNS_HEADER;
    const char *p;

    *len_out = 0;
    if (!cert_net__dns_name(name, canon))
        return cert__error_set(CERT_E_INVALID, "\"%s\" is not a DNS name", name ? name : "");
    if (size < DNS_HEADER + strlen(canon) + 2 + 4 + (edns ? 11 : 0))
        return cert__error_set(CERT_E_INTERNAL, "DNS query buffer too small");
    memset(buf, 0, DNS_HEADER);
    put16(buf, id);
    put16(buf + 2, 0x0100); /* a standard query, recursion desired */
    put16(buf + 4, 1);      /* one question */
    put16(buf + 10, edns ? 1 : 0);
    for (p = canon; *p != '\0';) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);

        buf[o++] = (uint8_t)l;
        memcpy(buf + o, p, l);
        o += l;
        p += l + (dot ? 1 : 0);
    }
    buf[o++] = 0;
    put16(buf + o, type);
    put16(buf + o + 2, DNS_CLASS_IN);
    o += 4;
    if (edns) { /* OPT pseudo-record (RFC 6891 6.1.2): root name, type, payload size, no flags */
        buf[o++] = 0;
        put16(buf + o, DNS_TYPE_OPT);
        put16(buf + o + 2, DNS_EDNS_PAYLOAD);
        memset(buf + o + 4, 0, 6);
        o += 10;
    }
    *len_out = o;
    return CERT_OK;
}

/* Decode the name at *off into out (lower case, no trailing dot, "." for the root; bytes that
 * are not printable, or a dot inside a label, as \DDD); *off moves past it where it was read
 * (not where a pointer led). false when malformed. */
static bool read_name(const uint8_t *msg, size_t len, size_t *off, char out[DNS_NAME_MAX])
{
    size_t pos = *off, o = 0, jumps = 0, wire = 0, lowest = *off;
    bool jumped = false;

    for (;;) {
        uint8_t l;

        if (pos >= len)
            return false;
        l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            size_t target;

            if (pos + 1 >= len || ++jumps > DNS_JUMPS_MAX)
                return false;
            target = (size_t)(((l & 0x3f) << 8) | msg[pos + 1]);
            if (target >= lowest) /* only backwards, and never into what was read already */
                return false;
            if (!jumped)
                *off = pos + 2;
            jumped = true;
            lowest = target;
            pos = target;
            continue;
        }
        if ((l & 0xc0) != 0) /* 0x40 and 0x80: extended label types (RFC 6891 5) */
            return false;
        if (l == 0) {
            if (!jumped)
                *off = pos + 1;
            break;
        }
        if (pos + 1 + l > len || (wire += (size_t)l + 1) > 255)
            return false;
        if (o > 0)
            out[o++] = '.';
        for (size_t i = 0; i < l; i++) {
            unsigned char c = msg[pos + 1 + i];

            if (o + 5 >= DNS_NAME_MAX)
                return false;
            if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\')
                o += (size_t)snprintf(out + o, DNS_NAME_MAX - o, "\\%03u", c);
            else
                out[o++] = (char)tolower(c);
        }
        pos += 1 + l;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return true;
}

static cert_err malformed(const char *name, const char *why)
{
    return cert__error_set(CERT_E_NET, "the DNS answer for %s is malformed (%s)", name, why);
}

cert_err cert_net__dns_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                             uint16_t type, dns_reply *out)
{
    char want[DNS_NAME_MAX], got[DNS_NAME_MAX];
    size_t off = DNS_HEADER;
    uint16_t flags, qd, an;

    memset(out, 0, sizeof(*out));
    if (!cert_net__dns_name(name, want))
        return cert__error_set(CERT_E_INVALID, "\"%s\" is not a DNS name", name ? name : "");
    if (msg == NULL || len < DNS_HEADER)
        return malformed(want, "shorter than a header");
    flags = get16(msg + 2);
    qd = get16(msg + 4);
    an = get16(msg + 6);
    if (get16(msg) != id)
        return malformed(want, "another id");
    if ((flags & 0x8000) == 0 || (flags & 0x7800) != 0)
        return malformed(want, "not an answer to a standard query");
    out->rcode = flags & 0x000f;
    out->truncated = (flags & 0x0200) != 0;
    if (qd == 0 && out->rcode != DNS_RCODE_NOERROR)
        return CERT_OK; /* an error answer may leave the question out (RFC 1035 4.1.2 aside) */
    if (qd != 1)
        return malformed(want, "not one question");
    if (!read_name(msg, len, &off, got) || off + 4 > len)
        return malformed(want, "question");
    if (strcmp(got, want) != 0 || get16(msg + off) != type || get16(msg + off + 2) != DNS_CLASS_IN)
        return malformed(want, "an answer to another question");
    off += 4;
    if (out->truncated)
        return CERT_OK; /* what follows may be cut short: asked again over TCP */
    for (uint16_t i = 0; i < an; i++) {
        char owner[DNS_NAME_MAX];
        uint16_t rtype, rclass, rdlen;
        size_t rd;

        if (!read_name(msg, len, &off, owner) || off + 10 > len)
            return malformed(want, "a record's header");
        rtype = get16(msg + off);
        rclass = get16(msg + off + 2);
        rdlen = get16(msg + off + 8);
        rd = off + 10;
        if (rd + rdlen > len)
            return malformed(want, "a record runs past the message");
        off = rd + rdlen;
        if (rclass != DNS_CLASS_IN || out->n >= DNS_RR_MAX ||
            (rtype != DNS_TYPE_A && rtype != DNS_TYPE_AAAA && rtype != DNS_TYPE_CNAME))
            continue;
        {
            dns_rr *r = &out->rr[out->n];

            memcpy(r->owner, owner, sizeof(owner));
            r->type = rtype;
            if (rtype == DNS_TYPE_A || rtype == DNS_TYPE_AAAA) {
                if (rdlen != (rtype == DNS_TYPE_A ? 4 : 16))
                    return malformed(want, "an address of the wrong length");
                inet_ntop(rtype == DNS_TYPE_A ? AF_INET : AF_INET6, msg + rd, r->data,
                          sizeof(r->data));
            } else {
                size_t t = rd;

                if (!read_name(msg, rd + rdlen, &t, r->data) || t != rd + rdlen)
                    return malformed(want, "a CNAME's target");
            }
            out->n++;
        }
    }
    return CERT_OK;
}

cert_err cert_net__dns_follow(const dns_reply *r, const char *name, uint16_t type, size_t depth,
                              char final[DNS_NAME_MAX], char ***cnames, size_t *ncnames,
                              char ***addrs, size_t *naddrs)
{
    cert_err err;

    if (!cert_net__dns_name(name, final))
        return cert__error_set(CERT_E_INVALID, "\"%s\" is not a DNS name", name ? name : "");
    for (size_t hop = 0; hop < depth; hop++) {
        const dns_rr *next = NULL;

        for (size_t i = 0; i < r->n && next == NULL; i++) {
            if (r->rr[i].type == DNS_TYPE_CNAME && strcmp(r->rr[i].owner, final) == 0)
                next = &r->rr[i];
        }
        if (next == NULL)
            break;
        if ((err = cert__strings_push(cnames, ncnames, next->data, true)) < 0)
            return err;
        memcpy(final, next->data, DNS_NAME_MAX);
    }
    for (size_t i = 0; i < r->n; i++) {
        if (r->rr[i].type == type && strcmp(r->rr[i].owner, final) == 0 &&
            (err = cert__strings_push(addrs, naddrs, r->rr[i].data, true)) < 0)
            return err;
    }
    return CERT_OK;
}
