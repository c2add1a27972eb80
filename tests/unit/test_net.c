/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The net layer without a network: curl's --resolve pins, HOST[:PORT], resolv.conf, DNS
 * messages built and parsed byte by byte (compression, CNAME chains, every way an answer can
 * be malformed), and a resolver whose every name is pinned (it must never send a query).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "net/net_int.h"

/* ---- pins ---- */

static void test_net__pin_forms(void **state)
{
    net_pin p;

    (void)state;
    assert_int_equal(cert_net__pin_parse("www.Example.com.:443:127.0.0.1", &p), CERT_OK);
    assert_string_equal(p.host, "www.example.com");
    assert_int_equal(p.port, 443);
    assert_int_equal(p.count, 1);
    assert_string_equal(p.addresses[0], "127.0.0.1");
    cert_net__pin_clear(&p);
    assert_int_equal(cert_net__pin_parse("*:8443:[::1],192.0.2.7,[2001:db8::5]", &p), CERT_OK);
    assert_string_equal(p.host, "*");
    assert_int_equal(p.count, 3);
    assert_string_equal(p.addresses[0], "::1");
    assert_string_equal(p.addresses[1], "192.0.2.7");
    assert_string_equal(p.addresses[2], "2001:db8::5");
    cert_net__pin_clear(&p);
}

static void test_net__pin_refuses(void **state)
{
    static const char *bad[] = {
        "",
        "www.example.com",
        "www.example.com:443",
        "www.example.com:443:",
        ":443:127.0.0.1",
        "www.example.com:0:127.0.0.1",
        "www.example.com:65536:127.0.0.1",
        "www.example.com:x:127.0.0.1",
        "www.example.com:443:localhost",
        "www.example.com:443:127.0.0.1,",
        "www.example.com:443:[::1",
        "+www.example.com:443:127.0.0.1",
        "bad..name:443:127.0.0.1",
    };
    net_pin p;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cert_net__pin_parse(bad[i], &p), CERT_E_INVALID);
        assert_non_null(strstr(cert_error_last()->message, "--resolve"));
        assert_int_equal(p.count, 0);
    }
}

static void test_net__pin_wildcard_last(void **state)
{
    net_pin p[3];

    (void)state;
    assert_int_equal(cert_net__pin_parse("*:443:192.0.2.1", &p[0]), CERT_OK);
    assert_int_equal(cert_net__pin_parse("a.example.com:443:192.0.2.2", &p[1]), CERT_OK);
    assert_int_equal(cert_net__pin_parse("a.example.com:8443:192.0.2.3", &p[2]), CERT_OK);
    assert_string_equal(cert_net__pin_find(p, 3, "a.example.com", 443)->addresses[0], "192.0.2.2");
    assert_string_equal(cert_net__pin_find(p, 3, "b.example.com", 443)->addresses[0], "192.0.2.1");
    assert_string_equal(cert_net__pin_find(p, 3, "a.example.com", 8443)->addresses[0], "192.0.2.3");
    assert_null(cert_net__pin_find(p, 3, "b.example.com", 8443));
    for (int i = 0; i < 3; i++)
        cert_net__pin_clear(&p[i]);
}

static void test_net__split_host_port(void **state)
{
    char host[256];
    unsigned int port;

    (void)state;
    assert_int_equal(cert_net_split_host_port("www.example.com", 443, host, sizeof(host), &port),
                     CERT_OK);
    assert_string_equal(host, "www.example.com");
    assert_int_equal(port, 443);
    assert_int_equal(cert_net_split_host_port("www.example.com:8443", 443, host, 256, &port),
                     CERT_OK);
    assert_int_equal(port, 8443);
    assert_int_equal(cert_net_split_host_port("[2001:db8::1]:444", 443, host, 256, &port), CERT_OK);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(port, 444);
    assert_int_equal(cert_net_split_host_port("2001:db8::1", 443, host, 256, &port), CERT_OK);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(port, 443);
    assert_int_equal(cert_net_split_host_port("[::1]", 443, host, 256, &port), CERT_OK);
    assert_string_equal(host, "::1");
    assert_int_equal(cert_net_split_host_port("host:0", 443, host, 256, &port), CERT_E_INVALID);
    assert_int_equal(cert_net_split_host_port(":443", 443, host, 256, &port), CERT_E_INVALID);
    assert_int_equal(cert_net_split_host_port("[::1", 443, host, 256, &port), CERT_E_INVALID);
    assert_int_equal(cert_net_split_host_port("[::1]x", 443, host, 256, &port), CERT_E_INVALID);
    assert_true(cert_net_is_address("::1"));
    assert_true(cert_net_is_address("192.0.2.1"));
    assert_false(cert_net_is_address("www.example.com"));
    assert_false(cert_net_is_address("192.0.2"));
}

