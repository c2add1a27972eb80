/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what libcert reads from DNS servers and from the command line on the way to a
 * live check: a DNS answer (the question taken from the answer's own first bytes, so that the
 * fuzzer reaches the records), the CNAME chain followed through it, a resolv.conf text and a
 * --resolve pin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[] = {"www.example.com", "example.com", "a.b.c.example.net"};
    dns_reply *r = malloc(sizeof(*r));
    char final[DNS_NAME_MAX], *text;
    char **cn = NULL, **ad = NULL;
    size_t ncn = 0, nad = 0;
    uint16_t id = size >= 2 ? (uint16_t)((data[0] << 8) | data[1]) : 0;
    const char *name = names[size > 0 ? data[size - 1] % 3 : 0];
    uint16_t type = size > 1 && (data[size - 2] & 1) ? DNS_TYPE_AAAA : DNS_TYPE_A;

    if (r == NULL)
        return 0;
    if (cert_net__dns_parse(data, size, id, name, type, r) == CERT_OK)
        cert_net__dns_follow(r, name, type, 16, final, &cn, &ncn, &ad, &nad);
    for (size_t i = 0; i < ncn; i++)
        free(cn[i]);
    for (size_t i = 0; i < nad; i++)
        free(ad[i]);
    free(cn);
    free(ad);
    free(r);
    if ((text = malloc(size + 1)) != NULL) {
        net_server servers[NET_MAX_SERVERS];
        size_t n;
        long timeout = 2000;
        unsigned int attempts = 2;
        net_pin pin;

        memcpy(text, data, size);
        text[size] = '\0';
        cert_net__resolv_conf_parse(text, servers, &n, &timeout, &attempts);
        if (cert_net__pin_parse(text, &pin) == CERT_OK)
            cert_net__pin_clear(&pin);
        free(text);
    }
    cert_error_clear();
    return 0;
}
