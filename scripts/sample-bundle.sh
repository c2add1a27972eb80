#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Make the built-in sample: a private root, an intermediate and a leaf for www.example.com,
# and the combined bundle a CA might mail: text around the blocks, CRLF line endings, the
# intermediate before the leaf, the key at the end. Writes into DIR (default build/demo).
#   root.pem               the root (trust it with --ca-file)
#   mailed-bundle.pem      the combined bundle
#   previous-bundle.pem    last quarter's certificate for the same names (10 days left): the one
#                          a distribution serves today, which the renewal replaces
#   next-bundle.pem        next quarter's (issued later, 180 days): the second renewal
set -eu
dir=${1:-build/demo}
mkdir -p "$dir"
cd "$dir"
rm -f ./*.pem ./*.key ./*.srl ./*.ext
export OPENSSL_CONF=/dev/null

printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > int.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.com,DNS:example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > leaf.ext

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key 2>/dev/null
openssl req -x509 -new -key root.key -subj "/O=Example Demo CA/CN=Example Demo Root" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out root.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int.key 2>/dev/null
openssl req -new -key int.key -subj "/O=Example Demo CA/CN=Example Demo Issuing CA 1" -out int.csr
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 0x1001 -days 1825 \
    -extfile int.ext -out int.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj "/CN=www.example.com" -out leaf.csr
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 0x2001 -days 90 \
    -extfile leaf.ext -out leaf.pem 2>/dev/null

# Last quarter's certificate: same names, another key, ten days left.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out previous.key 2>/dev/null
openssl req -new -key previous.key -subj "/CN=www.example.com" -out previous.csr
openssl x509 -req -in previous.csr -CA int.pem -CAkey int.key -set_serial 0x2000 -days 10 \
    -extfile leaf.ext -out previous.pem 2>/dev/null
cat previous.pem int.pem previous.key > previous-bundle.pem

# Next quarter's: same names, another key, a later notAfter.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out next.key 2>/dev/null
openssl req -new -key next.key -subj "/CN=www.example.com" -out next.csr
openssl x509 -req -in next.csr -CA int.pem -CAkey int.key -set_serial 0x2002 -days 180 \
    -extfile leaf.ext -out next.pem 2>/dev/null
cat next.pem int.pem next.key > next-bundle.pem

{
    printf 'Dear customer,\n\nyour certificate for www.example.com has been issued.\n'
    printf 'Below you find the intermediate, your certificate and the key we generated.\n\n'
    cat int.pem
    printf '\nYour certificate:\n\n'
    cat leaf.pem
    printf '\nPrivate key (keep it safe):\n\n'
    cat leaf.key
    printf '\nKind regards,\nExample Demo CA support\n'
} | sed 's/$/\r/' > mailed-bundle.pem
chmod 600 mailed-bundle.pem previous-bundle.pem next-bundle.pem leaf.key previous.key next.key int.key \
    root.key
rm -f ./*.csr ./*.ext