static void test_net__resolv_conf(void **state)
{
    net_server s[NET_MAX_SERVERS];
    size_t n;
    long timeout = 2000;
    unsigned int attempts = 2;

    (void)state;
    assert_int_equal(cert_net__resolv_conf_parse("# a comment\nsearch example.com\n"
                                                 "nameserver 192.0.2.53\n"
                                                 "nameserver fe80::1%eth0\n"
                                                 "nameserver not-an-address\n"
                                                 "nameserver 2001:db8::53\n"
                                                 "nameserver 192.0.2.54\n"
                                                 "options ndots:2 timeout:5 attempts:3\n",
                                                 s, &n, &timeout, &attempts),
                     CERT_OK);
    assert_int_equal(n, 3); /* MAXNS */
    assert_string_equal(s[0].text, "192.0.2.53");
    assert_string_equal(s[1].text, "fe80::1");
    assert_string_equal(s[2].text, "2001:db8::53");
    assert_int_equal(timeout, 5000);
    assert_int_equal(attempts, 3);
    assert_int_equal(cert_net__resolv_conf_parse("", s, &n, &timeout, &attempts), CERT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].text, "127.0.0.1");
    assert_int_equal(cert_net__server_parse("[::1]:5353", 53, &s[0]), CERT_OK);
    assert_string_equal(s[0].text, "[::1]:5353");
    assert_int_equal(cert_net__server_parse("127.0.0.1:5353", 53, &s[0]), CERT_OK);
    assert_string_equal(s[0].text, "127.0.0.1:5353");
    assert_int_equal(cert_net__server_parse("ns.example.com", 53, &s[0]), CERT_E_INVALID);
}

/* ---- DNS messages ---- */

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A message under construction. */
typedef struct msg {
    uint8_t b[2048];
    size_t n;
} msg;

static void put8(msg *m, unsigned v)
{
    m->b[m->n++] = (uint8_t)v;
}

static void put16(msg *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put_name(msg *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);

        put8(m, (unsigned)l);
        memcpy(m->b + m->n, name, l);
        m->n += l;
        name += l + (dot ? 1 : 0);
    }
    put8(m, 0);
}

/* Header and question, as a server answers them. */
static void answer_head(msg *m, uint16_t id, unsigned flags, unsigned ancount, const char *q,
                        unsigned qtype)
{
    m->n = 0;
    put16(m, id);
    put16(m, 0x8180 | flags);
    put16(m, 1);
    put16(m, ancount);
    put16(m, 0);
    put16(m, 0);
    put_name(m, q);
    put16(m, qtype);
    put16(m, 1);
}

static void rr_head(msg *m, unsigned type, unsigned rdlen)
{
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 300);
    put16(m, rdlen);
}

static void test_net__dns_query_bytes(void **state)
{
    uint8_t b[600];
    size_t n;
    static const uint8_t want[] = {0x12, 0x34, 0x01, 0x00, 0,    1,   0,   0,   0,   0,   0,
                                   1,    3,    'w',  'w',  'w',  7,   'e', 'x', 'a', 'm', 'p',
                                   'l',  'e',  3,    'c',  'o',  'm', 0,   0,   28,  0,   1,
                                   0,    0,    41,   0x04, 0xd0, 0,   0,   0,   0,   0,   0};

    (void)state;
    assert_int_equal(
        cert_net__dns_query("WWW.example.com.", DNS_TYPE_AAAA, 0x1234, true, b, sizeof(b), &n),
        CERT_OK);
    assert_int_equal(n, sizeof(want));
    assert_memory_equal(b, want, n);
    assert_int_equal(cert_net__dns_query("a..b", DNS_TYPE_A, 1, false, b, sizeof(b), &n),
                     CERT_E_INVALID);
}

/* www.example.com CNAME (compressed) d111.cloudfront.net; A x2 at the target; an unrelated
 * A record; an MX record (ignored). */
static void cname_answer(msg *m)
{
    size_t target_at;

    answer_head(m, 0xbeef, 0, 5, "www.example.com", DNS_TYPE_A);
    put16(m, 0xc00c); /* the question's name */
    rr_head(m, DNS_TYPE_CNAME, 1 + 4 + 1 + 10 + 1 + 3 + 1);
    target_at = m->n;
    put_name(m, "d111.cloudfront.net");
    put16(m, (unsigned)(0xc000 | target_at));
    rr_head(m, DNS_TYPE_A, 4);
    put8(m, 192), put8(m, 0), put8(m, 2), put8(m, 10);
    put16(m, (unsigned)(0xc000 | target_at));
    rr_head(m, DNS_TYPE_A, 4);
    put8(m, 192), put8(m, 0), put8(m, 2), put8(m, 11);
    put_name(m, "other.example.net");
    rr_head(m, DNS_TYPE_A, 4);
    put8(m, 198), put8(m, 51), put8(m, 100), put8(m, 1);
    put16(m, 0xc00c);
    rr_head(m, 15, 4);
    put16(m, 10), put16(m, 0xc00c);
}

