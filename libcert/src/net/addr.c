/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses: literals, HOST[:PORT], curl's --resolve pins, DNS servers, resolv.conf. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/net_int.h"
#include "util/error_int.h"

int64_t cert_net__now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool cert_net__wait_fd(int fd, short events, int64_t deadline)
{
    struct pollfd p;
    int64_t left;
    int rc;

    do {
        left = deadline - cert_net__now_ms();
        if (left <= 0)
            return false;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        rc = poll(&p, 1, (int)left);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

bool cert_net__sockaddr(const char *address, unsigned int port, struct sockaddr_storage *sa,
                        socklen_t *len)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;

    memset(sa, 0, sizeof(*sa));
    if (address == NULL || port > 65535)
        return false;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
        return true;
    }
    if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
        return true;
    }
    return false;
}

bool cert_net_is_address(const char *text)
{
    struct sockaddr_storage sa;
    socklen_t len;

    return cert_net__sockaddr(text, 0, &sa, &len);
}

static bool parse_port(const char *s, size_t n, unsigned int *out)
{
    unsigned long v = 0;

    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    *out = (unsigned int)v;
    return true;
}

cert_err cert_net_split_host_port(const char *text, unsigned int default_port, char *host,
                                  size_t host_size, unsigned int *port)
{
    const char *h = text, *colon;
    size_t hl;

    if (text == NULL || host == NULL || port == NULL || host_size == 0)
        return cert__error_set(CERT_E_INVALID, "cert_net_split_host_port: NULL argument");
    host[0] = '\0';
    *port = default_port;
    if (text[0] == '[') { /* [IPv6]:PORT or [IPv6] */
        const char *close = strchr(text, ']');

        if (close == NULL)
            return cert__error_set(CERT_E_INVALID, "%s: a '[' without its ']'", text);
        h = text + 1;
        hl = (size_t)(close - h);
        if (close[1] == ':') {
            if (!parse_port(close + 2, strlen(close + 2), port))
                return cert__error_set(CERT_E_INVALID, "%s: the port is not 1 to 65535", text);
        } else if (close[1] != '\0') {
            return cert__error_set(CERT_E_INVALID, "%s: give [ADDRESS]:PORT", text);
        }
    } else if ((colon = strchr(text, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
        hl = (size_t)(colon - text); /* one colon: HOST:PORT */
        if (!parse_port(colon + 1, strlen(colon + 1), port))
            return cert__error_set(CERT_E_INVALID, "%s: the port is not 1 to 65535", text);
    } else {
        hl = strlen(text); /* no colon, or an IPv6 address without brackets */
    }
    if (hl == 0 || hl > 253 || hl >= host_size)
        return cert__error_set(CERT_E_INVALID, "%s: give HOST[:PORT]", text);
    memcpy(host, h, hl);
    host[hl] = '\0';
    return CERT_OK;
}

cert_err cert_net__server_parse(const char *text, unsigned int default_port, net_server *out)
{
    char host[256];
    unsigned int port;

    memset(out, 0, sizeof(*out));
    if (cert_net_split_host_port(text, default_port, host, sizeof(host), &port) < 0 ||
        !cert_net__sockaddr(host, port, &out->sa, &out->salen))
        return cert__error_set(CERT_E_INVALID,
                               "%s: not a DNS server address; give ADDRESS[:PORT] (IPv6 in "
                               "brackets when a port follows)",
                               text ? text : "");
    if (port == 53)
        snprintf(out->text, sizeof(out->text), "%s", host);
    else
        snprintf(out->text, sizeof(out->text), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
    return CERT_OK;
}

cert_err cert_net__resolv_conf_parse(const char *text, net_server *servers, size_t *count,
                                     long *timeout_ms, unsigned int *attempts)
{
    const char *line = text;

    *count = 0;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char buf[512], *word, *save = NULL;

        if (n < sizeof(buf)) {
            memcpy(buf, line, n);
            buf[n] = '\0';
            word = strtok_r(buf, " \t\r", &save);
            if (word != NULL && strcmp(word, "nameserver") == 0 && *count < NET_MAX_SERVERS) {
                char *addr = strtok_r(NULL, " \t\r", &save);
                char *pct = addr ? strchr(addr, '%') : NULL;

                if (pct != NULL)
                    *pct = '\0'; /* a link-local scope: not ours to honour */
                if (addr != NULL && cert_net__server_parse(addr, 53, &servers[*count]) == CERT_OK)
                    (*count)++;
                cert_error_clear();
            } else if (word != NULL && strcmp(word, "options") == 0) {
                while ((word = strtok_r(NULL, " \t\r", &save)) != NULL) {
                    long v = strtol(strchr(word, ':') ? strchr(word, ':') + 1 : "0", NULL, 10);

                    if (strncmp(word, "timeout:", 8) == 0 && v >= 1 && v <= 30)
                        *timeout_ms = v * 1000;
                    else if (strncmp(word, "attempts:", 9) == 0 && v >= 1 && v <= 5)
                        *attempts = (unsigned int)v;
                }
            }
        }
        line = end ? end + 1 : NULL;
    }
    if (*count == 0) { /* resolv.conf(5): no nameserver line means the local machine */
        cert_err err = cert_net__server_parse("127.0.0.1", 53, &servers[0]);

        if (err < 0)
            return err;
        *count = 1;
    }
    return CERT_OK;
}

/* ---- pins ---- */

void cert_net__pin_clear(net_pin *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->addresses[i]);
    free(p->addresses);
    memset(p, 0, sizeof(*p));
}

static cert_err bad_pin(const char *text, const char *why)
{
    return cert__error_set(CERT_E_INVALID,
                           "--resolve %s: %s; give HOST:PORT:ADDRESS[,ADDRESS]... as curl's "
                           "(IPv6 in brackets)",
                           text, why);
}

cert_err cert_net__pin_parse(const char *text, net_pin *out)
{
    const char *c1, *c2, *a;

    memset(out, 0, sizeof(*out));
    if (text == NULL)
        return bad_pin("", "empty");
    if (text[0] == '+' || text[0] == '-')
        return bad_pin(text, "curl's timed and removing entries are not supported");
    c1 = strchr(text, ':');
    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || c1 == text)
        return bad_pin(text, "no HOST:PORT:");
    if ((size_t)(c1 - text) >= DNS_NAME_MAX)
        return bad_pin(text, "the host is too long");
    if (c1 - text == 1 && text[0] == '*') {
        memcpy(out->host, "*", 2);
    } else {
        char host[DNS_NAME_MAX];

        memcpy(host, text, (size_t)(c1 - text));
        host[c1 - text] = '\0';
        if (!cert_net__dns_name(host, out->host))
            return bad_pin(text, "the host is not a DNS name");
    }
    if (!parse_port(c1 + 1, (size_t)(c2 - c1 - 1), &out->port))
        return bad_pin(text, "the port is not 1 to 65535");
    for (a = c2 + 1;;) {
        const char *comma = strchr(a, ',');
        size_t n = comma ? (size_t)(comma - a) : strlen(a);
        char addr[64];
        char **v;

        if (n >= 2 && a[0] == '[' && a[n - 1] == ']') { /* [IPv6] */
            memmove(addr, a + 1, n - 2 < sizeof(addr) ? n - 2 : 0);
            n = n - 2 < sizeof(addr) ? n - 2 : sizeof(addr);
        } else if (n < sizeof(addr)) {
            memcpy(addr, a, n);
        }
        if (n == 0 || n >= sizeof(addr)) {
            cert_net__pin_clear(out);
            return bad_pin(text, "an empty or overlong address");
        }
        addr[n] = '\0';
        if (!cert_net_is_address(addr)) {
            cert_net__pin_clear(out);
            return bad_pin(text, "an address that is not IPv4 or IPv6");
        }
        if ((v = realloc(out->addresses, (out->count + 1) * sizeof(*v))) == NULL) {
            cert_net__pin_clear(out);
            return cert__error_nomem();
        }
        out->addresses = v;
        if ((v[out->count] = strdup(addr)) == NULL) {
            cert_net__pin_clear(out);
            return cert__error_nomem();
        }
        out->count++;
        if (comma == NULL)
            break;
        a = comma + 1;
    }
    if (out->count == 0)
        return bad_pin(text, "no address");
    return CERT_OK;
}

const net_pin *cert_net__pin_find(const net_pin *pins, size_t count, const char *name,
                                  unsigned int port)
{
    /* curl: a wildcard is tried last, so a pin for the very name wins. */
    for (size_t i = 0; i < count; i++) {
        if (pins[i].port == port && strcmp(pins[i].host, name) == 0)
            return &pins[i];
    }
    for (size_t i = 0; i < count; i++) {
        if (pins[i].port == port && strcmp(pins[i].host, "*") == 0)
            return &pins[i];
    }
    return NULL;
}