static void test_net__dns_cname_chain(void **state)
{
    msg m;
    dns_reply *r = calloc(1, sizeof(*r));
    char final[DNS_NAME_MAX];
    char **cn = NULL, **ad = NULL;
    size_t ncn = 0, nad = 0;

    (void)state;
    cname_answer(&m);
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 0xbeef, "www.example.com", DNS_TYPE_A, r),
                     CERT_OK);
    assert_int_equal(r->rcode, DNS_RCODE_NOERROR);
    assert_int_equal(r->n, 4);
    assert_string_equal(r->rr[0].data, "d111.cloudfront.net");
    assert_int_equal(
        cert_net__dns_follow(r, "WWW.example.com", DNS_TYPE_A, 16, final, &cn, &ncn, &ad, &nad),
        CERT_OK);
    assert_string_equal(final, "d111.cloudfront.net");
    assert_int_equal(ncn, 1);
    assert_string_equal(cn[0], "d111.cloudfront.net");
    assert_int_equal(nad, 2);
    assert_string_equal(ad[0], "192.0.2.10");
    assert_string_equal(ad[1], "192.0.2.11");
    free_strings(cn, ncn);
    free_strings(ad, nad);
    free(r);
}

static void test_net__dns_refuses_malformed(void **state)
{
    msg m, bad;
    dns_reply *r = calloc(1, sizeof(*r));

    (void)state;
    cname_answer(&m);
    /* another id */
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 0xbeee, "www.example.com", DNS_TYPE_A, r),
                     CERT_E_NET);
    /* another question */
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 0xbeef, "www.example.org", DNS_TYPE_A, r),
                     CERT_E_NET);
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 0xbeef, "www.example.com", DNS_TYPE_AAAA, r),
                     CERT_E_NET);
    /* every truncation of it */
    for (size_t n = 0; n < m.n; n++) {
        cert_err err = cert_net__dns_parse(m.b, n, 0xbeef, "www.example.com", DNS_TYPE_A, r);

        assert_int_equal(err, CERT_E_NET);
        assert_non_null(strstr(cert_error_last()->message, "www.example.com"));
    }
    /* a query, not an answer */
    bad = m;
    bad.b[2] &= 0x7f;
    assert_int_equal(cert_net__dns_parse(bad.b, bad.n, 0xbeef, "www.example.com", DNS_TYPE_A, r),
                     CERT_E_NET);
    /* a compression pointer to itself, and one forwards */
    answer_head(&bad, 7, 0, 1, "a.example", DNS_TYPE_A);
    put16(&bad, (unsigned)(0xc000 | bad.n));
    rr_head(&bad, DNS_TYPE_A, 4);
    put16(&bad, 0), put16(&bad, 0);
    assert_int_equal(cert_net__dns_parse(bad.b, bad.n, 7, "a.example", DNS_TYPE_A, r), CERT_E_NET);
    answer_head(&bad, 7, 0, 1, "a.example", DNS_TYPE_A);
    put16(&bad, (unsigned)(0xc000 | (bad.n + 14)));
    rr_head(&bad, DNS_TYPE_A, 4);
    put16(&bad, 0), put16(&bad, 0);
    put_name(&bad, "a.example");
    assert_int_equal(cert_net__dns_parse(bad.b, bad.n, 7, "a.example", DNS_TYPE_A, r), CERT_E_NET);
    /* an A record of 5 bytes */
    answer_head(&bad, 7, 0, 1, "a.example", DNS_TYPE_A);
    put16(&bad, 0xc00c);
    rr_head(&bad, DNS_TYPE_A, 5);
    put16(&bad, 0), put16(&bad, 0), put8(&bad, 0);
    assert_int_equal(cert_net__dns_parse(bad.b, bad.n, 7, "a.example", DNS_TYPE_A, r), CERT_E_NET);
    /* a label of 64 (an extended label type) */
    answer_head(&bad, 7, 0, 1, "a.example", DNS_TYPE_A);
    put8(&bad, 0x40);
    assert_int_equal(cert_net__dns_parse(bad.b, bad.n, 7, "a.example", DNS_TYPE_A, r), CERT_E_NET);
    free(r);
}

static void test_net__dns_rcodes_and_tc(void **state)
{
    msg m;
    dns_reply *r = calloc(1, sizeof(*r));

    (void)state;
    answer_head(&m, 9, DNS_RCODE_NXDOMAIN, 0, "gone.example.com", DNS_TYPE_A);
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 9, "gone.example.com", DNS_TYPE_A, r), CERT_OK);
    assert_int_equal(r->rcode, DNS_RCODE_NXDOMAIN);
    answer_head(&m, 9, 0x0200, 3, "big.example.com", DNS_TYPE_AAAA); /* TC, records cut off */
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 9, "big.example.com", DNS_TYPE_AAAA, r),
                     CERT_OK);
    assert_true(r->truncated);
    /* SERVFAIL without a question */
    m.n = 0;
    put16(&m, 9), put16(&m, 0x8182), put16(&m, 0), put16(&m, 0), put16(&m, 0), put16(&m, 0);
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 9, "x.example.com", DNS_TYPE_A, r), CERT_OK);
    assert_int_equal(r->rcode, DNS_RCODE_SERVFAIL);
    free(r);
}

static void test_net__dns_cname_loop_bounded(void **state)
{
    msg m;
    dns_reply *r = calloc(1, sizeof(*r));
    char final[DNS_NAME_MAX];
    char **cn = NULL, **ad = NULL;
    size_t ncn = 0, nad = 0;

    (void)state;
    answer_head(&m, 3, 0, 2, "a.example", DNS_TYPE_A);
    put16(&m, 0xc00c);
    rr_head(&m, DNS_TYPE_CNAME, 11);
    put_name(&m, "b.example");
    put_name(&m, "b.example");
    rr_head(&m, DNS_TYPE_CNAME, 2);
    put16(&m, 0xc00c);
    assert_int_equal(cert_net__dns_parse(m.b, m.n, 3, "a.example", DNS_TYPE_A, r), CERT_OK);
    assert_int_equal(
        cert_net__dns_follow(r, "a.example", DNS_TYPE_A, 16, final, &cn, &ncn, &ad, &nad), CERT_OK);
    assert_int_equal(ncn, 2); /* b, then a again: each once */
    assert_int_equal(nad, 0);
    free_strings(cn, ncn);
    free_strings(ad, nad);
    free(r);
}

/* ---- the resolver, pinned: nothing is ever sent ---- */

static void test_net__resolver_pins_only(void **state)
{
    const char *pins[] = {"*:443:127.0.0.1", "www.example.com:443:[::1],127.0.0.2"};
    cert_resolver_opts o = CERT_RESOLVER_OPTS_INIT;
    cert_resolver *r = NULL;
    cert_resolved *a = NULL;

    (void)state;
    o.pins = pins;
    o.pin_count = 2;
    o.server = "127.0.0.1:9"; /* nothing listens there: a query is refused at once */
    o.timeout_ms = 50;
    assert_int_equal(cert_resolver_new(&o, &r), CERT_OK);
    assert_int_equal(cert_resolver_lookup(r, "WWW.example.com.", 443, &a), CERT_OK);
    assert_true(a->pinned);
    assert_string_equal(a->status, "pinned");
    assert_int_equal(a->address_count, 2);
    assert_string_equal(a->addresses[0], "::1");
    cert_resolved_free(a);
    assert_int_equal(cert_resolver_lookup(r, "anything.example.org", 443, &a), CERT_OK);
    assert_string_equal(a->addresses[0], "127.0.0.1");
    cert_resolved_free(a);
    assert_int_equal(cert_resolver_lookup(r, "2001:db8::9", 8443, &a), CERT_OK);
    assert_string_equal(a->status, "address");
    assert_string_equal(a->addresses[0], "2001:db8::9");
    cert_resolved_free(a);
    assert_int_equal(cert_resolver_lookup(r, "not a name", 443, &a), CERT_E_INVALID);
    assert_null(a);
    /* a port no pin names goes to DNS: here a loopback port nothing listens on */
    assert_int_equal(cert_resolver_lookup(r, "www.example.com", 8443, &a), CERT_E_NET);
    assert_non_null(strstr(cert_error_last()->message, "127.0.0.1:9"));
    assert_string_equal(cert_resolver_describe(r), "127.0.0.1:9 (--dns-server)");
    cert_resolver_free(r);
    o.pins = (const char *[]){"www.example.com:443"};
    o.pin_count = 1;
    assert_int_equal(cert_resolver_new(&o, &r), CERT_E_INVALID);
    assert_null(r);
    assert_non_null(strstr(cert_error_last()->message, "www.example.com:443"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net__pin_forms),
        cmocka_unit_test(test_net__pin_refuses),
        cmocka_unit_test(test_net__pin_wildcard_last),
        cmocka_unit_test(test_net__split_host_port),
        cmocka_unit_test(test_net__resolv_conf),
        cmocka_unit_test(test_net__dns_query_bytes),
        cmocka_unit_test(test_net__dns_cname_chain),
        cmocka_unit_test(test_net__dns_refuses_malformed),
        cmocka_unit_test(test_net__dns_rcodes_and_tc),
        cmocka_unit_test(test_net__dns_cname_loop_bounded),
        cmocka_unit_test(test_net__resolver_pins_only),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
